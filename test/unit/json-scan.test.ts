/** The walk that names a key given twice or a number JSON.parse would round, on valid JSON. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scanJson } from '../../src/http/json-scan.ts';

test('duplicate keys are named where they are, at any depth, escaped or not', () => {
  assert.deepEqual(scanJson('{"amount":100,"amount":100000}'), { kind: 'duplicate_key', param: 'body.amount' });
  assert.deepEqual(scanJson('{"amount":100,"am\\u006funt":100000}'), { kind: 'duplicate_key', param: 'body.amount' });
  assert.deepEqual(scanJson('{"metadata":{"a":"1","b":"2","a":"3"}}'), { kind: 'duplicate_key', param: 'body.metadata.a' });
  assert.deepEqual(scanJson('{"items":[{"x":1},{"x":1,"x":2}]}'), { kind: 'duplicate_key', param: 'body.items[1].x' });
  // The same key in sibling objects, and values equal to keys, are not duplicates.
  assert.equal(scanJson('{"a":{"k":"a"},"b":{"k":"b"},"c":["a","a"]}'), null);
});

test('a number with a fraction or an exponent is named; integers and text that looks like numbers are not', () => {
  assert.deepEqual(scanJson('{"amount":99.99999999999999999}'), { kind: 'not_an_integer', param: 'body.amount' });
  assert.deepEqual(scanJson('{"amount":1e3}'), { kind: 'not_an_integer', param: 'body.amount' });
  assert.deepEqual(scanJson('{"amount":100.0}'), { kind: 'not_an_integer', param: 'body.amount' });
  assert.deepEqual(scanJson('{"a":[1,2,-3E-2]}'), { kind: 'not_an_integer', param: 'body.a[2]' });
  assert.equal(scanJson('{"amount":-0,"n":[10,20],"description":"1.5e3 \\" 2.5","m":{"k.e":"3.0"}}'), null);
  assert.equal(scanJson(' [ ] '), null);
});

test('the first problem in document order is the one named', () => {
  assert.deepEqual(scanJson('{"a":1.5,"a":2}'), { kind: 'not_an_integer', param: 'body.a' });
  assert.deepEqual(scanJson('{"a":1,"a":2.5}'), { kind: 'duplicate_key', param: 'body.a' });
});
