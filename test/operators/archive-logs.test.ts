/**
 * The log archive on a temporary directory filled by the service's own logger (real pino-roll
 * rotation), so the file naming the job relies on is the one the logger really produces.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { closeLogger, createLogger } from '../../src/observability/logger.ts';
import { archiveLogs } from '../../src/archive/archive-logs.ts';
import { scanLogDir } from '../../src/archive/rotated-files.ts';

const run = promisify(execFile);
const DAY_MS = 86_400_000;
let root: string;

/** Writes enough lines through the real logger for app.log and app.json.log to rotate. */
async function fillLogDir(dir: string, stdout = path.join(dir, 'stdout.txt')): Promise<void> {
  fs.mkdirSync(dir, { recursive: true });
  const log = createLogger({ level: 'info', logDir: dir, rotation: { size: '2k', files: 10 }, stdout });
  // pino-roll checks the size after each flushed chunk (about 16 kB), so write several of them.
  for (let i = 0; i < 400; i++) {
    log.info({ i, pad: 'x'.repeat(200) }, 'line');
    if (i % 20 === 0) await new Promise((r) => setTimeout(r, 5));
  }
  log.error('one error');
  await closeLogger(log);
}

/** A log directory under the test root holding `files` (name -> contents), as rotation would leave it. */
function logDirWith(name: string, files: Record<string, string>): string {
  const dir = path.join(root, name);
  fs.mkdirSync(dir);
  for (const [file, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, file), text);
  return dir;
}

function snapshot(dir: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    if (e.isFile()) m.set(e.name, fs.readFileSync(path.join(dir, e.name), 'utf8'));
  }
  return m;
}

async function until(ok: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !ok(); i++) await new Promise((r) => setTimeout(r, 20));
  assert.ok(ok(), 'condition reached within 2 s');
}

/** What `fn` writes to this process's stderr. */
async function stderrOf(fn: () => Promise<void>): Promise<string> {
  const said: string[] = [];
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((chunk: string) => (said.push(String(chunk)), true)) as typeof process.stderr.write;
  try {
    await fn();
  } finally {
    process.stderr.write = write;
  }
  return said.join('');
}

before(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'fgw-archive-'));
});
after(() => fs.rmSync(root, { recursive: true, force: true }));

describe('archive:logs', () => {
  test('compresses every rotated file, verifies it, removes it, and leaves the active files alone', async () => {
    const dir = path.join(root, 'logs');
    await fillLogDir(dir);
    const { rotated, active } = scanLogDir(dir);
    assert.ok(rotated.length >= 2, `the logger rotated (${rotated.length} rotated files)`);
    assert.ok(
      rotated.every((r) => /\.\d+\.log$/.test(r.path)),
      'pino-roll names files <stem>.<n>.log',
    );
    const activeTargets = ['app.log', 'app.json.log', 'error.log', 'feexpay.log'].map((n) => path.basename(fs.readlinkSync(path.join(dir, n))));
    assert.deepEqual(active.map((a) => path.basename(a)).sort(), [...activeTargets].sort());

    const before = snapshot(dir);
    const report = await archiveLogs({ logDir: dir, archiveDir: path.join(dir, 'archive'), retentionDays: 365 });
    assert.deepEqual(report.failed, []);
    assert.equal(report.archived.length, rotated.length);
    for (const a of report.archived) {
      const name = path.basename(a.file);
      assert.equal(fs.existsSync(a.file), false, `${name} removed after archiving`);
      assert.equal(zlib.gunzipSync(fs.readFileSync(a.archive)).toString('utf8'), before.get(name), `${name} archived intact`);
      assert.match(path.basename(a.archive), new RegExp(`^${name.replaceAll('.', '\\.')}-\\d{8}T\\d{6}Z\\.gz$`));
    }
    const afterRun = snapshot(dir);
    for (const target of activeTargets) assert.equal(afterRun.get(target), before.get(target), `${target} untouched`);
    for (const link of ['app.log', 'app.json.log', 'error.log', 'feexpay.log']) {
      assert.ok(fs.lstatSync(path.join(dir, link)).isSymbolicLink(), `${link} still a symlink`);
    }
    assert.deepEqual(report.kept.sort(), report.archived.map((a) => path.basename(a.archive)).sort());

    const again = await archiveLogs({ logDir: dir, archiveDir: path.join(dir, 'archive'), retentionDays: 365 });
    assert.equal(again.archived.length, 0, 'a second run has nothing to do');
  });

  test('a file whose archive cannot be written stays in place', async () => {
    const dir = logDirWith('blocked', { 'app.1.log': 'old lines\n', 'app.2.log': 'current lines\n' });
    const archiveDir = path.join(dir, 'archive');
    fs.mkdirSync(archiveDir);
    // A directory where the temporary archive would go: writing it fails.
    const stamp = fs
      .statSync(path.join(dir, 'app.1.log'))
      .mtime.toISOString()
      .replace(/[-:]/g, '')
      .replace(/\.\d+Z$/, 'Z');
    fs.mkdirSync(path.join(archiveDir, `app.1.log-${stamp}.gz.partial`));
    const report = await archiveLogs({ logDir: dir, archiveDir, retentionDays: 365 });
    assert.equal(report.archived.length, 0);
    assert.equal(report.failed.length, 1);
    assert.equal(fs.readFileSync(path.join(dir, 'app.1.log'), 'utf8'), 'old lines\n', 'original kept');
    assert.equal(fs.readFileSync(path.join(dir, 'app.2.log'), 'utf8'), 'current lines\n', 'highest number is active');
  });

  test('an archive already made by an interrupted run is recognised, not duplicated', async () => {
    const dir = logDirWith('resumed', { 'feexpay.1.log': 'settled\n', 'feexpay.2.log': 'now\n' });
    const archiveDir = path.join(dir, 'archive');
    const first = await archiveLogs({ logDir: dir, archiveDir, retentionDays: 365 });
    fs.writeFileSync(path.join(dir, 'feexpay.1.log'), 'settled\n');
    fs.utimesSync(path.join(dir, 'feexpay.1.log'), new Date(), fs.statSync(first.archived[0]!.archive).mtime);
    const second = await archiveLogs({ logDir: dir, archiveDir, retentionDays: 365 });
    assert.equal(second.archived[0]!.archive, first.archived[0]!.archive);
    assert.equal(fs.readdirSync(archiveDir).length, 1);
    assert.equal(fs.existsSync(path.join(dir, 'feexpay.1.log')), false);
  });

  test('archives past the retention period are deleted, newer ones kept', async () => {
    const dir = path.join(root, 'retention');
    const archiveDir = path.join(dir, 'archive');
    fs.mkdirSync(archiveDir, { recursive: true });
    const now = new Date('2026-11-24T12:00:00Z');
    const make = (name: string, ageDays: number) => {
      const file = path.join(archiveDir, name);
      fs.writeFileSync(file, zlib.gzipSync('x'));
      const t = new Date(now.getTime() - ageDays * DAY_MS);
      fs.utimesSync(file, t, t);
    };
    make('app.1.log-20251001T000000Z.gz', 419);
    make('app.2.log-20251120T000000Z.gz', 369);
    make('app.3.log-20251201T000000Z.gz', 358);
    make('error.1.log-20261114T000000Z.gz', 10);
    const report = await archiveLogs({ logDir: dir, archiveDir, retentionDays: 365, now });
    assert.deepEqual(report.removed, ['app.1.log-20251001T000000Z.gz', 'app.2.log-20251120T000000Z.gz']);
    assert.deepEqual(report.kept, ['app.3.log-20251201T000000Z.gz', 'error.1.log-20261114T000000Z.gz']);
    assert.deepEqual(fs.readdirSync(archiveDir).sort(), report.kept);
  });

  test('npm run archive:logs prints what it archived, kept and removed', async () => {
    const dir = logDirWith('cli', { 'app.json.1.log': '{"msg":"a"}\n', 'app.json.2.log': '{"msg":"b"}\n' });
    fs.symlinkSync('app.json.2.log', path.join(dir, 'app.json.log'));
    const archiveDir = path.join(root, 'cli-archive');
    fs.mkdirSync(archiveDir);
    const old = path.join(archiveDir, 'app.json.1.log-20240101T000000Z.gz');
    fs.writeFileSync(old, zlib.gzipSync('old'));
    fs.utimesSync(old, new Date('2024-01-01'), new Date('2024-01-01'));
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'src/cli/archive-logs.ts'], {
      env: { ...process.env, LOG_DIR: dir, LOG_ARCHIVE_DIR: archiveDir, LOG_RETENTION_DAYS: '30' },
    });
    assert.match(stdout, /^archived app\.json\.1\.log -> app\.json\.1\.log-\d{8}T\d{6}Z\.gz/m);
    assert.match(stdout, /^active {3}app\.json\.2\.log \(not touched\)/m);
    assert.match(stdout, /^removed {2}app\.json\.1\.log-20240101T000000Z\.gz \(older than 30 days\)/m);
    assert.match(stdout, /^kept {5}1 archive\(s\)/m);
  });
});

describe('archive:logs on a shared volume, one directory per pod', () => {
  const HOUR_MS = 3_600_000;
  /** Every entry of `dir` (links included) and `dir` itself last changed `ms` ago. */
  const age = (dir: string, ms: number) => {
    const t = new Date(Date.now() - ms);
    for (const name of fs.readdirSync(dir)) fs.lutimesSync(path.join(dir, name), t, t);
    fs.utimesSync(dir, t, t);
  };

  test("each pod's rotated files are archived under its name; live pods' current files and directories stay", async () => {
    const shared = path.join(root, 'shared-live');
    await fillLogDir(path.join(shared, 'api-7d9f-abcde'));
    await fillLogDir(path.join(shared, 'api-7d9f-fghij'));
    const archiveDir = path.join(shared, 'archive');
    const report = await archiveLogs({ logDir: shared, archiveDir, retentionDays: 365 });
    assert.deepEqual(report.failed, []);
    assert.deepEqual(report.abandoned, []);
    for (const pod of ['api-7d9f-abcde', 'api-7d9f-fghij']) {
      const mine = report.archived.filter((a) => path.dirname(a.file) === path.join(shared, pod));
      assert.ok(mine.length >= 2, `${pod}: its rotated files archived (${mine.length})`);
      for (const a of mine) assert.ok(path.basename(a.archive).startsWith(`${pod}.${path.basename(a.file)}-`), path.basename(a.archive));
      for (const link of ['app.log', 'app.json.log', 'error.log', 'feexpay.log']) {
        assert.ok(fs.existsSync(path.join(shared, pod, link)), `${pod}/${link}: the current file is still there`);
      }
    }
    assert.equal(report.active.length, 8, 'four current files per pod left alone');
  });

  test('the directory of a pod gone for over an hour is archived whole and removed; a quiet pod with a fresh mark is not', async () => {
    const shared = path.join(root, 'shared-gone');
    const gone = path.join(shared, 'api-7d9f-gone1');
    const quiet = path.join(shared, 'api-7d9f-quiet');
    // stdout elsewhere, as in a pod: the directory holds only what the logger writes.
    await fillLogDir(gone, `${gone}.stdout.txt`);
    await fillLogDir(quiet, `${quiet}.stdout.txt`);
    const contents = snapshot(gone);
    age(gone, 2 * HOUR_MS);
    // The quiet pod wrote no line for two hours, but its logger still rewrites its mark.
    age(quiet, 2 * HOUR_MS);
    fs.utimesSync(path.join(quiet, '.writer.json'), new Date(), new Date());

    // The volume's own directory, as old as the gone pod's: not the service's, left alone.
    const lostFound = path.join(shared, 'lost+found');
    fs.mkdirSync(lostFound);
    age(lostFound, 2 * HOUR_MS);

    const archiveDir = path.join(shared, 'archive');
    const report = await archiveLogs({ logDir: shared, archiveDir, retentionDays: 365 });
    assert.deepEqual(report.failed, []);
    assert.deepEqual(report.abandoned, [gone]);
    assert.ok(fs.existsSync(lostFound), 'lost+found is not a log directory');
    assert.equal(fs.existsSync(gone), false, 'the directory is removed');
    const fromGone = report.archived.filter((a) => path.dirname(a.file) === gone);
    const logFiles = [...contents.keys()].filter((n) => /\.\d+\.log$/.test(n));
    assert.deepEqual(fromGone.map((a) => path.basename(a.file)).sort(), logFiles.sort(), 'every file, the current ones too');
    for (const a of fromGone) assert.equal(zlib.gunzipSync(fs.readFileSync(a.archive)).toString('utf8'), contents.get(path.basename(a.file)));
    assert.ok(fs.existsSync(path.join(quiet, 'app.log')), 'the quiet pod keeps its current files');
    assert.equal(report.active.filter((a) => path.dirname(a) === quiet).length, 4);
  });

  test('a second process on the same LOG_DIR is told so on stderr when it starts', async () => {
    const dir = path.join(root, 'two-writers');
    fs.mkdirSync(dir);
    // Another process holds the directory: its logger writes the mark as the service's does.
    const script = `import { createLogger } from './src/observability/logger.ts';
      const log = createLogger({ level: 'info', logDir: ${JSON.stringify(dir)}, stdout: ${JSON.stringify(path.join(dir, 'other.txt'))} });
      log.info('first writer');
      process.stdout.write('ready\\n');
      process.stdin.on('end', () => process.exit(0)).resume();`;
    const other = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['pipe', 'pipe', 'inherit'] });
    try {
      await new Promise<void>((resolve, reject) => {
        other.stdout.on('data', (d: Buffer) => d.toString().includes('ready') && resolve());
        other.once('exit', (code) => reject(new Error(`the first writer exited (${code})`)));
      });
      await until(() => fs.existsSync(path.join(dir, '.writer.json')) && fs.readFileSync(path.join(dir, '.writer.json'), 'utf8').endsWith('\n'));
      const said = await stderrOf(async () => {
        const log = createLogger({ level: 'info', logDir: dir, stdout: path.join(dir, 'second.txt') });
        log.info('second writer');
        await closeLogger(log);
      });
      assert.match(said, new RegExp(`log directory ${dir.replaceAll('.', '\\.')} is also written by \\S+ pid ${other.pid} `));
      assert.match(said, /give each its own LOG_DIR/);
    } finally {
      other.stdin.end();
    }
    // The writer gone, its mark ages: a later start after two minutes is silent (its own mark is rewritten).
    const old = new Date(Date.now() - 3 * 60_000);
    fs.utimesSync(path.join(dir, '.writer.json'), old, old);
    fs.writeFileSync(path.join(dir, '.writer.json'), JSON.stringify({ hostname: 'elsewhere', pid: 1, at: old.toISOString() }));
    fs.utimesSync(path.join(dir, '.writer.json'), old, old);
    const later = await stderrOf(async () => {
      const log = createLogger({ level: 'info', logDir: dir, stdout: path.join(dir, 'third.txt') });
      await closeLogger(log);
    });
    assert.doesNotMatch(later, /also written by/);
  });
});
