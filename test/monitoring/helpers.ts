/** Shared by the monitoring tests: generated output in a temp dir, and the external tools. */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import type { TestContext } from 'node:test';
import { monitoringOutput } from '../../synth.ts';

export const exec = promisify(execFile);

/** Writes the synth output to a fresh directory, as `npm run synth` lays it out under dist/. */
export function writeOutput(): string {
  const dir = mkdtempSync(join(tmpdir(), 'feexpay-monitoring-'));
  for (const [path, text] of Object.entries(monitoringOutput())) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

async function found(tool: string): Promise<boolean> {
  try {
    await exec(tool, ['--version']);
    return true;
  } catch {
    return false;
  }
}

/**
 * True when the tool runs. Missing on a laptop: the test is skipped with the install hint.
 * Missing in CI: the test fails, since a skipped check there would pass a broken config.
 */
export async function requireTool(t: TestContext, tool: 'promtool' | 'amtool' | 'prometheus'): Promise<boolean> {
  if (await found(tool)) return true;
  const hint = `${tool} not found: run .ci/install-monitoring-tools.sh`;
  if (process.env.CI === 'true') throw new Error(hint);
  t.skip(hint);
  return false;
}
