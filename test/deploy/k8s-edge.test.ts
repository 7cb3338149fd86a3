/**
 * The edge: the public host routes the merchant API only. The paths are checked against the
 * service itself (a real app on loopback: which paths exist) with Gateway API's PathPrefix rule,
 * so /admin and /docs, which the app does serve, can never be reached on the public host.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { INTERNAL_PATHS, PUBLIC_PATHS } from '../../k8s/edge.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { call } from '../helpers/http.ts';
import { allOutputs, type Output } from './helpers.ts';

const outputs = allOutputs();
let app: TestApp;
before(async () => {
  app = await startTestApp('deploy-edge', { ADMIN_PASSWORD: 'edge-test-admin-password' });
});
after(() => app.close());

/** Gateway API PathPrefix: matches whole path elements (`/v1` matches `/v1/x`, not `/v1x`). */
const prefixMatches = (prefix: string, path: string) => path === prefix || path.startsWith(prefix.endsWith('/') ? prefix : `${prefix}/`);

/** Every path prefix routed for `host` by the output's HTTPRoutes and Ingresses. */
function routedPrefixes(out: Output, host: string): string[] {
  const prefixes: string[] = [];
  for (const o of out.objects) {
    const spec = o.spec as any;
    if (o.kind === 'HTTPRoute' && spec.hostnames.includes(host)) {
      for (const rule of spec.rules) for (const m of rule.matches) prefixes.push(m.path.value);
    }
    if (o.kind === 'Ingress') {
      for (const rule of spec.rules) if (rule.host === host) for (const p of rule.http.paths) prefixes.push(p.path);
    }
  }
  return prefixes;
}

test('the paths the public host must and must not serve exist in the service', async () => {
  const exists = async (method: string, path: string) => (await call(app.url, method, path)).status !== 404;
  assert.ok(await exists('POST', '/v1/payments'), 'the merchant API');
  assert.ok(await exists('POST', `/v1/webhooks/feexpay/${app.config.webhookToken}`), 'FeexPay webhooks');
  assert.ok(await exists('GET', '/admin/'), 'the admin pages');
  assert.ok(await exists('GET', '/docs/json'), 'the API description');
});

test('the public host routes /v1 and nothing else, through an HTTPRoute (and the optional Ingress)', () => {
  for (const out of outputs) {
    const host = out.settings.edge.host;
    const prefixes = routedPrefixes(out, host);
    assert.deepEqual([...new Set(prefixes)], [...PUBLIC_PATHS], out.label);
    for (const path of ['/v1/payments', '/v1/payments/pay_1', '/v1/webhooks/feexpay/some-token'])
      assert.ok(
        prefixes.some((p) => prefixMatches(p, path)),
        `${out.label}: ${path}`,
      );
    for (const path of ['/admin', '/admin/assets/dashboard.css', '/docs', '/docs/json', '/health/ready', '/metrics', '/']) {
      assert.ok(!prefixes.some((p) => prefixMatches(p, path)), `${out.label}: ${path} is reachable on ${host}`);
    }
    const route = out.objects.find((o) => o.kind === 'HTTPRoute' && (o.spec as any).hostnames.includes(host)) as any;
    assert.ok(route, `${out.label}: an HTTPRoute on ${host}`);
    assert.deepEqual(
      route.spec.parentRefs.map((r: any) => r.name),
      [out.settings.edge.gateway!.name],
    );
    // A create may wait for FeexPay's whole timeout: the route must not cut it first.
    const feexpaySeconds = out.settings.app.feexpayRequestTimeoutMs / 1000;
    for (const rule of route.spec.rules) assert.ok(parseInt(rule.timeouts.request, 10) > feexpaySeconds, rule.timeouts.request);
  }
});

test('with options: Ingress on the same paths, a Certificate for the host, a grant for that Secret only, the internal route', () => {
  const out = outputs.find((o) => o.label === 'production+options')!;
  const { host, tls, internal } = out.settings.edge;
  const ingress = out.objects.find((o) => o.kind === 'Ingress') as any;
  assert.equal(ingress.spec.ingressClassName, 'traefik');
  assert.deepEqual(ingress.spec.tls, [{ hosts: [host], secretName: tls.secretName }]);
  const cert = out.objects.find((o) => o.kind === 'Certificate') as any;
  assert.deepEqual(cert.spec.dnsNames, [host]);
  assert.equal(cert.spec.secretName, tls.secretName);
  assert.deepEqual(cert.spec.issuerRef, { group: 'cert-manager.io', kind: 'ClusterIssuer', name: 'letsencrypt' });
  const grant = out.objects.find((o) => o.kind === 'ReferenceGrant') as any;
  assert.deepEqual(grant.spec.to, [{ group: '', kind: 'Secret', name: tls.secretName }]);
  assert.deepEqual(grant.spec.from, [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', namespace: out.settings.edge.gateway!.namespace }]);
  assert.deepEqual(routedPrefixes(out, internal!.host), [...INTERNAL_PATHS]);
  for (const plain of outputs.filter((o) => !o.label.endsWith('+options'))) {
    assert.deepEqual(
      plain.objects.filter((o) => ['Ingress', 'Certificate', 'ReferenceGrant'].includes(o.kind)),
      [],
      `${plain.label}: options off`,
    );
  }
});
