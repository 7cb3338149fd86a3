/**
 * The edge: a Gateway API HTTPRoute on the public host (an Ingress as an option, for controllers
 * without Gateway API), an optional cert-manager Certificate, and an optional internal HTTPRoute.
 * The public host routes the merchant API only (/v1: payments and FeexPay's webhooks); /admin and
 * /docs stay off it, on the internal route or behind `kubectl port-forward` to the ClusterIP
 * Service. A payment create can hold a request for the FeexPay timeout: the route's timeout
 * leaves it room.
 */
import { Certificate } from '@kubernetes-models/cert-manager/cert-manager.io/v1/Certificate';
import { HTTPRoute } from '@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1/HTTPRoute';
import { ReferenceGrant } from '@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1beta1/ReferenceGrant';
import { Ingress } from 'kubernetes-models/networking.k8s.io/v1/Ingress';
import { NAMES, PORTS } from './names.ts';
import type { EnvSettings, GatewayRef } from './settings.ts';

/** Path prefixes of the public host. */
export const PUBLIC_PATHS = ['/v1'] as const;
/** Path prefixes only the internal route serves. */
export const INTERNAL_PATHS = ['/admin', '/docs'] as const;

const backendRefs = [{ name: NAMES.service, port: PORTS.http.port }];

function requestTimeout(s: EnvSettings): string {
  return `${Math.ceil(s.app.feexpayRequestTimeoutMs / 1000) + 10}s`;
}

function parentRef(g: GatewayRef) {
  return { group: 'gateway.networking.k8s.io', kind: 'Gateway', name: g.name, namespace: g.namespace, ...(g.sectionName ? { sectionName: g.sectionName } : {}) };
}

function route(s: EnvSettings, name: string, host: string, gateway: GatewayRef, paths: readonly string[]): HTTPRoute {
  return new HTTPRoute({
    metadata: { name },
    spec: {
      parentRefs: [parentRef(gateway)],
      hostnames: [host],
      rules: [
        {
          matches: paths.map((value) => ({ path: { type: 'PathPrefix' as const, value } })),
          backendRefs,
          timeouts: { request: requestTimeout(s) },
        },
      ],
    },
  });
}

function ingress(s: EnvSettings, className: string): Ingress {
  return new Ingress({
    metadata: { name: NAMES.ingress },
    spec: {
      ingressClassName: className,
      tls: [{ hosts: [s.edge.host], secretName: s.edge.tls.secretName }],
      rules: [
        {
          host: s.edge.host,
          http: {
            paths: PUBLIC_PATHS.map((path) => ({
              path,
              pathType: 'Prefix' as const,
              backend: { service: { name: NAMES.service, port: { name: PORTS.http.name } } },
            })),
          },
        },
      ],
    },
  });
}

function certificate(s: EnvSettings, issuer: { kind: string; name: string }): Certificate {
  return new Certificate({
    metadata: { name: NAMES.certificate },
    spec: {
      secretName: s.edge.tls.secretName,
      dnsNames: [s.edge.host],
      issuerRef: { group: 'cert-manager.io', kind: issuer.kind, name: issuer.name },
      privateKey: { algorithm: 'ECDSA', size: 256, rotationPolicy: 'Always' },
    },
  });
}

/** Lets the Gateway's listener (another namespace) read the certificate Secret, and nothing else. */
function certificateGrant(s: EnvSettings, gateway: GatewayRef): ReferenceGrant {
  return new ReferenceGrant({
    metadata: { name: NAMES.certificateGrant },
    spec: {
      from: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', namespace: gateway.namespace }],
      to: [{ group: '', kind: 'Secret', name: s.edge.tls.secretName }],
    },
  });
}

export function edgeObjects(s: EnvSettings): (HTTPRoute | Ingress | Certificate | ReferenceGrant)[] {
  const { gateway, ingress: ing, tls, internal } = s.edge;
  return [
    ...(tls.issuer ? [certificate(s, tls.issuer)] : []),
    ...(gateway && tls.issuer ? [certificateGrant(s, gateway)] : []),
    ...(gateway ? [route(s, NAMES.httpRoute, s.edge.host, gateway, PUBLIC_PATHS)] : []),
    ...(internal ? [route(s, NAMES.internalHttpRoute, internal.host, internal.gateway, INTERNAL_PATHS)] : []),
    ...(ing ? [ingress(s, ing.className)] : []),
  ];
}
