/**
 * The environment contract between the manifests and the service: every variable the ConfigMap,
 * the Secret references or a container sets is one the service reads (a typo would be silently
 * ignored at run time), and the policies let the pods reach what that configuration names.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { EGRESS_PORTS } from '../../k8s/network.ts';
import { PORTS } from '../../k8s/names.ts';
import { POD_NAME_ENV } from '../../k8s/pod.ts';
import { allOutputs, containersOf, podTemplates } from './helpers.ts';

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [readFileSync(join(dir, e.name), 'utf8')] : [],
  );
}
const src = sources('src').join('\n');
/** Read by Node.js or libraries (NODE_ENV), or by the kubelet (POD_NAME, the logs volume's subPathExpr), not by our code. */
const RUNTIME_VARS = new Set(['NODE_ENV', POD_NAME_ENV]);

const outputs = allOutputs();

test('every variable set on a container is read by the service', () => {
  const names = new Set<string>();
  for (const out of outputs) {
    for (const cm of out.objects.filter((o) => o.kind === 'ConfigMap' && !o.metadata.labels?.grafana_dashboard)) {
      for (const k of Object.keys((cm as any).data)) names.add(k);
    }
    for (const t of podTemplates(out.objects)) for (const c of containersOf(t.spec)) for (const e of c.env ?? []) names.add(e.name);
  }
  assert.ok(names.size > 20);
  for (const name of names) {
    if (RUNTIME_VARS.has(name)) continue;
    const read = new RegExp(`['"\`]${name}['"\`]|env\\.${name}\\b`).test(src);
    assert.ok(read, `${name} is set by the manifests but never read in src/`);
  }
});

test('ingress reaches only the API and metrics ports; egress covers what the configuration names', () => {
  for (const out of outputs) {
    for (const np of out.objects.filter((o) => o.kind === 'NetworkPolicy')) {
      const spec = np.spec as any;
      assert.deepEqual(spec.policyTypes, ['Ingress', 'Egress'], `${out.label} ${np.metadata.name}`);
      for (const rule of spec.ingress ?? []) {
        for (const p of rule.ports) assert.ok([PORTS.http.name, PORTS.metrics.name].includes(p.port), `${out.label}: ingress port ${p.port}`);
        if (rule.ports.some((p: any) => p.port === PORTS.metrics.name)) assert.ok(rule.from?.length, 'metrics only from Prometheus');
      }
      const egress = new Set(spec.egress.flatMap((r: any) => r.ports.map((p: any) => `${p.protocol}/${p.port}`)));
      for (const port of Object.values(EGRESS_PORTS)) assert.ok(egress.has(`TCP/${port}`), `${out.label}: egress ${port}`);
      assert.ok(egress.has('UDP/53'));
      const cm = out.objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name.endsWith('-config')) as any;
      for (const key of ['FEEXPAY_BASE_URL', 'PROMETHEUS_URL', 'ALERTMANAGER_URL']) {
        const u = new URL(cm.data[key]);
        const port = u.port || (u.protocol === 'https:' ? '443' : '80');
        assert.ok(egress.has(`TCP/${port}`), `${out.label}: ${key} port ${port} is not allowed out`);
      }
    }
    const jobsPolicy = out.objects.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name.endsWith('-jobs')) as any;
    if (jobsPolicy) assert.equal(jobsPolicy.spec.ingress, undefined, 'CronJob pods accept no traffic');
  }
});
