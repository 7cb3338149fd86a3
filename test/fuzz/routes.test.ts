/**
 * Every route with random methods, paths, query strings, headers, content types and bodies: the
 * answer is a 2xx or a 4xx with the JSON error shape, never a 5xx, the process stays up and its
 * heap does not grow with the number of bad requests.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { bodyText, contentType, headerValue, hostileTextPaymentBody, listQuery, mutatedPaymentBody, queryString, urlText, validPaymentBody, runs } from './arbitraries.ts';
import { closeAgent, heapUsedMb, rawExchange, rawRequest, type RawAnswer } from './raw-http.ts';

const ADMIN = { user: 'ops', password: 'fuzz-admin-password-1' };
const RUNS = Number(process.env.FUZZ_RUNS ?? 250);

let t: TestApp;
before(async () => {
  t = await startTestApp('fuzz-routes', {
    ADMIN_USER: ADMIN.user,
    ADMIN_PASSWORD: ADMIN.password,
    // A valid body ending in 05 asks the simulator for a 35 s answer; the client gives up first.
    FEEXPAY_REQUEST_TIMEOUT_MS: '300',
    RATE_LIMIT_PER_PHONE_PER_HOUR: '10000',
    RATE_LIMIT_PER_KEY_PER_MINUTE: '1000000',
    // Random credentials are most of the traffic: locking the fuzzer out would stop it reaching
    // the code behind authentication (the limit itself has its own tests).
    RATE_LIMIT_AUTH_FAILURES_PER_15_MIN: '100000',
    LOG_LEVEL: 'warn',
  });
});
after(async () => {
  closeAgent();
  await t.close();
});

const basic = (user: string, password: string) => 'Basic ' + Buffer.from(`${user}:${password}`).toString('base64');

function assertNo5xx(answer: RawAnswer, what: string): void {
  assert.ok(answer.status >= 200 && answer.status < 500, `${what} answered ${answer.status}: ${answer.body.slice(0, 300)}`);
  if (answer.status >= 400 && answer.body.startsWith('<!doctype html>')) {
    // An operator's page (/admin) answers bad filters with the page itself and a sentence, not JSON.
    assert.ok(what.includes('/admin'), `${what}: an HTML error outside /admin`);
    assert.match(answer.body, /role="alert">[^<]+</, `${what}: the page says what is wrong`);
    return;
  }
  if (answer.status >= 400 && answer.body !== '') {
    const parsed = JSON.parse(answer.body) as { error?: { code?: unknown; message?: unknown } };
    assert.match(String(parsed.error?.code), /^[a-z][a-z0-9_]*$/, `${what}: error code in ${answer.body.slice(0, 200)}`);
    assert.equal(typeof parsed.error?.message, 'string', what);
  }
}

const routePath = fc.oneof(
  fc.constant('/v1/payments'),
  urlText.map((id) => `/v1/payments/${id}`),
  urlText.map((token) => `/v1/webhooks/feexpay/${token}`),
  fc.constant('/v1/webhooks/feexpay/test-webhook-token-0123456789'),
  fc.constantFrom('/health/live', '/health/ready', '/metrics', '/docs/json', '/admin', '/admin/', '/admin/api/summary', '/admin/api/payments'),
  // The control API of the built-in simulator; its FeexPay paths answer in FeexPay's shape (and
  // its outage scenarios with 5xx on purpose), so they are the simulator tests' business.
  fc.constantFrom('/_feexpay/_simulator/counters', '/_feexpay/_simulator/payments', '/_feexpay/_simulator/settle-delay', '/_feexpay/_simulator/down'),
  urlText.map((ref) => `/_feexpay/_simulator/payments/${ref}/status`),
  urlText.map((name) => `/admin/assets/${name}`),
  urlText.map((p) => `/${p}`),
);

const authorization = fc.oneof(
  fc.constant(undefined),
  fc.constant('valid'),
  fc.constant(basic(ADMIN.user, ADMIN.password)),
  headerValue.map((v) => `Bearer ${v}`),
  fc.tuple(headerValue, headerValue).map(([u, p]) => basic(u, p)),
  headerValue,
);

test('random requests on every route: 2xx or 4xx with the error shape, never 5xx', async () => {
  const heapBefore = heapUsedMb();
  await fc.assert(
    fc.asyncProperty(
      fc.record({
        method: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD', 'GET', 'POST'),
        path: routePath,
        query: queryString,
        auth: authorization,
        idempotencyKey: fc.option(headerValue, { nil: undefined }),
        type: fc.option(contentType, { nil: undefined }),
        accept: fc.option(headerValue, { nil: undefined }),
        body: fc.option(bodyText, { nil: undefined }),
      }),
      async (r) => {
        const headers: Record<string, string> = {};
        if (r.auth !== undefined) headers.authorization = r.auth === 'valid' ? `Bearer ${t.apiKey}` : r.auth;
        if (r.idempotencyKey !== undefined) headers['idempotency-key'] = r.idempotencyKey;
        if (r.type !== undefined) headers['content-type'] = r.type;
        if (r.accept !== undefined) headers.accept = r.accept;
        const body = r.method === 'GET' || r.method === 'HEAD' ? undefined : r.body;
        const answer = await rawRequest(t.url, { method: r.method, path: r.path + r.query, headers, body });
        if (r.method === 'HEAD') assert.ok(answer.status < 500, `HEAD ${r.path} answered ${answer.status}`);
        else assertNo5xx(answer, `${r.method} ${r.path}${r.query}`);
      },
    ),
    runs(RUNS * 4),
  );
  const growth = heapUsedMb() - heapBefore;
  assert.ok(growth < 40, `heap grew by ${growth.toFixed(1)} MB over ${RUNS * 4} random requests`);
});

test('payment creation with valid, nearly valid, odd and hostile-text bodies and keys: only 201 or 4xx', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.oneof(validPaymentBody, mutatedPaymentBody, hostileTextPaymentBody),
      fc.oneof(fc.uuid(), headerValue),
      fc.constantFrom('application/json', 'application/json; charset=utf-8', 'application/json; charset=latin1'),
      async (body, key, type) => {
        const answer = await rawRequest(t.url, {
          method: 'POST',
          path: '/v1/payments',
          headers: { authorization: `Bearer ${t.apiKey}`, 'idempotency-key': key, 'content-type': type },
          body: JSON.stringify(body),
        });
        assertNo5xx(answer, `POST /v1/payments ${JSON.stringify(body).slice(0, 200)}`);
        if (answer.status === 201) {
          const view = JSON.parse(answer.body) as { phone_last4: string; status: string };
          assert.equal(view.phone_last4.length, 4);
          assert.ok(!answer.body.includes(String((body as { phone_number: string }).phone_number)), 'phone number not echoed');
        }
      },
    ),
    runs(RUNS),
  );
});

test('listing with random filters, edge dates and forged cursors: only 200 or 400', async () => {
  await fc.assert(
    fc.asyncProperty(fc.oneof(queryString, listQuery), async (query) => {
      const answer = await rawRequest(t.url, { method: 'GET', path: '/v1/payments' + query, headers: { authorization: `Bearer ${t.apiKey}` } });
      assertNo5xx(answer, `GET /v1/payments${query}`);
      // 431: a URL longer than Node's header limit (16 KB) is refused before routing.
      assert.ok([200, 400, 431].includes(answer.status), `GET /v1/payments${query.slice(0, 300)} answered ${answer.status}`);
    }),
    runs(RUNS),
  );
});

test('bytes that are not HTTP: a 4xx or a closed connection, never a 5xx or a hang', async () => {
  const requestLine = fc
    .tuple(fc.constantFrom('GET', 'POST', 'G\u00c9T', '', 'PRI'), fc.string({ maxLength: 80 }), fc.constantFrom('HTTP/1.1', 'HTTP/1.0', 'HTTP/9.9', 'HTTP/1.1 x', ''))
    .map(([m, p, v]) => `${m} /${p} ${v}\r\nHost: x\r\n\r\n`);
  const hugeHeader = fc.integer({ min: 17_000, max: 80_000 }).map((n) => `GET /health/live HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(n)}\r\n\r\n`);
  const badFraming = fc.constantFrom(
    'POST /v1/payments HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello',
    'POST /v1/payments HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\nzz\r\n',
    'POST /v1/webhooks/feexpay/x HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n',
    'POST /v1/webhooks/feexpay/x HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n{"a"',
  );
  await fc.assert(
    fc.asyncProperty(
      fc.oneof(
        requestLine,
        hugeHeader,
        badFraming,
        fc.uint8Array({ minLength: 1, maxLength: 300 }).map((a) => Buffer.from(a)),
      ),
      async (bytes) => {
        const answer = await rawExchange(t.url, bytes);
        const status = /^HTTP\/1\.[01] (\d{3})/.exec(answer)?.[1];
        assert.ok(status === undefined || /^[24]/.test(status), `answered ${answer.slice(0, 200)}`);
      },
    ),
    runs(Math.ceil(RUNS / 2)),
  );
});

test('the service still serves normally after the fuzzing', async () => {
  const live = await rawRequest(t.url, { method: 'GET', path: '/health/ready' });
  assert.equal(live.status, 200);
  const ok = await rawRequest(t.url, {
    method: 'POST',
    path: '/v1/payments',
    headers: { authorization: `Bearer ${t.apiKey}`, 'idempotency-key': `after-fuzz-${Date.now()}`, 'content-type': 'application/json' },
    body: JSON.stringify({ amount: 500, currency: 'XOF', network: 'mtn', phone_number: '2290167123400' }),
  });
  assert.equal(ok.status, 201, ok.body);
  const long = await rawRequest(t.url, { method: 'GET', path: `/v1/payments/${'a'.repeat(300)}` });
  assert.equal(long.status, 414);
  assert.equal(JSON.parse(long.body).error.code, 'uri_too_long');
});
