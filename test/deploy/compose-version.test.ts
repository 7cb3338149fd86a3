/**
 * The Compose version docker-compose.yml needs, checked without a Docker engine: Compose refuses a
 * file its own schema does not accept before doing anything, so the file is validated against the
 * schemas of Compose 2.23.3, 2.24.0 and a current release (fixtures/compose-spec/README.md says
 * where they come from). 2.24.0 and the current release accept it; 2.23.3 refuses it, and only for
 * the `env_file` entries with `path`/`required`: 2.24 is the oldest release that runs it, as the
 * file and docs/deploy.md say.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { Ajv2019, type ErrorObject } from 'ajv/dist/2019.js';
import { parse } from 'yaml';

/** Compose's interpolation, enough for this file: `${NAME:-default}` and `${NAME}` (unset), `$$`. */
function interpolate(value: unknown): unknown {
  if (typeof value === 'string') {
    return value.replace(/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?\}/g, (all, _name: string | undefined, fallback: string | undefined) =>
      all === '$$' ? '$' : (fallback ?? ''),
    );
  }
  if (Array.isArray(value)) return value.map(interpolate);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolate(v)]));
  return value;
}

const composeFile = interpolate(parse(readFileSync('docker-compose.yml', 'utf8'), { merge: true }));

/**
 * The older schemas name their parts with draft-04's `id` ("#/definitions/service"), which Ajv
 * refuses; those names are annotations only (every $ref is a JSON pointer), so they are dropped.
 */
function withoutDraft4Ids(node: unknown, inProperties = false): unknown {
  if (Array.isArray(node)) return node.map((n) => withoutDraft4Ids(n));
  if (!node || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node)
      .filter(([k, v]) => inProperties || k !== 'id' || typeof v !== 'string')
      .map(([k, v]) => [k, withoutDraft4Ids(v, !inProperties && (k === 'properties' || k === 'patternProperties'))]),
  );
}

/** The errors of docker-compose.yml against one release's schema (empty: that release accepts it). */
function errorsFor(release: string): ErrorObject[] {
  const schema = withoutDraft4Ids(JSON.parse(readFileSync(`test/deploy/fixtures/compose-spec/compose-${release}.json`, 'utf8'))) as Record<string, unknown>;
  // Draft 2019-09 in the older two, draft-07 in the current one: both read the same here.
  delete schema.$schema;
  const ajv = new Ajv2019({ strict: false, allErrors: true, validateSchema: false });
  // compose-go's own formats; Go durations are the only one this file uses.
  ajv.addFormat('duration', /^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$/);
  for (const name of ['expose', 'ports', 'subnet_ip_address']) ajv.addFormat(name, true);
  const validate = ajv.compile(schema);
  return validate(composeFile) ? [] : (validate.errors ?? []);
}

const describe = (errors: ErrorObject[]) => errors.map((e) => `${e.instancePath} ${e.message}`).join('\n');

test('Compose 2.24.0 accepts docker-compose.yml', () => {
  const errors = errorsFor('2.24.0');
  assert.deepEqual(errors, [], describe(errors));
});

test('a current Compose (2.40.3) accepts it too', () => {
  const errors = errorsFor('2.40.3');
  assert.deepEqual(errors, [], describe(errors));
});

test('Compose 2.23.3 refuses it, only for the env_file entries with path/required: 2.24 is the minimum', () => {
  const errors = errorsFor('2.23.3');
  assert.ok(errors.length > 0, 'an older release would run the file: the documented minimum is wrong');
  const outside = errors.filter((e) => !/^\/services\/[^/]+\/env_file(\/|$)/.test(e.instancePath));
  assert.deepEqual(outside, [], describe(outside));
});

test('the minimum checked here is the one docker-compose.yml and docs/deploy.md state', () => {
  assert.match(readFileSync('docker-compose.yml', 'utf8'), /Needs Docker Compose 2\.24 or later/);
  assert.match(readFileSync('docs/deploy.md', 'utf8'), /Docker Compose >= 2\.24/);
  assert.match(readFileSync('test/deploy/fixtures/compose-spec/README.md', 'utf8'), /v2\.24\.0, the oldest release/);
});
