/** The error catalogue and the error answers routes build from it. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { COMMON_ERRORS, ERROR_CATALOGUE, errorCatalogueMarkdown, errorResponses } from '../../src/schemas/errors.ts';

test("a route's error answers group its codes by the catalogue status, common codes included", () => {
  const answers = errorResponses(['validation_failed', 'idempotency_key_required', 'idempotency_key_reused']) as Record<number, any>;
  assert.deepEqual(Object.keys(answers).map(Number), [400, 401, 422, 429, 500, 503]);
  assert.deepEqual(answers[400].properties.error.properties.code.enum, ['validation_failed', 'idempotency_key_required']);
  assert.match(answers[400].description, /`idempotency_key_required`: The `Idempotency-Key` header/);
  assert.ok(answers[429].headers['retry-after'] && answers[503].headers['retry-after']);
  assert.equal(answers[400].headers, undefined);
  for (const code of COMMON_ERRORS)
    assert.ok(
      Object.values(answers).some((a) => a.properties.error.properties.code.enum.includes(code)),
      code,
    );
});

test("codes are snake_case, statuses are 4xx/5xx, and the operators' codes stay out of the merchant table", () => {
  for (const [code, { status }] of Object.entries(ERROR_CATALOGUE)) {
    assert.match(code, /^[a-z]+(_[a-z0-9]+)*$/);
    assert.ok(status >= 400 && status < 600, code);
  }
  const table = errorCatalogueMarkdown();
  assert.ok(table.includes('| `payment_not_found` | 404 |'));
  assert.equal(table.includes('review_item_not_found'), false);
});
