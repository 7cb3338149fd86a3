/**
 * The document the service serves at /docs/json: Redocly's recommended rules pass with no
 * problem, the committed client is what it generates, and a client team finds in it what the
 * issue asked for (merchant routes only, operationIds, tags, examples, the error catalogue).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { ERROR_CATALOGUE, type ErrorCode } from '../../src/schemas/errors.ts';
import { generatedClientFiles } from '../../client/generate.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';

type Json = Record<string, any>;
/** The operations that refuse a request without Idempotency-Key (money moves or a customer is prompted). */
const IDEMPOTENT_OPERATIONS = ['createPayment', 'submitPaymentOtp', 'createPayout'];
const run = promisify(execFile);

let t: TestApp;
let doc: Json;
before(async () => {
  t = await startTestApp('openapi-document');
  doc = (await (await fetch(`${t.url}/docs/json`)).json()) as Json;
});
after(async () => t.close());

const operations = () =>
  Object.entries(doc.paths as Json).flatMap(([p, item]) =>
    Object.entries(item as Json)
      .filter(([m]) => ['get', 'post', 'put', 'patch', 'delete'].includes(m))
      .map(([method, op]) => ({ where: `${method.toUpperCase()} ${p}`, method, op: op as Json })),
  );

test("Redocly's recommended ruleset finds no error and no warning", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'openapi-'));
  const file = path.join(dir, 'openapi.json');
  fs.writeFileSync(file, JSON.stringify(doc));
  const bin = path.resolve('node_modules/.bin/redocly');
  const out = await run(bin, ['lint', '--config', path.resolve('redocly.yaml'), '--format', 'json', file], {
    env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
  }).catch((err: { stdout: string }) => err);
  const report = JSON.parse(out.stdout.slice(out.stdout.indexOf('{'))) as { totals: { errors: number; warnings: number }; problems: { ruleId: string; message: string }[] };
  assert.deepEqual(
    report.problems.map((p) => `${p.ruleId}: ${p.message}`),
    [],
  );
  assert.deepEqual(report.totals, { ...report.totals, errors: 0, warnings: 0 });
  fs.rmSync(dir, { recursive: true, force: true });
});

test('the committed client (client/openapi.json, client/schema.ts) is what the served document generates', async () => {
  for (const [file, text] of Object.entries(await generatedClientFiles(doc))) {
    assert.ok(fs.readFileSync(file, 'utf8') === text, `${path.relative(process.cwd(), file)} is stale: run npm run client:generate`);
  }
});

test('only the merchant API is described: no simulator, FeexPay callback, probes, metrics or admin', () => {
  const paths = Object.keys(doc.paths as Json);
  assert.ok(paths.length >= 2);
  for (const p of paths) assert.match(p, /^\/v1\/(?!webhooks\/feexpay)/, p);
  assert.ok(doc.servers?.length >= 1);
  assert.equal(doc.openapi, '3.1.0');
  assert.ok(Object.keys(doc.webhooks ?? {}).includes('payment.succeeded'), 'merchant events as OpenAPI webhooks');
});

test('every operation has an operationId, a tag, a summary, examples and its own response descriptions', () => {
  const ids = new Set<string>();
  const tags = new Set((doc.tags as { name: string }[]).map((x) => x.name));
  for (const { where, op } of operations()) {
    assert.match(op.operationId ?? '', /^[a-z][A-Za-z]+$/, `${where} operationId`);
    assert.ok(!ids.has(op.operationId), `${where} operationId unique`);
    ids.add(op.operationId);
    assert.ok(op.tags?.length && op.tags.every((x: string) => tags.has(x)), `${where} tags defined`);
    assert.ok(op.summary, `${where} summary`);
    const body = op.requestBody?.content?.['application/json'];
    if (body) assert.ok(body.example ?? body.examples, `${where} request example`);
    const descriptions = new Set<string>();
    for (const [status, res] of Object.entries(op.responses as Json)) {
      assert.notEqual(res.description, 'Default Response', `${where} ${status}`);
      assert.ok(!descriptions.has(res.description), `${where} ${status}: description shared with another status`);
      descriptions.add(res.description);
      const media = res.content?.['application/json'];
      if (media) assert.ok(media.example ?? media.examples, `${where} ${status} example`);
      if (status.startsWith('2')) assert.ok(res.headers?.['x-ratelimit-remaining'] && res.headers?.['request-id'], `${where} ${status} headers`);
    }
    if (IDEMPOTENT_OPERATIONS.includes(op.operationId)) {
      const key = (op.parameters as Json[]).find((p) => p.name === 'idempotency-key');
      assert.equal(key?.required, true, `${where}: Idempotency-Key required`);
    }
  }
});

test('limit is an integer parameter', () => {
  const limit = (doc.paths['/v1/payments'].get.parameters as Json[]).find((p) => p.name === 'limit');
  assert.equal(limit?.schema.type, 'integer');
  assert.equal(limit?.schema.maximum, 100);
});

test('each error answer lists its codes from the catalogue, with the catalogue status and meaning', () => {
  let documented = 0;
  for (const { where, op } of operations()) {
    for (const [status, res] of Object.entries(op.responses as Json)) {
      if (!/^[45]/.test(status)) continue;
      const codes = res.content['application/json'].schema.properties.error.properties.code.enum as ErrorCode[];
      for (const code of codes) {
        assert.equal(ERROR_CATALOGUE[code]?.status, Number(status), `${where} ${status} ${code}`);
        assert.ok((res.description as string).includes(ERROR_CATALOGUE[code].meaning), `${where} ${status} ${code} meaning`);
        documented++;
      }
      if (status === '429' || status === '503') assert.ok(res.headers?.['retry-after'], `${where} ${status} Retry-After`);
    }
  }
  assert.ok(documented > 20);
  const intro = doc.info.description as string;
  for (const section of ['## Payment lifecycle', '## Idempotency', '## Pagination', '## Timeouts and retries', '## Errors', 'needs_review']) {
    assert.ok(intro.includes(section), section);
  }
  assert.ok(intro.includes('| `idempotency_key_reused` | 422 |'));
});
