/** The service's own alerts, wired end to end: a collapsing success rate reaches Slack once. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { beninPhone, startTestApp, waitFor, type TestApp } from '../helpers/app.ts';
import { call, newKey } from '../helpers/http.ts';

const received: { text?: string }[] = [];
const slack = http.createServer((req, res) => {
  let body = '';
  req.on('data', (c) => (body += c));
  req.on('end', () => {
    received.push(JSON.parse(body));
    res.writeHead(200).end('ok');
  });
});
let t: TestApp;
before(async () => {
  await new Promise<void>((r) => slack.listen(0, '127.0.0.1', r));
  const port = (slack.address() as AddressInfo).port;
  t = await startTestApp('alerting', { SLACK_WEBHOOK_URL: `http://127.0.0.1:${port}/hook` });
});
after(async () => {
  await t.close();
  slack.close();
});

test('30 payments refused by FeexPay raise one Slack alert, counted in the metrics', async () => {
  for (let i = 0; i < 30; i++) {
    const r = await call(t.url, 'POST', '/v1/payments', {
      body: { amount: 100, currency: 'XOF', network: 'mtn', phone_number: beninPhone('03', 300 + i) },
      apiKey: t.apiKey,
      headers: { 'idempotency-key': newKey() },
    });
    assert.equal(r.body.status, 'failed');
  }
  await waitFor(async () => received.length >= 1);
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(received.length, 1, 'throttled: one message for one ongoing problem');
  assert.ok(!JSON.stringify(received).includes('22901'), 'no phone number in the alert');
  const metrics = await (await fetch(`${t.url}/metrics`)).text();
  assert.match(metrics, /feexpay_notifications_total\{channel="slack",result="sent"\} 1/);
});
