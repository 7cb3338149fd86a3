/**
 * Every reference inside the output resolves inside the output (or, for the Secret, to the
 * documented contract): Secret keys, ConfigMaps, port names, label selectors, service accounts,
 * volumes, and the `job` label the rules select on.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { monitoringConfig } from '../../alerts/config.ts';
import { LOG_DIR } from '../../k8s/app-config.ts';
import { NAMES } from '../../k8s/names.ts';
import { allSecretKeys, APP_SECRET_NAME } from '../../k8s/secrets.ts';
import { allOutputs, containersOf, podTemplates, selectorMatches, type Manifest, type Output } from './helpers.ts';

const outputs = allOutputs();
const secretKeys = new Set(allSecretKeys());

const find = (out: Output, kind: string, name: string, ns?: string) =>
  out.objects.find((o) => o.kind === kind && o.metadata.name === name && (ns === undefined || o.metadata.namespace === ns));

function each(fn: (out: Output) => void): void {
  for (const out of outputs) fn(out);
}

test('secret references name the out-of-band Secret and a documented key', () => {
  let refs = 0;
  each((out) => {
    for (const t of podTemplates(out.objects)) {
      for (const c of containersOf(t.spec)) {
        for (const e of c.env ?? []) {
          const ref = e.valueFrom?.secretKeyRef;
          if (!ref) continue;
          assert.equal(ref.name, APP_SECRET_NAME, `${out.label} ${c.name} ${e.name}`);
          assert.ok(secretKeys.has(ref.key), `${out.label}: undocumented key ${ref.key}`);
          refs++;
        }
        for (const f of c.envFrom ?? []) assert.equal(f.secretRef, undefined, 'secrets are referenced key by key');
      }
      for (const v of t.spec.volumes ?? []) assert.equal(v.secret, undefined, `${out.label}: secret volume ${v.name}`);
    }
    for (const amc of out.objects.filter((o) => o.kind === 'AlertmanagerConfig')) {
      const walk = (v: unknown): void => {
        if (Array.isArray(v)) return v.forEach(walk);
        if (!v || typeof v !== 'object') return;
        const o = v as Record<string, unknown>;
        if (typeof o.key === 'string' && typeof o.name === 'string' && Object.keys(o).every((k) => ['key', 'name', 'optional'].includes(k))) {
          assert.equal(o.name, APP_SECRET_NAME);
          assert.ok(secretKeys.has(o.key), `AlertmanagerConfig: undocumented key ${o.key}`);
          refs++;
        }
        Object.values(o).forEach(walk);
      };
      walk(amc.spec);
    }
    for (const ing of out.objects.filter((o) => o.kind === 'Ingress')) {
      for (const tls of (ing.spec as any).tls) assert.equal(tls.secretName, out.settings.edge.tls.secretName);
    }
  });
  assert.ok(refs > 20, `${refs}`);
});

test('ConfigMaps, service accounts, volumes and claims referenced by pods exist', () => {
  each((out) => {
    for (const t of podTemplates(out.objects)) {
      const ns = t.owner.metadata.namespace;
      if (t.spec.serviceAccountName) assert.ok(find(out, 'ServiceAccount', t.spec.serviceAccountName, ns), `${out.label} SA`);
      const volumes = new Set((t.spec.volumes ?? []).map((v) => v.name));
      for (const v of t.spec.volumes ?? []) {
        const claim = (v.persistentVolumeClaim as { claimName?: string } | undefined)?.claimName;
        if (claim) assert.ok(find(out, 'PersistentVolumeClaim', claim, ns), `${out.label}: PVC ${claim}`);
      }
      for (const c of containersOf(t.spec)) {
        for (const f of c.envFrom ?? []) {
          if (f.configMapRef) assert.ok(find(out, 'ConfigMap', f.configMapRef.name, ns), `${out.label}: ConfigMap ${f.configMapRef.name}`);
        }
        for (const e of c.env ?? []) {
          const ref = e.valueFrom?.configMapKeyRef;
          if (!ref) continue;
          const cm = find(out, 'ConfigMap', ref.name!, ns) as (Manifest & { data?: Record<string, string> }) | undefined;
          assert.ok(cm?.data && ref.key in cm.data, `${out.label}: ConfigMap key ${ref.name}/${ref.key}`);
        }
        for (const m of c.volumeMounts ?? []) assert.ok(volumes.has(m.name), `${out.label} ${c.name}: volume ${m.name}`);
      }
    }
    for (const cm of out.objects.filter((o) => o.kind === 'ConfigMap' && !o.metadata.labels?.grafana_dashboard)) {
      for (const key of Object.keys((cm as any).data)) assert.match(key, /^[A-Z_][A-Z0-9_]*$/, `env-style key ${key}`);
    }
  });
});

test('probe, Service, Ingress, HTTPRoute, ServiceMonitor and NetworkPolicy ports resolve', () => {
  each((out) => {
    const templates = podTemplates(out.objects);
    for (const t of templates) {
      for (const c of t.spec.containers) {
        const names = new Set((c.ports ?? []).map((p) => p.name));
        for (const probe of [c.livenessProbe, c.readinessProbe, c.startupProbe]) {
          const port = probe?.httpGet?.port;
          if (typeof port === 'string') assert.ok(names.has(port), `${out.label}: probe port ${port}`);
        }
      }
    }
    for (const svc of out.objects.filter((o) => o.kind === 'Service')) {
      const spec = svc.spec as { selector: Record<string, string>; ports: { name: string; targetPort: string }[] };
      const selected = templates.filter((t) => t.owner.metadata.namespace === svc.metadata.namespace && selectorMatches({ matchLabels: spec.selector }, t.labels));
      assert.ok(selected.length > 0, `${out.label}: Service ${svc.metadata.name} selects no pods`);
      for (const p of spec.ports) {
        for (const t of selected)
          assert.ok(
            t.spec.containers.some((c) => c.ports?.some((cp) => cp.name === p.targetPort)),
            `${out.label}: targetPort ${p.targetPort}`,
          );
      }
    }
    for (const ing of out.objects.filter((o) => o.kind === 'Ingress')) {
      for (const rule of (ing.spec as any).rules) {
        for (const path of rule.http.paths) {
          const svc = find(out, 'Service', path.backend.service.name, ing.metadata.namespace) as any;
          assert.ok(
            svc?.spec.ports.some((p: any) => p.name === path.backend.service.port.name),
            `${out.label}: Ingress backend`,
          );
        }
      }
    }
    for (const route of out.objects.filter((o) => o.kind === 'HTTPRoute')) {
      for (const rule of (route.spec as any).rules) {
        for (const ref of rule.backendRefs) {
          const svc = find(out, 'Service', ref.name, route.metadata.namespace) as any;
          assert.ok(
            svc?.spec.ports.some((p: any) => p.port === ref.port),
            `${out.label}: HTTPRoute ${route.metadata.name} backend ${ref.name}:${ref.port}`,
          );
        }
      }
    }
    for (const sm of out.objects.filter((o) => o.kind === 'ServiceMonitor')) {
      const spec = sm.spec as any;
      const services = out.objects.filter((o) => o.kind === 'Service' && o.metadata.namespace === sm.metadata.namespace && selectorMatches(spec.selector, o.metadata.labels ?? {}));
      assert.equal(services.length, 1, `${out.label}: ServiceMonitor selects ${services.length} Services`);
      for (const ep of spec.endpoints)
        assert.ok(
          (services[0]!.spec as any).ports.some((p: any) => p.name === ep.port),
          `endpoint port ${ep.port}`,
        );
      // The rules and dashboards select job="<monitoringConfig.job>": the Service must yield it.
      assert.equal(services[0]!.metadata.labels?.[spec.jobLabel], monitoringConfig.job, `${out.label}: job label`);
    }
    for (const np of out.objects.filter((o) => o.kind === 'NetworkPolicy')) {
      const spec = np.spec as any;
      const selected = templates.filter((t) => selectorMatches(spec.podSelector, t.labels));
      assert.ok(selected.length > 0, `${out.label}: NetworkPolicy ${np.metadata.name} selects no pods`);
      const names = new Set(selected.flatMap((t) => t.spec.containers.flatMap((c) => (c.ports ?? []).map((p) => p.name))));
      for (const rule of spec.ingress ?? []) {
        for (const p of rule.ports ?? []) if (typeof p.port === 'string') assert.ok(names.has(p.port), `${out.label}: policy port ${p.port}`);
      }
    }
  });
});

test('label selectors of Deployments, PDBs, HPAs and spread constraints match their pods', () => {
  each((out) => {
    const templates = podTemplates(out.objects);
    for (const t of templates.filter((x) => x.owner.kind === 'Deployment')) {
      const spec = t.owner.spec as any;
      assert.ok(selectorMatches(spec.selector, t.labels), `${out.label}: Deployment selector`);
      for (const c of spec.template.spec.topologySpreadConstraints ?? []) assert.ok(selectorMatches(c.labelSelector, t.labels));
    }
    for (const pdb of out.objects.filter((o) => o.kind === 'PodDisruptionBudget')) {
      const n = templates.filter((t) => selectorMatches((pdb.spec as any).selector, t.labels)).length;
      assert.equal(n, 1, `${out.label}: PDB matches ${n} workloads`);
    }
    for (const hpa of out.objects.filter((o) => o.kind === 'HorizontalPodAutoscaler')) {
      const ref = (hpa.spec as any).scaleTargetRef;
      assert.ok(find(out, ref.kind, ref.name, hpa.metadata.namespace), `${out.label}: HPA target`);
    }
  });
});

test('Alertmanager routes name existing receivers; dashboards carry the sidecar label and parse', () => {
  each((out) => {
    for (const amc of out.objects.filter((o) => o.kind === 'AlertmanagerConfig')) {
      const spec = amc.spec as any;
      const receivers = new Set(spec.receivers.map((r: any) => r.name));
      const walk = (r: any): void => {
        if (r.receiver) assert.ok(receivers.has(r.receiver), `receiver ${r.receiver}`);
        (r.routes ?? []).forEach(walk);
      };
      walk(spec.route);
    }
    const dashboards = out.objects.filter((o) => o.file === '40-dashboards.yaml');
    assert.ok(dashboards.length > 0);
    for (const cm of dashboards) {
      assert.equal(cm.metadata.labels?.grafana_dashboard, '1');
      for (const json of Object.values((cm as any).data as Record<string, string>)) {
        assert.ok(!json.includes('\n'), 'minified');
        assert.doesNotThrow(() => JSON.parse(json));
      }
    }
  });
});

test('with the shared logs volume each API pod writes its own subdirectory, and only the log archive sees them all', () => {
  let api = 0;
  each((out) => {
    for (const t of podTemplates(out.objects)) {
      const archive = t.owner.kind === 'CronJob' && t.owner.metadata.name === NAMES.logArchive;
      const mounts = containersOf(t.spec).flatMap((c) => (c.volumeMounts ?? []).filter((m) => m.name === 'logs').map((m) => ({ c, m })));
      const declared = (t.spec.volumes ?? []).some((v) => v.name === 'logs');
      assert.equal(declared, mounts.length > 0, `${out.label} ${t.owner.metadata.name}: the claim is attached only where it is mounted`);
      for (const { c, m } of mounts) {
        assert.equal(m.mountPath, LOG_DIR, `${out.label} ${c.name}`);
        if (archive) {
          assert.equal(m.subPathExpr, undefined, `${out.label}: the archive reads every pod's directory`);
          continue;
        }
        assert.equal(t.owner.kind, 'Deployment', `${out.label} ${c.name}: only the API writes LOG_DIR`);
        assert.equal(m.subPathExpr, '$(POD_NAME)', `${out.label} ${c.name}: a directory of its own`);
        const podName = (c.env ?? []).find((e) => e.name === 'POD_NAME');
        assert.equal(podName?.valueFrom?.fieldRef?.fieldPath, 'metadata.name', `${out.label} ${c.name}: POD_NAME from the downward API`);
        api++;
      }
    }
  });
  assert.equal(api, 2, 'the API container of both environments with the volume');
});
