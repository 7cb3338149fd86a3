/**
 * Sentry, end to end: the fixture app runs in a child process preloaded with src/instrument.ts
 * (as `npm start` does) and reports to a local server that speaks Sentry's envelope protocol.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startFakeSentry, type EnvelopeItem } from './helpers/sentry-server.ts';
import { sentrySettingsFromEnv } from '../../src/observability/sentry-config.ts';
import { traceBudget } from '../../src/observability/request-tracing.ts';
import { serverErrorContext } from '../../src/observability/sentry.ts';
import Fastify from 'fastify';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const FIXTURE = 'test/observability/fixtures/sentry-app.ts';
const PAYMENT_ID = '3f1c2a9e-0b7d-4c1e-9a55-426614174000';
const SECRETS = ['2290167000000', 'koffi.mensah@example.bj', 'Zk8Qw2Lm', 'whTok3n-d0-not-leak', 'Koffi', 'Mensah', 's3cr3t'];

interface FixtureOutput {
  enabled: boolean;
  loaded: boolean;
  statuses: number[];
  ids: (string | null)[];
  flushed: boolean;
}

async function runFixture(env: Record<string, string | undefined>, fixture = FIXTURE): Promise<FixtureOutput> {
  const childEnv: Record<string, string | undefined> = { ...process.env, SENTRY_DSN: undefined, SENTRY_TRACES_SAMPLE_RATE: undefined, ...env };
  const child = spawn(process.execPath, ['--import', 'tsx', '--import', './src/instrument.ts', fixture], {
    cwd: ROOT,
    env: childEnv as NodeJS.ProcessEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d));
  child.stderr.on('data', (d: Buffer) => (err += d));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  assert.equal(code, 0, `fixture failed: ${err}`);
  return JSON.parse(out.trim().split('\n').at(-1) || '{}') as FixtureOutput;
}

function events(items: EnvelopeItem[]): Record<string, any>[] {
  return items.filter((i) => i.type === 'event').map((i) => i.payload as Record<string, any>);
}

function assertNoSecrets(bodies: string[], secrets = SECRETS): void {
  assert.ok(bodies.length > 0);
  for (const body of bodies) {
    for (const secret of secrets) assert.ok(!body.includes(secret), `an envelope contains ${secret}`);
  }
}

test('errors only: 5xx and the capture helpers arrive tagged and scrubbed, 4xx never', async () => {
  const sentry = await startFakeSentry();
  try {
    const out = await runFixture({ SENTRY_DSN: sentry.dsn, SENTRY_TRACES_SAMPLE_RATE: '0', SENTRY_ENVIRONMENT: 'test', SENTRY_RELEASE: 'fxg@1.2.3' });
    assert.deepEqual(out.statuses, [500, 500, 422, 200, 404]);
    assert.equal(out.enabled, true);
    assert.equal(out.flushed, true);
    assert.ok(out.ids.every((id) => typeof id === 'string'));

    const evs = events(sentry.items);
    assert.equal(evs.length, 5, 'two 5xx from Fastify and three direct captures');
    assert.ok(
      sentry.items.every((i) => i.type !== 'transaction'),
      'no traces when tracing is off',
    );
    for (const e of evs) {
      assert.equal(e.environment, 'test');
      assert.equal(e.release, 'fxg@1.2.3');
      const integrations = e.sdk.integrations as string[];
      for (const costly of ['Http', 'Fastify', 'LocalVariables', 'Console', 'ProcessSession', 'Modules']) {
        assert.ok(!integrations.includes(costly), `${costly} is not installed without tracing`);
      }
    }

    const fastifyPayment = evs.find((e) => e.tags?.route === '/v1/payments/:id/fail');
    assert.deepEqual(fastifyPayment?.tags, {
      kind: 'server_error',
      payment_id: PAYMENT_ID,
      network: 'mtn',
      route: '/v1/payments/:id/fail',
      method: 'POST',
      status_code: '500',
    });
    assert.equal(fastifyPayment?.exception.values[0].value, 'database refused insert for [phone] / [email]');
    assert.match(fastifyPayment?.contexts.details.url, /^\/v1\/payments\/3f1c2a9e-0b7d-4c1e-9a55-426614174000\/fail\?phone=\[phone\]$/);

    const webhook = evs.find((e) => e.exception?.values[0].value === 'webhook handler crashed');
    assert.equal(webhook?.contexts.details.url, '/v1/webhooks/feexpay/[redacted]');

    const direct = evs.find((e) => e.tags?.kind === 'server_error' && e.tags?.network === 'moov');
    assert.equal(direct?.tags.payment_id, PAYMENT_ID);
    assert.equal(direct?.exception.values[0].value, 'FeexPay refused [phone] with key fp_[redacted]');
    assert.equal(direct?.contexts.details.amount, 2500, 'amounts stay readable');
    assert.equal(direct?.contexts.details.customer, '[redacted]');

    const anomaly = evs.find((e) => e.tags?.kind === 'feexpay_anomaly');
    assert.equal(anomaly?.level, 'warning');
    assert.equal(anomaly?.message, 'unknown status from FeexPay');
    assert.equal(anomaly?.contexts.feexpay.status, 'WEIRD');
    assert.ok(evs.some((e) => e.tags?.kind === 'reconciler_failure' && e.contexts.reconciler.batch === 3));

    // (Not a search of the raw bodies: context lines quote the fixture's source, messages included.)
    const reported = evs.map((e) => String(e.exception?.values[0].value ?? e.message));
    assert.ok(!reported.some((m) => m.startsWith('client mistake') || m === 'no such payment'), `4xx reported: ${reported.join(' | ')}`);
    assertNoSecrets(sentry.bodies);
  } finally {
    await sentry.close();
  }
});

test('with tracing: transactions are named by route and carry no personal data either', async () => {
  const sentry = await startFakeSentry();
  try {
    const out = await runFixture({ SENTRY_DSN: sentry.dsn, SENTRY_TRACES_SAMPLE_RATE: '1' });
    assert.equal(out.flushed, true);
    const transactions = sentry.items.filter((i) => i.type === 'transaction').map((i) => i.payload.transaction);
    assert.ok(transactions.includes('POST /v1/payments/:id/fail'), transactions.join(', '));
    assert.ok(!transactions.some((t) => String(t).includes(PAYMENT_ID)), 'ids do not make transaction names');
    const failed = sentry.items.find((i) => i.type === 'transaction' && i.payload.transaction === 'POST /v1/payments/:id/fail')?.payload as Record<string, any>;
    assert.equal(failed.contexts.trace.data['http.response.status_code'], 500);
    assert.equal(failed.contexts.trace.status, 'internal_error');
    assert.equal(failed.breadcrumbs, undefined, 'traces carry no breadcrumbs');
    const read = sentry.items.find((i) => i.type === 'transaction' && i.payload.transaction === 'GET /v1/payments/:id')?.payload as Record<string, any>;
    assert.ok(
      read.spans.some((sp: { op: string; description: string }) => sp.op === 'http.client' && sp.description === 'FeexPay status'),
      JSON.stringify(read.spans),
    );
    const linked = events(sentry.items).find((e) => e.tags?.route === '/v1/payments/:id/fail');
    assert.equal(linked?.contexts.trace.trace_id, failed.contexts.trace.trace_id, 'the 5xx event links to its trace');
    const evs = events(sentry.items);
    assert.equal(evs.filter((e) => e.tags?.kind === 'server_error').length, 3);
    assert.ok(evs.every((e) => !JSON.stringify(e.request ?? {}).includes('authorization":"Bearer')));
    assertNoSecrets(sentry.bodies);
  } finally {
    await sentry.close();
  }
});

test("with tracing: a payment's database statements and FeexPay calls are spans of its route's transaction", async () => {
  const sentry = await startFakeSentry();
  try {
    const out = (await runFixture({ SENTRY_DSN: sentry.dsn, SENTRY_TRACES_SAMPLE_RATE: '1' }, 'test/observability/fixtures/sentry-payment-app.ts')) as unknown as {
      statuses: number[];
      flushed: boolean;
    };
    assert.deepEqual(out.statuses, [201, 200, 200]);
    assert.equal(out.flushed, true);
    const spansOf = (name: string) => {
      const tx = sentry.items.find((i) => i.type === 'transaction' && i.payload.transaction === name)?.payload as { spans: { op: string; description: string }[] } | undefined;
      assert.ok(tx, `a transaction for ${name} among ${sentry.items.map((i) => i.type + ':' + String(i.payload.transaction)).join(', ')}`);
      return tx.spans.map((sp) => `${sp.op} ${sp.description}`);
    };
    assert.deepEqual(spansOf('POST /v1/payments'), [
      'db claim key, insert payment',
      'http.client FeexPay request-to-pay',
      // FeexPay left the payment pending: its reference and the key's answer are one statement.
      'db store FeexPay reference and answer',
    ]);
    assert.deepEqual(spansOf('GET /v1/payments/:id'), ['db read payment']);
    assert.deepEqual(spansOf('POST /v1/webhooks/feexpay/:token'), ['db find payment', 'http.client FeexPay status', 'db settle', 'db record delivery']);
    assertNoSecrets(
      sentry.bodies.filter((b) => b.includes('"type":"transaction"')),
      ['2290167', 'koffi.mensah@example.bj', 'Koffi', 'test-webhook-token'],
    );
  } finally {
    await sentry.close();
  }
});

test('without SENTRY_DSN the SDK is not even loaded and every helper is a no-op', async () => {
  const out = await runFixture({});
  assert.deepEqual(out, { enabled: false, loaded: false, statuses: [500, 500, 422, 200, 404], ids: [null, null, null], flushed: true });
});

test('settings come from the environment with the documented defaults', () => {
  assert.equal(sentrySettingsFromEnv({}), null);
  assert.equal(sentrySettingsFromEnv({ SENTRY_DSN: '  ' }), null);
  assert.deepEqual(sentrySettingsFromEnv({ SENTRY_DSN: 'http://k@h/1' }), {
    dsn: 'http://k@h/1',
    environment: 'production',
    release: undefined,
    tracesSampleRate: 0.1,
    tracesMaxPerSecond: 5,
    profilesSampleRate: 0.1,
  });
  assert.equal(sentrySettingsFromEnv({ SENTRY_DSN: 'http://k@h/1', SENTRY_TRACES_MAX_PER_SECOND: '0' })?.tracesMaxPerSecond, 0);
  assert.throws(() => sentrySettingsFromEnv({ SENTRY_DSN: 'http://k@h/1', SENTRY_TRACES_MAX_PER_SECOND: '2.5' }), /SENTRY_TRACES_MAX_PER_SECOND/);
  assert.equal(sentrySettingsFromEnv({ SENTRY_DSN: 'http://k@h/1', SENTRY_TRACES_SAMPLE_RATE: '0' })?.tracesSampleRate, 0);
  assert.throws(() => sentrySettingsFromEnv({ SENTRY_DSN: 'http://k@h/1', SENTRY_TRACES_SAMPLE_RATE: '2' }), /SENTRY_TRACES_SAMPLE_RATE/);
});

test('the trace budget caps traces per clock second and refills on the next one', () => {
  let now = 5_000;
  const take = traceBudget(3, () => now);
  assert.deepEqual([take(), take(), take(), take(), take()], [true, true, true, false, false]);
  now = 5_999;
  assert.equal(take(), false, 'still the same second');
  now = 6_000;
  assert.deepEqual([take(), take(), take(), take()], [true, true, true, false]);
  const unlimited = traceBudget(0, () => now);
  assert.ok(Array.from({ length: 1000 }, unlimited).every(Boolean), '0 means no cap');
});

test("a 5xx report from the app's error handler carries the same request context as the plugin's", async () => {
  const app = Fastify();
  app.get('/v1/payments/:id', async (request) => serverErrorContext(request, 500));
  try {
    const res = await app.inject({ url: `/v1/payments/${PAYMENT_ID}?phone=2290167000000` });
    assert.deepEqual(res.json(), {
      paymentId: PAYMENT_ID,
      route: '/v1/payments/:id',
      method: 'GET',
      statusCode: 500,
      url: `/v1/payments/${PAYMENT_ID}?phone=2290167000000`,
    });
  } finally {
    await app.close();
  }
});
