/**
 * Secrets that reach a URL (a merchant key in a path or `?merchant_key=`, the webhook token in
 * the callback path) never reach a log line or a Sentry event; the standalone simulator's start
 * line does not print the token of the webhook URL it was given.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { scrubEvent } from '../../src/observability/sentry.ts';
import { LOG_DIR, startTestApp, TEST_ENV, waitFor, type TestApp } from '../helpers/app.ts';
import { call } from '../helpers/http.ts';

let t: TestApp;
const logFile = path.join(LOG_DIR, 'secrets-in-logs.log');
before(async () => {
  fs.rmSync(logFile, { force: true });
  t = await startTestApp('secrets-in-logs');
});
after(async () => t.close());

test('a merchant key or the webhook token in a URL is masked in the request log', async () => {
  const token = TEST_ENV.WEBHOOK_TOKEN!;
  await call(t.url, 'GET', `/v1/payments/${t.apiKey}`, { apiKey: t.apiKey });
  await call(t.url, 'GET', `/v1/payments?merchant_key=${t.apiKey}&limit=1`, { apiKey: t.apiKey });
  await call(t.url, 'GET', `/v1/nowhere?api_key=${t.apiKey}`);
  await call(t.url, 'POST', `/v1/webhooks/feexpay/${token}`, { body: { reference: 'NO-SUCH-REF' } });
  await call(t.url, 'POST', `/v1/webhooks/feexpay/${token}/extra?token=${token}`, { body: {} });
  await call(t.url, 'POST', `/v1/webhooks/feexpay/${token}`, { body: { reference: 'bad ref' } });
  const keyTail = t.apiKey.slice(4);
  const lines = await waitFor(
    async () => {
      const text = fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8') : '';
      const found = text.split('\n').filter((l) => l.includes('request completed'));
      return found.length >= 6 && found;
    },
    5_000,
    100,
  );
  const all = fs.readFileSync(logFile, 'utf8');
  assert.ok(!all.includes(keyTail), 'the merchant key is in the log');
  assert.ok(!all.includes(token), 'the webhook token is in the log');
  assert.ok(lines.some((l) => l.includes('/v1/payments/fgw_[redacted]')));
  assert.ok(lines.some((l) => l.includes('merchant_key=[redacted]')));
  assert.ok(lines.some((l) => l.includes('/v1/webhooks/feexpay/[redacted]')));
});

test('a Sentry event with the key and the token in its URL, message and breadcrumbs leaves masked', () => {
  const key = 'fgw_' + 'k'.repeat(32);
  const token = 'hook-token-0123456789abcdef';
  const event = scrubEvent({
    message: `lookup failed for ${key}`,
    request: { url: `https://api.example/v1/payments?merchant_key=${key}`, query_string: `merchant_key=${key}` },
    contexts: { details: { url: `/v1/webhooks/feexpay/${token}` } },
    breadcrumbs: [{ message: `POST /v1/webhooks/feexpay/${token}`, data: { url: `/v1/payments/${key}` } }],
    exception: { values: [{ value: `Unknown key ${key}` }] },
  });
  const text = JSON.stringify(event);
  assert.ok(!text.includes('k'.repeat(32)), text);
  assert.ok(!text.includes(token), text);
});

test("the standalone simulator's start line does not print the webhook token", async () => {
  const token = 'sim-start-token-0123456789';
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/feexpay/simulator/main.ts'], {
    env: { PATH: process.env.PATH ?? '', SIMULATOR_PORT: '0', SIMULATOR_WEBHOOK_URL: `http://127.0.0.1:9/v1/webhooks/feexpay/${token}` },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (out += c.toString()));
  try {
    await waitFor(async () => out.includes('FeexPay simulator listening'), 20_000, 50);
  } finally {
    child.kill('SIGTERM');
  }
  assert.ok(!out.includes(token), out);
  assert.match(out, /"webhookUrl":"\[redacted\]"|webhooks\/feexpay\/\[redacted\]/);
});
