/** The hardening every workload must carry: API pods, the migration init container, CronJobs. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { allOutputs, containersOf, podTemplates } from './helpers.ts';

const outputs = allOutputs();
const templates = outputs.flatMap((out) => podTemplates(out.objects).map((t) => ({ ...t, label: out.label })));

test('there are pod templates to check, including CronJobs and init containers', () => {
  const kinds = new Set(templates.map((t) => t.owner.kind));
  assert.deepEqual([...kinds].sort(), ['CronJob', 'Deployment']);
  assert.ok(templates.some((t) => (t.spec.initContainers ?? []).length > 0));
});

test('every pod runs non-root with RuntimeDefault seccomp and no service account token', () => {
  for (const t of templates) {
    const where = `${t.label} ${t.owner.kind}/${t.owner.metadata.name}`;
    const psc = t.spec.securityContext ?? {};
    assert.equal(psc.runAsNonRoot, true, where);
    assert.ok(Number(psc.runAsUser) > 0, where);
    assert.deepEqual(psc.seccompProfile, { type: 'RuntimeDefault' }, where);
    assert.equal(t.spec.automountServiceAccountToken, false, where);
  }
});

test('every container is locked down and has requests and a memory limit', () => {
  let checked = 0;
  for (const t of templates) {
    for (const c of containersOf(t.spec)) {
      const where = `${t.label} ${t.owner.kind}/${t.owner.metadata.name} container ${c.name}`;
      const sc = c.securityContext ?? {};
      assert.equal(sc.allowPrivilegeEscalation, false, where);
      assert.equal(sc.readOnlyRootFilesystem, true, where);
      assert.equal(sc.runAsNonRoot, true, where);
      assert.notEqual(sc.privileged, true, where);
      assert.deepEqual((sc.capabilities as { drop?: string[] })?.drop, ['ALL'], where);
      assert.equal((sc.capabilities as { add?: string[] })?.add, undefined, where);
      assert.ok(c.resources?.requests?.cpu && c.resources.requests.memory, `${where}: requests`);
      assert.ok(c.resources?.limits?.memory, `${where}: memory limit`);
      // A read-only root needs writable /tmp (CronJob reports, libraries' scratch files) and a log directory.
      const mounts = (c.volumeMounts ?? []).map((m) => m.mountPath);
      assert.ok(mounts.includes('/tmp'), `${where}: /tmp`);
      assert.ok(!/:latest$|^[^:@]+$/.test(c.image ?? ''), `${where}: image must be pinned`);
      checked++;
    }
  }
  assert.ok(checked >= 8, `${checked}`);
});

test('the API rolls out without losing capacity and spreads across nodes and zones', () => {
  for (const out of outputs) {
    const d = out.objects.find((o) => o.kind === 'Deployment') as any;
    assert.equal(d.spec.strategy.rollingUpdate.maxUnavailable, 0, out.label);
    assert.equal(d.spec.replicas, undefined, `${out.label}: the HPA owns the replica count`);
    const keys = d.spec.template.spec.topologySpreadConstraints.map((c: any) => c.topologyKey).sort();
    assert.deepEqual(keys, ['kubernetes.io/hostname', 'topology.kubernetes.io/zone']);
    const api = d.spec.template.spec.containers[0];
    assert.equal(api.readinessProbe.httpGet.path, '/health/ready');
    assert.equal(api.livenessProbe.httpGet.path, '/health/live');
    const migrate = d.spec.template.spec.initContainers[0];
    assert.deepEqual(migrate.command.slice(-1), ['build/cli/migrate.js']);
    assert.deepEqual(migrate.env.map((e: any) => e.name), ['DATABASE_URL'], 'the migration sees only the database URL');
  }
});

test('the namespace enforces the restricted Pod Security Standard', () => {
  for (const out of outputs) {
    const ns = out.objects.find((o) => o.kind === 'Namespace')!;
    assert.equal(ns.metadata.labels?.['pod-security.kubernetes.io/enforce'], 'restricted');
  }
});
