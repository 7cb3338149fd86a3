/**
 * Runs after the whole suite (see `npm test`): every log line the services under test wrote goes
 * through this scan, and any phone number, customer name, email or key that leaked fails the run.
 */
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LOG_DIR } from '../helpers/app.ts';

// What the tests send: Benin numbers 22901 + 8 digits (helpers/app.ts beninPhone), the other
// countries' numbers used in tests, the customer of payments-api.test.ts, and key prefixes.
const FORBIDDEN: [string, RegExp][] = [
  // Whole digit runs only: a float such as a responseTime can hold the same digits.
  ['Benin phone number', /(?<![\d.])22901\d{8}(?!\d)/],
  ['Ivorian phone number', /(?<![\d.])2250[157]\d{8}(?!\d)/],
  ['customer email', /afi@example\.com/],
  ['customer name', /Dossou/],
  ['merchant API key', /fgw_[A-Za-z0-9_-]{32}/],
  ['FeexPay API key', /fp_[A-Za-z0-9]{64}/],
  ['authorization header', /Bearer [A-Za-z0-9_-]{10,}/],
  ['webhook token', /test-webhook-token-0123456789/],
  // Whatever the token: a callback path or a secret-named query parameter left unmasked.
  ['webhook path token', /\/webhooks\/feexpay\/(?!\[redacted\])[^/?#\s"'\\]+/],
  ['secret in a query string', /[?&][A-Za-z0-9_.-]*(?:token|key|secret|password)=(?!\[redacted\])[^&#\s"'\\]+/],
  ['merchant API key, any length', /\bfgw_(?!\[redacted\])[A-Za-z0-9_-]{8,}/],
];

test('no log line written during the test suite holds personal data or a secret', () => {
  const files = fs.existsSync(LOG_DIR) ? (fs.readdirSync(LOG_DIR, { recursive: true }) as string[]).filter((f) => f.endsWith('.log')) : [];
  assert.ok(files.length >= 3, `expected the suite's log files in ${LOG_DIR}`);
  let lines = 0;
  const hits: string[] = [];
  for (const file of files) {
    for (const line of fs.readFileSync(path.join(LOG_DIR, file), 'utf8').split('\n')) {
      if (!line) continue;
      lines++;
      for (const [what, re] of FORBIDDEN) if (re.test(line)) hits.push(`${file}: ${what}: ${line.slice(0, 200)}`);
    }
  }
  assert.ok(lines > 100, `only ${lines} log lines were written: the scan would prove nothing`);
  assert.deepEqual(hits.slice(0, 10), [], `${hits.length} log lines leak personal data`);
});
