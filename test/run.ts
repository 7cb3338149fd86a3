/**
 * `npm test`: every test file in its own process, one file at a time, then the scan of the logs
 * they wrote (test/final); `npm test -- <files>` runs the files named, without the scan.
 *
 * Two defences against a V8 fault that is not ours (nodejs/node#64500, README "Tests"): test
 * processes run with `--no-wasm-code-gc`, so V8 never frees PGlite's compiled WebAssembly code
 * while the process lives (the freeing is where its JIT-page registry aborts); and a file whose
 * process still aborts with that registry's check runs once more. Any other failure, or a second
 * abort, fails the run.
 */
import { globSync } from 'node:fs';
import { finished } from 'node:stream/promises';
import { run } from 'node:test';
import { spec } from 'node:test/reporters';

const EXEC_ARGV = ['--import', 'tsx', '--no-wasm-code-gc'];
const JIT_PAGE_ABORT = /Check failed: jit_page/;

interface Outcome {
  /** Files with a failing test (or whose process failed). */
  failed: Set<string>;
  /** Files whose process V8 aborted on its JIT-page registry. */
  aborted: Set<string>;
}

async function runFiles(files: string[]): Promise<Outcome> {
  const outcome: Outcome = { failed: new Set(), aborted: new Set() };
  const stream = run({ files, concurrency: 1, execArgv: EXEC_ARGV });
  stream.on('test:fail', (data) => {
    if (data.file) outcome.failed.add(data.file);
  });
  stream.on('test:stderr', (data) => {
    if (JIT_PAGE_ABORT.test(data.message)) outcome.aborted.add(data.file);
  });
  const report = stream.compose(spec);
  report.pipe(process.stdout);
  await finished(report);
  return outcome;
}

/** Files that failed for another reason than the V8 abort. */
function otherFailures(outcome: Outcome): string[] {
  return [...outcome.failed].filter((file) => !outcome.aborted.has(file));
}

async function main(files: string[]): Promise<number> {
  const first = await runFiles(files.length > 0 ? files : globSync('test/*/*.test.ts').sort());
  if (otherFailures(first).length > 0) return 1;
  if (first.aborted.size > 0) {
    const again = [...first.aborted];
    console.log(`\nV8 aborted on its JIT-page registry (nodejs/node#64500) in ${again.join(', ')}: running once more\n`);
    const second = await runFiles(again);
    if (second.failed.size > 0) return 1;
  }
  // The scan reads every log the whole suite writes: a run of chosen files skips it.
  if (files.length > 0) return 0;
  const final = await runFiles(globSync('test/final/*.final.ts'));
  return final.failed.size > 0 ? 1 : 0;
}

process.exitCode = await main(process.argv.slice(2));
