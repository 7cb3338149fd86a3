/**
 * Network policies: the API pods accept traffic only on the API port (from anywhere: the Ingress
 * controller and in-cluster callers) and on the metrics port from Prometheus; every pod of the
 * service leaves only for DNS, PostgreSQL (or PgBouncer), Redis, HTTPS/SMTP (FeexPay, Sentry,
 * Slack, mail) and the Prometheus/Alertmanager APIs in the monitoring namespace.
 * Egress is by port, not address: NetworkPolicy cannot name FeexPay's or Sentry's hosts, and the
 * database may be a managed service outside the cluster.
 */
import type { INetworkPolicyEgressRule } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicyEgressRule';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { API_COMPONENT } from './api.ts';
import { APP_NAME, NAMES, PORTS, selectorLabels } from './names.ts';
import type { EnvSettings } from './settings.ts';

export const EGRESS_PORTS = {
  dns: 53,
  postgres: 5432,
  /** PgBouncer's default port, for a pooler in front of PostgreSQL (docs/deploy.md). */
  pgbouncer: 6432,
  redis: 6379,
  https: 443,
  smtpSubmission: 587,
  smtps: 465,
} as const;

function egressRules(s: EnvSettings): INetworkPolicyEgressRule[] {
  const tcp = (port: number) => ({ protocol: 'TCP' as const, port });
  const monitoringPorts = [s.monitoringUrls.prometheus, s.monitoringUrls.alertmanager].map((u) => tcp(Number(new URL(u).port)));
  return [
    { ports: [{ protocol: 'UDP' as const, port: EGRESS_PORTS.dns }, tcp(EGRESS_PORTS.dns)] },
    { ports: [tcp(EGRESS_PORTS.postgres), tcp(EGRESS_PORTS.pgbouncer), tcp(EGRESS_PORTS.redis)] },
    { ports: [tcp(EGRESS_PORTS.https), tcp(EGRESS_PORTS.smtpSubmission), tcp(EGRESS_PORTS.smtps)] },
    // Operator views and the weekly report read Prometheus and Alertmanager, and nothing else there.
    { to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': s.prometheusNamespace } } }], ports: monitoringPorts },
  ];
}

export function apiNetworkPolicy(s: EnvSettings): NetworkPolicy {
  return new NetworkPolicy({
    metadata: { name: NAMES.networkPolicy },
    spec: {
      podSelector: { matchLabels: selectorLabels(API_COMPONENT) },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [
        { ports: [{ protocol: 'TCP', port: PORTS.http.name }] },
        {
          from: [
            {
              namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': s.prometheusNamespace } },
              podSelector: { matchLabels: s.prometheusPodLabels },
            },
          ],
          ports: [{ protocol: 'TCP', port: PORTS.metrics.name }],
        },
      ],
      egress: egressRules(s),
    },
  });
}

/** Job pods (the migration, CronJobs) serve nothing: no ingress at all, the same egress as the API. */
export function jobsNetworkPolicy(s: EnvSettings, components: string[]): NetworkPolicy {
  return new NetworkPolicy({
    metadata: { name: NAMES.cronNetworkPolicy },
    spec: {
      podSelector: {
        matchLabels: { 'app.kubernetes.io/name': APP_NAME },
        matchExpressions: [{ key: 'app.kubernetes.io/component', operator: 'In', values: components }],
      },
      policyTypes: ['Ingress', 'Egress'],
      egress: egressRules(s),
    },
  });
}
