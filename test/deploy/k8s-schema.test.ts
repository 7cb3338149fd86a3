/**
 * Every synthesized object validates against the JSON schema of its kind: the Kubernetes OpenAPI
 * of kubernetes-models 5.1, the prometheus-operator v0.90.1 CRDs
 * (@kubernetes-models/prometheus-operator 5.0), Gateway API and cert-manager models. The validator is the packages' own (ajv-compiled
 * schemas); the negative cases prove it is not a no-op.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { knownKinds, SCHEMA_VERSIONS, validateManifest } from '../../k8s/validate.ts';
import { allOutputs } from './helpers.ts';

const outputs = allOutputs();

test('every manifest of every variant validates against its schema', () => {
  let count = 0;
  const kinds = new Set<string>();
  for (const out of outputs) {
    for (const o of out.objects) {
      assert.doesNotThrow(() => validateManifest(o), `${out.label} ${o.file} ${o.kind}/${o.metadata.name}`);
      kinds.add(`${o.apiVersion}/${o.kind}`);
      count++;
    }
  }
  // Reported so a reviewer sees the coverage; the floor catches a variant that lost its objects.
  console.log(`validated ${count} objects of ${kinds.size} kinds across ${outputs.length} variants`);
  assert.ok(count >= 60, `only ${count} objects validated`);
  for (const k of [
    'batch/v1/CronJob',
    'batch/v1/Job',
    'apps/v1/Deployment',
    'monitoring.coreos.com/v1/PrometheusRule',
    'monitoring.coreos.com/v1alpha1/AlertmanagerConfig',
    'gateway.networking.k8s.io/v1/HTTPRoute',
    'gateway.networking.k8s.io/v1beta1/ReferenceGrant',
    'cert-manager.io/v1/Certificate',
    'networking.k8s.io/v1/Ingress',
  ]) {
    assert.ok(kinds.has(k), `no ${k} was validated`);
  }
});

test('the validator rejects invalid objects of core and CRD kinds', () => {
  const deployment = outputs[0]!.objects.find((o) => o.kind === 'Deployment')!;
  const broken = structuredClone(deployment) as any;
  broken.spec.template.spec.containers[0].ports[0].containerPort = 'http';
  delete broken.spec.template.spec.containers[0].name;
  assert.throws(() => validateManifest(broken), /containerPort must be integer/);

  const rule = outputs[0]!.objects.find((o) => o.kind === 'PrometheusRule')!;
  const badRule = structuredClone(rule) as any;
  badRule.spec.groups[0].rules[0].for = '5 minutes';
  assert.throws(() => validateManifest(badRule), /for must match pattern/);

  const monitor = outputs[0]!.objects.find((o) => o.kind === 'ServiceMonitor')!;
  const badMonitor = structuredClone(monitor) as any;
  badMonitor.spec.endpoints[0].interval = 'often';
  assert.throws(() => validateManifest(badMonitor), /interval/);

  const httpRoute = outputs[0]!.objects.find((o) => o.kind === 'HTTPRoute')!;
  const badRoute = structuredClone(httpRoute) as any;
  badRoute.spec.rules[0].matches[0].path.type = 'Glob';
  assert.throws(() => validateManifest(badRoute), /type must be equal to one of the allowed values/);

  assert.throws(() => validateManifest({ apiVersion: 'v1', kind: 'Unknown' }), /No schema/);
});

test('the schema versions named in code are the ones the packages ship', () => {
  const pkg = (p: string) => JSON.parse(readFileSync(new URL(`../../node_modules/${p}/package.json`, import.meta.url), 'utf8'));
  const major = (name: string) => pkg(name).version.split('.').slice(0, 2).join('.');
  assert.equal(major('kubernetes-models'), SCHEMA_VERSIONS.kubernetesModels);
  assert.equal(major('@kubernetes-models/gateway-api'), SCHEMA_VERSIONS.gatewayApiModels);
  assert.equal(major('@kubernetes-models/cert-manager'), SCHEMA_VERSIONS.certManagerModels);
  const crdSource = JSON.stringify(pkg('@kubernetes-models/prometheus-operator')['crd-generate']);
  assert.ok(crdSource.includes(`/v${SCHEMA_VERSIONS.prometheusOperator}/`), crdSource);
  assert.ok(knownKinds().length >= 10);
});

test('names are DNS-1123 labels, unique per kind and namespace (the schemas do not check names)', () => {
  for (const out of outputs) {
    const seen = new Set<string>();
    for (const o of out.objects) {
      assert.match(o.metadata.name, /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, `${out.label} ${o.kind}/${o.metadata.name}`);
      const key = `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
      assert.ok(!seen.has(key), `${out.label}: duplicate ${key}`);
      seen.add(key);
      // CronJob names are prefixes of Job names: Kubernetes caps them at 52 characters.
      if (o.kind === 'CronJob') assert.ok(o.metadata.name.length <= 52, o.metadata.name);
    }
  }
});

test('synthesis is deterministic', () => {
  const again = allOutputs();
  for (const [i, out] of outputs.entries()) assert.deepEqual(again[i]!.files, out.files, out.label);
});
