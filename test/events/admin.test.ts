/** /admin shows operators the latest delivery attempts and the failing endpoints, hosts only. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, waitFor, type TestApp } from '../helpers/app.ts';
import { call } from '../helpers/http.ts';
import { createEndpoint, failedPayment, FAST_EVENTS_ENV } from './helpers.ts';
import { startReceiver, type Receiver } from './receiver.ts';

const PASSWORD = 'correct-horse-battery';
let t: TestApp;
let rx: Receiver;
before(async () => {
  rx = await startReceiver();
  t = await startTestApp('events-admin', { ...FAST_EVENTS_ENV, ADMIN_PASSWORD: PASSWORD });
});
after(async () => {
  await t.close();
  await rx.close();
});

const asOperator = { authorization: 'Basic ' + Buffer.from(`admin:${PASSWORD}`).toString('base64') };

describe('admin merchant events', () => {
  test('recent deliveries and failing endpoints, without URL paths or secrets', async () => {
    rx.behave('/broken?token=s3cr3t-in-url', { kind: 'status', status: 500 });
    const ok = await createEndpoint(t, `${rx.url}/fine`);
    const bad = await createEndpoint(t, `${rx.url}/broken?token=s3cr3t-in-url`);
    await failedPayment(t);
    const view = await waitFor(async () => {
      const r = await call(t.url, 'GET', '/admin/api/merchant-events', { headers: asOperator });
      return r.body.recent_deliveries?.length >= 2 && r.body.failing_endpoints?.length === 1 && r;
    });
    assert.equal(view.status, 200);
    const outcomes = new Map(view.body.recent_deliveries.map((d: any) => [d.endpoint_id, d.outcome]));
    assert.equal(outcomes.get(ok.id), 'succeeded');
    assert.equal(outcomes.get(bad.id), 'http_error');
    assert.deepEqual((({ endpoint_id, host, status }) => ({ endpoint_id, host, status }))(view.body.failing_endpoints[0]), {
      endpoint_id: bad.id,
      host: new URL(rx.url).host,
      status: 'enabled',
    });
    const text = JSON.stringify(view.body);
    assert.equal(text.includes('s3cr3t-in-url'), false);
    assert.equal(text.includes(bad.secret.slice(6)), false);
    assert.equal((await call(t.url, 'GET', '/admin/api/merchant-events')).status, 401);
    const page = await fetch(`${t.url}/admin`, { headers: asOperator });
    const html = await page.text();
    assert.match(html, /id="event-deliveries"/);
    assert.match(html, /id="failing-endpoints"/);
  });
});
