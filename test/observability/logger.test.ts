import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Fastify from 'fastify';
import { closeLogger, createLogger, FEEXPAY_COMPONENT, LOG_FILES } from '../../src/observability/logger.ts';
import { logDiskUsageRatio } from '../../src/observability/disk.ts';
import { CompletedRequestLog } from '../../src/observability/request-log.ts';
import { maskBindings } from '../../src/observability/log-serializers.ts';

const PAYMENT_ID = '3f1c2a9e-0b7d-4c1e-9a55-426614174000';
const REFERENCE = '9b2e61d4-77aa-4f0e-8c1b-002290167000';
const KEY = `fp_${'Zk8Qw2Lm'.repeat(8)}`;
const WEBHOOK_TOKEN = 'whTok3n-d0-not-leak';

/** Every value the logs must never contain, whatever the shape it was logged in. */
const FORBIDDEN = [
  '2290167000000',
  '0167000000',
  '01 67 00 00 00',
  '22507080910',
  'koffi.mensah@example.bj',
  'ama@example.ci',
  'Koffi',
  'Mensah',
  'Kouassi',
  KEY,
  'Zk8Qw2Lm',
  WEBHOOK_TOKEN,
  'c2VjcmV0OnBhc3M',
  'session=s3cr3t',
];

function tmpDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'fxp-logs-'));
}

function jsonLines(file: string): Record<string, unknown>[] {
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

test('no personal data or secret reaches stdout or any of the four files', async () => {
  const dir = tmpDir();
  const stdout = path.join(dir, 'stdout.jsonl');
  const log = createLogger({ level: 'debug', logDir: dir, stdout });

  log.info(
    { paymentId: PAYMENT_ID, amount: 2500, phone: '2290167000000', nested: { a: { b: { msisdn: 2290167000000 } } } },
    'payment %s created for %s',
    PAYMENT_ID,
    '+229 01 67 00 00 00',
  );
  log.info({ payer: { contact: 2290167000000, note: 'reach me on 0167000000 or koffi.mensah@example.bj' } }, 'note');
  const refused = Object.assign(new Error(`FeexPay refused 2290167000000 (koffi.mensah@example.bj) key ${KEY}`), {
    statusCode: 400,
    body: { phoneNumber: 2290167000000, first_name: 'Koffi', last_name: 'Mensah', email: 'koffi.mensah@example.bj' },
  });
  log.error({ err: refused, paymentId: PAYMENT_ID, amount: 2500 }, 'request to pay failed');
  log.error(new Error('second failure for 22507080910'));
  log.warn({ error: new Error('unhandled for ama@example.ci') }, 'as error key');
  log.info({ headers: { authorization: `Bearer ${KEY}`, cookie: 'session=s3cr3t', 'idempotency-key': 'idem-42' } }, 'headers');
  log.info({ raw: `{"phoneNumber":2290167000000,"first_name":"Ama","last_name":"Kouassi","email":"ama@example.ci"}` }, 'raw body');
  log.debug(`retrying with Authorization: Basic c2VjcmV0OnBhc3M=`);

  const feexpay = log.child({ component: FEEXPAY_COMPONENT });
  feexpay.info(
    {
      operation: 'request_to_pay',
      body: { phoneNumber: 2290167000000, amount: 2500, shop: 'shop1', first_name: 'Koffi', last_name: 'Mensah', callback_info: PAYMENT_ID },
      answer: { reference: REFERENCE, status: 'PENDING' },
    },
    'FeexPay request',
  );
  feexpay.error({ reference: REFERENCE }, `status check failed for ${REFERENCE} from 2290167000000`);
  log.info({ ctx: { component: 'feexpay' } }, 'nested component is not the feexpay logger');

  // A real Fastify app with this logger: its request lines must not carry the webhook token.
  const app = Fastify({ loggerInstance: log, logController: new CompletedRequestLog() });
  app.post('/v1/webhooks/feexpay/:token', async () => ({ ok: true }));
  app.get('/boom', async () => {
    throw new Error('db down while paying 2290167000000');
  });
  await app.inject({ method: 'POST', url: `/v1/webhooks/feexpay/${WEBHOOK_TOKEN}`, headers: { authorization: `Bearer ${KEY}` }, payload: {} });
  await app.inject({ method: 'GET', url: '/boom' });
  await app.close();

  await closeLogger(log);

  const files = [stdout, ...Object.values(LOG_FILES).map((f) => path.join(dir, f))];
  for (const file of files) {
    assert.ok(fs.existsSync(file), `${file} exists`);
    const text = fs.readFileSync(file, 'utf8');
    assert.ok(text.length > 0, `${file} is not empty`);
    for (const secret of FORBIDDEN) assert.ok(!text.includes(secret), `${path.basename(file)} contains ${secret}`);
  }

  const all = jsonLines(path.join(dir, LOG_FILES.json));
  assert.deepEqual(
    jsonLines(stdout).map((l) => l.msg),
    all.map((l) => l.msg),
    'stdout and app.json.log hold the same lines',
  );
  const created = all.find((l) => String(l.msg).startsWith('payment'));
  assert.equal(created?.msg, `payment ${PAYMENT_ID} created for [phone]`);
  assert.equal(created?.paymentId, PAYMENT_ID);
  assert.equal(created?.amount, 2500);
  const failed = all.find((l) => l.msg === 'request to pay failed') as { err: Record<string, unknown>; amount: number };
  assert.equal(failed.amount, 2500);
  assert.equal(failed.err.type, 'Error');
  assert.equal(failed.err.statusCode, 400);
  assert.match(String(failed.err.message), /FeexPay refused \[phone\] \(\[email\]\) key fp_\[redacted\]/);
  const hook = all.find((l) => l.msg === 'request completed' && String((l.req as { url: string }).url).includes('webhooks'));
  assert.equal((hook?.req as { url: string }).url, '/v1/webhooks/feexpay/[redacted]');
  assert.ok(all.some((l) => l.msg === 'headers' && (l.headers as Record<string, string>)['idempotency-key'] === 'idem-42'));

  const errors = jsonLines(path.join(dir, LOG_FILES.errors));
  assert.ok(errors.length >= 4, 'the error lines, including the 500 of /boom');
  assert.ok(
    errors.every((l) => Number(l.level) >= 50),
    'error.log holds errors only',
  );

  const fx = jsonLines(path.join(dir, LOG_FILES.feexpay));
  assert.equal(fx.length, 2);
  assert.ok(fx.every((l) => l.component === FEEXPAY_COMPONENT));
  assert.equal((fx[0]?.answer as { reference: string }).reference, REFERENCE);
  assert.equal((fx[0]?.body as { amount: number }).amount, 2500);
  assert.equal(fx[1]?.msg, `status check failed for ${REFERENCE} from [phone]`);

  const general = fs.readFileSync(path.join(dir, LOG_FILES.general), 'utf8');
  assert.match(general, /INFO.*payment 3f1c2a9e-0b7d-4c1e-9a55-426614174000 created for \[phone\]/);
  assert.ok(!general.trimStart().startsWith('{'), 'app.log is human readable');
  fs.rmSync(dir, { recursive: true, force: true });
});

test('files rotate by size, keep the configured count, and the stable name follows the newest', async () => {
  const dir = tmpDir();
  const log = createLogger({ level: 'info', logDir: dir, stdout: path.join(dir, 'stdout.jsonl'), rotation: { size: '2k', files: 3 } });
  // The worker takes a moment to start; lines logged meanwhile arrive as one large write, and
  // pino-roll only rolls between writes. Wait for it, then log at a pace it sees line by line.
  log.info({ i: -1 }, 'start');
  while (!fs.existsSync(path.join(dir, LOG_FILES.json)) || fs.statSync(path.join(dir, LOG_FILES.json)).size === 0) {
    await new Promise((r) => setTimeout(r, 10));
  }
  for (let i = 0; i < 300; i++) {
    log.info({ i, paymentId: PAYMENT_ID }, 'a line long enough to fill two kilobytes quickly, padding padding');
    // Paced so that the worker sees separate writes even on a loaded machine.
    await new Promise((r) => setTimeout(r, 2));
  }
  await closeLogger(log);
  // Old files are deleted asynchronously after a roll: give the last deletion a moment.
  await new Promise((r) => setTimeout(r, 200));

  const numbered = fs.readdirSync(dir).filter((f) => /^app\.json\.\d+\.log$/.test(f));
  const numbers = numbered.map((f) => Number(f.split('.')[2])).sort((a, b) => a - b);
  assert.ok(Math.max(...numbers) > 3, `rotated several times: ${numbered.join(', ')}`);
  assert.ok(numbered.length <= 3, `at most 3 files kept: ${numbered.join(', ')}`);
  const link = fs.readlinkSync(path.join(dir, LOG_FILES.json));
  assert.equal(link, `app.json.${Math.max(...numbers)}.log`);
  // pino-roll rolls once the current write is flushed, so a file may pass the size by a few
  // writes: at 10 MB that is noise, at 2 kB it is most of a file. What matters is that the oldest
  // lines were deleted with their files and the newest are in the file the stable name points at.
  const kept = numbered.flatMap((f) => jsonLines(path.join(dir, f)));
  assert.ok(!kept.some((l) => l.i === 0), 'the oldest files were deleted');
  // A roll right after the last write leaves the stable name on a new, empty file: the newest
  // line is then at the end of the file before it.
  const newestFirst = [...numbers].reverse().map((n) => jsonLines(path.join(dir, `app.json.${n}.log`)));
  const last = newestFirst.find((lines) => lines.length > 0)?.at(-1);
  assert.equal(last?.i, 299);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('by default: masked JSON lines on stdout, or pretty text when asked, with nothing lost at close', () => {
  const run = (mode: string) =>
    execFileSync(process.execPath, ['--import', 'tsx', 'test/observability/fixtures/stdout-logger.ts', mode], {
      cwd: path.resolve(import.meta.dirname, '../..'),
      encoding: 'utf8',
    });
  const json = run('json')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.equal(json.length, 2);
  assert.equal(json[0]?.msg, 'pay from [phone] [email]');
  assert.equal(json[0]?.phone, '[redacted]');
  assert.equal(json[0]?.amount, 2500);
  assert.deepEqual(json[1]?.headers, { authorization: '[redacted]' });
  const pretty = run('pretty');
  assert.match(pretty, /INFO.*pay from \[phone\] \[email\]/);
  assert.match(pretty, /WARN.*answered 401/);
  for (const out of [JSON.stringify(json), pretty]) {
    for (const secret of ['2290167000000', 'koffi@example.bj', 'fp_abc123']) assert.ok(!out.includes(secret), secret);
  }
});

test('at low traffic a line reaches stdout within about a second, not only once a buffer fills', async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/observability/fixtures/stdout-logger.ts', 'linger'], {
    cwd: path.resolve(import.meta.dirname, '../..'),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<number>((resolve) => child.on('exit', () => resolve(Date.now())));
  const firstLine = await Promise.race([new Promise<number>((resolve) => child.stdout.once('data', () => resolve(Date.now()))), exited]);
  const exitedAt = await exited;
  // The fixture logs, then stays up 3 s: the lines came while it was still running.
  assert.ok(exitedAt - firstLine > 1000, `first output ${exitedAt - firstLine} ms before exit`);
});

test('logDiskUsageRatio reports the used fraction of the log filesystem, null when absent', async () => {
  const ratio = await logDiskUsageRatio(os.tmpdir());
  assert.ok(ratio !== null && ratio >= 0 && ratio <= 1, String(ratio));
  assert.equal(await logDiskUsageRatio(path.join(os.tmpdir(), 'does-not-exist-fxp')), null);
});

test('child bindings are masked, except the request id the service generates itself', () => {
  const id = '40a4aac4-acc9-4f0f-a18c-9b484907c2f4';
  const own = { reqId: id };
  assert.equal(maskBindings(own), own, 'a generated UUID request id is passed through untouched');
  assert.deepEqual(maskBindings({ reqId: 'call 2290167000000' }), { reqId: 'call [phone]' });
  assert.deepEqual(maskBindings({ reqId: id, phone: '2290167000000' }), { reqId: id, phone: '[redacted]' });
});

test("the service's logger masks the bindings of its children and of their children", async () => {
  const file = path.join(tmpDir(), 'stdout.jsonl');
  const log = createLogger({ level: 'info', stdout: file });
  const id = '40a4aac4-acc9-4f0f-a18c-9b484907c2f4';
  const child = log.child({ reqId: 'call 2290167000000' });
  child.info('from the child');
  child.child({ note: 'koffi@example.bj', phone: '22997000000' }, { level: 'info' }).info('from the grandchild');
  log.child({ reqId: id }).info('own request id');
  await closeLogger(log);
  const lines = jsonLines(file);
  assert.deepEqual(
    lines.map((l) => [l.msg, l.reqId, l.note, l.phone]),
    [
      ['from the child', 'call [phone]', undefined, undefined],
      ['from the grandchild', 'call [phone]', '[email]', '[redacted]'],
      ['own request id', id, undefined, undefined],
    ],
  );
});

test('a stdout file in a directory that does not exist yet gets its directory, and every line', async () => {
  const file = path.join(tmpDir(), 'not', 'yet', 'stdout.jsonl');
  const log = createLogger({ level: 'info', stdout: file });
  log.info({ paymentId: PAYMENT_ID }, 'first line');
  await closeLogger(log);
  assert.deepEqual(
    jsonLines(file).map((l) => [l.msg, l.paymentId]),
    [['first line', PAYMENT_ID]],
  );
});

test('a LOG_DIR that cannot be created costs the files, never stdout or the process, and says so once on stderr', async () => {
  const dir = tmpDir();
  const blocker = path.join(dir, 'a-file');
  fs.writeFileSync(blocker, 'not a directory');
  const stdout = path.join(dir, 'stdout.jsonl');
  const said: string[] = [];
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((chunk: string) => (said.push(String(chunk)), true)) as typeof process.stderr.write;
  try {
    const log = createLogger({ level: 'info', logDir: path.join(blocker, 'logs'), stdout });
    for (let i = 0; i < 3; i++) log.info({ i }, 'still logging');
    await closeLogger(log);
  } finally {
    process.stderr.write = write;
  }
  assert.deepEqual(
    jsonLines(stdout).map((l) => l.i),
    [0, 1, 2],
  );
  assert.equal(said.filter((l) => l.includes('log files in')).length, 1, said.join(''));
});

test('lines logged while the files are being opened are written to them first, in order', async () => {
  const dir = tmpDir();
  const log = createLogger({ level: 'info', logDir: dir, stdout: path.join(dir, 'stdout.jsonl') });
  // Synchronously after creation: pino-roll has not opened a file yet.
  for (let i = 0; i < 50; i++) log.info({ i }, 'early');
  await closeLogger(log);
  assert.deepEqual(
    jsonLines(path.join(dir, LOG_FILES.json)).map((l) => l.i),
    Array.from({ length: 50 }, (_, i) => i),
  );
  assert.equal(fs.readFileSync(path.join(dir, LOG_FILES.general), 'utf8').trim().split('\n').length, 50);
});
