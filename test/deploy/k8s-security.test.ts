/**
 * The hardening every workload must carry (API pods and their init container, the migration Job,
 * CronJobs), and the kube-score / Polaris findings docs/deploy.md says apply: uid and gid of 10000
 * or more, ephemeral storage requests and limits, the CPU-limit policy, the pull policy.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gracePeriodSeconds } from '../../k8s/api.ts';
import { allOutputs, containersOf, podTemplates } from './helpers.ts';

const outputs = allOutputs();
const templates = outputs.flatMap((out) => podTemplates(out.objects).map((t) => ({ ...t, label: out.label })));

test('there are pod templates to check, including CronJobs and init containers', () => {
  const kinds = new Set(templates.map((t) => t.owner.kind));
  assert.deepEqual([...kinds].sort(), ['CronJob', 'Deployment', 'Job']);
  assert.ok(templates.some((t) => (t.spec.initContainers ?? []).length > 0));
});

test('every pod runs non-root with RuntimeDefault seccomp and no service account token', () => {
  for (const t of templates) {
    const where = `${t.label} ${t.owner.kind}/${t.owner.metadata.name}`;
    const psc = t.spec.securityContext ?? {};
    assert.equal(psc.runAsNonRoot, true, where);
    assert.ok(Number(psc.runAsUser) >= 10000 && Number(psc.runAsGroup) >= 10000, `${where}: uid/gid of host users' range`);
    assert.equal(t.spec.priorityClassName, t.label.endsWith('+options') ? 'feexpay-critical' : undefined, where);
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
      assert.ok(Number(sc.runAsUser) >= 10000 && Number(sc.runAsGroup) >= 10000, `${where}: uid/gid`);
      assert.ok(c.resources?.requests?.cpu && c.resources.requests.memory, `${where}: requests`);
      assert.ok(c.resources?.limits?.memory, `${where}: memory limit`);
      assert.ok(c.resources.requests['ephemeral-storage'] && c.resources.limits['ephemeral-storage'], `${where}: ephemeral storage`);
      // The CPU-limit policy: none where latency matters (the API), a cap on run-to-completion work.
      if (c.name === 'api') assert.equal(c.resources.limits.cpu, undefined, `${where}: no CPU limit on the API`);
      else assert.ok(c.resources.limits.cpu, `${where}: Jobs have a CPU limit`);
      // Pinned by digest: IfNotPresent (no registry round trip per start); a tag: Always.
      assert.equal((c as { imagePullPolicy?: string }).imagePullPolicy, c.image!.includes('@sha256:') ? 'IfNotPresent' : 'Always', where);
      // A read-only root needs writable /tmp (CronJob reports, libraries' scratch files) and a log directory.
      const mounts = (c.volumeMounts ?? []).map((m) => m.mountPath);
      assert.ok(mounts.includes('/tmp'), `${where}: /tmp`);
      assert.ok(!/:latest$|^[^:@]+$/.test(c.image ?? ''), `${where}: image must be pinned`);
      checked++;
    }
  }
  assert.ok(checked >= 12, `${checked}`);
});

test('the API rolls out without losing capacity, spreads across nodes and zones, drains a FeexPay call', () => {
  for (const out of outputs) {
    const d = out.objects.find((o) => o.kind === 'Deployment') as any;
    assert.equal(d.spec.strategy.rollingUpdate.maxUnavailable, 0, out.label);
    assert.equal(d.spec.replicas, undefined, `${out.label}: the HPA owns the replica count`);
    const spread = d.spec.template.spec.topologySpreadConstraints;
    assert.deepEqual(spread.map((c: any) => c.topologyKey).sort(), ['kubernetes.io/hostname', 'topology.kubernetes.io/zone']);
    // Tainted nodes the pods cannot run on are not empty domains that block DoNotSchedule.
    for (const c of spread) assert.equal(c.nodeTaintsPolicy, 'Honor', `${out.label} ${c.topologyKey}`);
    const api = d.spec.template.spec.containers[0];
    assert.equal(api.readinessProbe.httpGet.path, '/health/ready');
    assert.equal(api.livenessProbe.httpGet.path, '/health/live');
    // preStop + a whole FeexPay request (the ConfigMap's timeout) + the close, within the grace period.
    const cm = out.objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name.endsWith('-config')) as any;
    const feexpaySeconds = Number(cm.data.FEEXPAY_REQUEST_TIMEOUT_MS) / 1000;
    const grace = d.spec.template.spec.terminationGracePeriodSeconds;
    assert.ok(grace >= api.lifecycle.preStop.sleep.seconds + feexpaySeconds + 5, `${out.label}: grace ${grace} s for a ${feexpaySeconds} s FeexPay call`);
    assert.equal(grace, gracePeriodSeconds(out.settings));
    // The pods wait for the schema, they never migrate.
    assert.equal(cm.data.MIGRATE_ON_START, 'false', `${out.label}: the API container does not migrate`);
    const [wait, ...others] = d.spec.template.spec.initContainers;
    assert.equal(others.length, 0);
    assert.deepEqual(wait.command.slice(-2), ['build/cli/migrate.js', '--wait=600']);
    assert.deepEqual(
      wait.env.map((e: any) => e.name),
      ['DATABASE_URL', 'MIGRATION_DATABASE_URL'],
      'the schema wait sees only the database URLs',
    );
  }
});

test('one migration Job per release, named by its content, apart from the serving pods', () => {
  for (const out of outputs) {
    const jobs = out.objects.filter((o) => o.kind === 'Job') as any[];
    assert.equal(jobs.length, 1, out.label);
    const job = jobs[0];
    assert.match(job.metadata.name, /^feexpay-gateway-migrate-[0-9a-f]{10}$/);
    const [c] = job.spec.template.spec.containers;
    assert.deepEqual(c.command.slice(-1), ['build/cli/migrate.js']);
    assert.deepEqual(
      c.env.map((e: any) => e.name),
      ['DATABASE_URL', 'MIGRATION_DATABASE_URL'],
    );
    assert.equal(c.image, (out.objects.find((o) => o.kind === 'Deployment') as any).spec.template.spec.containers[0].image, "the release's own image");
    assert.ok(job.spec.activeDeadlineSeconds > 0 && job.spec.ttlSecondsAfterFinished > 0);
    const policy = out.objects.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name.endsWith('-jobs')) as any;
    assert.ok(policy.spec.podSelector.matchExpressions[0].values.includes('migrate'), `${out.label}: the Job pods have a policy`);
  }
  const [a, b] = [outputs[2]!, outputs[3]!].map((o) => (o.objects.find((x) => x.kind === 'Job') as any).metadata.name);
  assert.notEqual(a, b, 'another image or setting, another Job (a Job template cannot change in place)');
});

test('the namespace enforces the restricted Pod Security Standard', () => {
  for (const out of outputs) {
    const ns = out.objects.find((o) => o.kind === 'Namespace')!;
    assert.equal(ns.metadata.labels?.['pod-security.kubernetes.io/enforce'], 'restricted');
  }
});
