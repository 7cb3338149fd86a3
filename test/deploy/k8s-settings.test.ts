/**
 * What synth refuses and where a cluster's values come from: the placeholder image, several
 * production replicas without Redis, a connection budget overrun; a settings file and SYNTH_*
 * variables instead of editing TypeScript, with unknown or mistyped settings refused. Also the
 * real `npm run synth` command: it prints the environment and the image, exits 1 on a refusal.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { connectionDemand, refusals } from '../../k8s/checks.ts';
import { envSettings, parseSynthArgs, renderK8s } from '../../k8s/index.ts';
import { synthSettings } from '../../k8s/index.ts';
import { applyOverrides, overridesFromEnv } from '../../k8s/overrides.ts';
import { fixtureInputs } from './fixtures/inputs.ts';
import { parseFiles, shipped, TEST_IMAGE } from './helpers.ts';

test('production refuses the placeholder image; staging may use it', () => {
  assert.match(refusals(envSettings('production')).join('\n'), /image registry\.example\.com\/feexpay-gateway:\S+ is the placeholder/);
  assert.deepEqual(refusals(shipped('production')), []);
  assert.deepEqual(refusals(envSettings('staging')), []);
  assert.throws(() => renderK8s(envSettings('production'), fixtureInputs), /synth refuses the production settings/);
});

test('production refuses several replicas without Redis (rate limits would count per replica)', () => {
  const s = shipped('production');
  s.redis = false;
  assert.match(refusals(s).join('\n'), /10 replicas without Redis would each count rate limits alone/);
  s.replicas = { min: 1, max: 1, targetCpuPercent: 65 };
  assert.deepEqual(refusals(s), [], 'one replica counts alone and right');
  // With Redis, REDIS_URL is a required key: a pod without it does not start.
  const api = parseFiles(renderK8s(shipped('production'), fixtureInputs)).find((o) => o.kind === 'Deployment') as any;
  const redis = api.spec.template.spec.containers[0].env.find((e: any) => e.name === 'REDIS_URL');
  assert.equal(redis.valueFrom.secretKeyRef.optional, false);
});

test('the connection budget: HPA maximum + surge, each with a full pool, plus Jobs', () => {
  const s = shipped('production');
  assert.deepEqual(connectionDemand(s), { api: 77, jobs: 2, total: 79, budget: 90 });
  s.database.poolMax = 10; // the old setting: 11 x 10 = 110 against PostgreSQL's default 100
  assert.match(refusals(s).join('\n'), /\(10 replicas \+ 1 surge\) x pool 10 \+ jobs 2 = 112 > connectionBudget 90/);
  s.database.connectionBudget = 120; // e.g. PgBouncer's max_client_conn
  assert.deepEqual(refusals(s), []);
  const cm = parseFiles(renderK8s(s, fixtureInputs)).find((o) => o.kind === 'ConfigMap' && o.metadata.name.endsWith('-config')) as any;
  assert.equal(cm.data.DATABASE_POOL_MAX, '10', 'the pool the budget counted is the one the pods use');
});

test('a settings file and SYNTH_* variables set host, namespace, release label and image', () => {
  const dir = mkdtempSync(join(tmpdir(), 'synth-settings-'));
  const file = join(dir, 'production.yaml');
  writeFileSync(
    file,
    [
      'namespace: payments',
      'edge:',
      '  host: pay.acme.example',
      '  ingress: { className: traefik }',
      'prometheusSelectorLabels: { release: kps }',
      `image: ${TEST_IMAGE}`,
      '',
    ].join('\n'),
  );
  const s = synthSettings(parseSynthArgs(['production', '--settings', file], {}), {});
  assert.equal(s.namespace, 'payments');
  assert.equal(s.edge.host, 'pay.acme.example');
  assert.deepEqual(s.edge.ingress, { className: 'traefik' });
  assert.deepEqual(s.edge.gateway, envSettings('production').edge.gateway, 'what the file does not name keeps its default');
  assert.deepEqual(s.prometheusSelectorLabels, { release: 'kps' });
  const fromEnv = synthSettings(parseSynthArgs(['production', '--settings', file], {}), {
    SYNTH_HOST: 'pay.env.example',
    SYNTH_RELEASE: 'monitoring',
    SYNTH_NAMESPACE: 'pay2',
    SYNTH_IMAGE: 'r.internal/x@sha256:' + 'f'.repeat(64),
  });
  assert.equal(fromEnv.edge.host, 'pay.env.example', 'the environment wins over the file');
  assert.equal(fromEnv.namespace, 'pay2');
  assert.deepEqual(fromEnv.prometheusSelectorLabels, { release: 'monitoring' });
  assert.match(fromEnv.image, /^r\.internal\/x@sha256:f{64}$/);
  const objects = parseFiles(renderK8s(fromEnv, fixtureInputs));
  assert.ok(objects.filter((o) => o.kind !== 'Namespace' && o.file !== '40-dashboards.yaml').every((o) => o.metadata.namespace === 'pay2'));
  assert.equal((objects.find((o) => o.kind === 'ServiceMonitor') as any).metadata.labels.release, 'monitoring');
  assert.deepEqual((objects.find((o) => o.kind === 'HTTPRoute') as any).spec.hostnames, ['pay.env.example']);
  assert.deepEqual(overridesFromEnv({ SYNTH_HOST: '' }), {}, 'an empty variable is unset');
});

test('unknown settings, wrong types and incomplete objects are refused, naming the setting', () => {
  const s = envSettings('staging');
  assert.throws(() => applyOverrides(s, { hostname: 'x' }, 'f.yaml'), /f\.yaml: unknown setting hostname/);
  assert.throws(() => applyOverrides(s, { edge: { hots: 'x' } }, 'f.yaml'), /unknown setting edge\.hots/);
  assert.throws(() => applyOverrides(s, { replicas: { max: '4' } }, 'f.yaml'), /setting replicas\.max must be a number, got "4"/);
  assert.throws(() => applyOverrides(s, { edge: { ingress: { class: 'nginx' } } }, 'f.yaml'), /setting edge\.ingress needs edge\.ingress\.className/);
  assert.throws(() => applyOverrides(s, { namespace: null }, 'f.yaml'), /setting namespace cannot be null/);
  assert.throws(() => applyOverrides(s, { env: 'production' }, 'f.yaml'), /written for production, synthesizing staging/);
  assert.equal(applyOverrides(s, { edge: { gateway: null, ingress: { className: 'nginx' } } }, 'f').edge.gateway, null);
});

const synth = (args: string[], env: Record<string, string> = {}) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'synth.ts', ...args], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', ...env } });

test('npm run synth prints the environment and image, and exits 1 on a refusal or a stray argument', () => {
  const refused = synth(['production']);
  assert.equal(refused.status, 1);
  assert.match(refused.stdout, /synth: environment production, namespace feexpay, host pay\.example\.com, image registry\.example\.com\/feexpay-gateway:/);
  assert.match(refused.stderr, /is the placeholder: set SYNTH_IMAGE/);
  assert.doesNotMatch(refused.stderr, /\n\s+at /, 'a message, not a stack trace');
  const stray = synth(['production', 'staging']);
  assert.equal(stray.status, 1);
  assert.match(stray.stderr, /one environment per synth/);
  const ok = synth(['staging']);
  assert.equal(ok.status, 0, ok.stderr);
  assert.match(ok.stdout, /synth: environment staging, namespace feexpay-staging, host pay\.staging\.example\.com, image \S+/);
  assert.match(ok.stdout, /dist\/k8s\/10-api\.yaml/);
});
