/**
 * The API itself: Deployment (with the schema-wait init container), Service, ServiceAccount,
 * ConfigMap, autoscaling and disruption budget. The edge (HTTPRoute, Ingress) is in edge.ts.
 */
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { ITopologySpreadConstraint } from 'kubernetes-models/v1/TopologySpreadConstraint';
import { Service } from 'kubernetes-models/v1/Service';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import { appConfigData, configChecksum } from './app-config.ts';
import { NAMES, PORTS, selectorLabels } from './names.ts';
import { MIGRATION_DEADLINE_SECONDS } from './migrate-job.ts';
import { MIGRATION_SECRET_KEYS, secretEnv } from './secrets.ts';
import { API_NODE_FLAGS, baseContainer, basePodSpec, nodeCommand, withLogsVolume } from './pod.ts';
import type { EnvSettings } from './settings.ts';
import { drainBoundMs } from '../src/drain-bound.ts';

export const API_COMPONENT = 'api';

/** How long the init container waits for the release's migrations before it exits (and restarts). */
const SCHEMA_WAIT_SECONDS = 600;

const probe = (path: string, periodSeconds: number, failureThreshold: number) => ({
  httpGet: { path, port: PORTS.http.name },
  periodSeconds,
  timeoutSeconds: 2,
  failureThreshold,
});

/** One extra pod during a rollout, none taken away (maxUnavailable 0). */
export const MAX_SURGE = 1;
const PRE_STOP_SECONDS = 5;

/**
 * Migrations run in the release's migration Job (migrate-job.ts), not here: this init container
 * only waits until the schema has every migration of this image, so a pod never serves on an older
 * schema, and starts at once on a newer one (rollback). It reads the database and nothing else.
 */
function schemaWaitContainer(s: EnvSettings): IContainer {
  return baseContainer(s, 'wait-for-schema', nodeCommand('build/cli/migrate.js', [], [`--wait=${SCHEMA_WAIT_SECONDS}`]), s.jobResources, MIGRATION_SECRET_KEYS);
}

/**
 * preStop, then the server's own drain: close-with-grace waits for in-flight requests up to the
 * FeexPay timeout + 5 s (src/drain-bound.ts), then 5 s of margin before the kubelet's SIGKILL.
 */
export function gracePeriodSeconds(s: EnvSettings): number {
  return PRE_STOP_SECONDS + Math.ceil(drainBoundMs(s.app.feexpayRequestTimeoutMs) / 1000) + 5;
}

function apiContainer(s: EnvSettings): IContainer {
  return {
    ...withLogsVolume(baseContainer(s, API_COMPONENT, nodeCommand('build/server.js', ['./build/instrument.js'], [], API_NODE_FLAGS), s.resources), s, 'own'),
    ports: [
      { name: PORTS.http.name, containerPort: PORTS.http.port, protocol: 'TCP' },
      { name: PORTS.metrics.name, containerPort: PORTS.metrics.port, protocol: 'TCP' },
    ],
    startupProbe: probe('/health/live', 2, 30),
    livenessProbe: probe('/health/live', 10, 3),
    readinessProbe: probe('/health/ready', 5, 2),
    // Leaves time for endpoint removal to reach every proxy before the server stops accepting.
    lifecycle: { preStop: { sleep: { seconds: PRE_STOP_SECONDS } } },
  };
}

export function apiConfigMap(s: EnvSettings): ConfigMap {
  return new ConfigMap({ metadata: { name: NAMES.configMap }, data: appConfigData(s) });
}

export function apiServiceAccount(): ServiceAccount {
  return new ServiceAccount({ metadata: { name: NAMES.serviceAccount }, automountServiceAccountToken: false });
}

export function apiDeployment(s: EnvSettings): Deployment {
  const labels = selectorLabels(API_COMPONENT);
  const spread = (topologyKey: string, whenUnsatisfiable: 'DoNotSchedule' | 'ScheduleAnyway'): ITopologySpreadConstraint => ({
    maxSkew: 1,
    topologyKey,
    whenUnsatisfiable,
    labelSelector: { matchLabels: labels },
    matchLabelKeys: ['pod-template-hash'],
    // Nodes the pods cannot tolerate are not empty domains: without this a tainted node pool
    // makes DoNotSchedule leave scale-ups Pending.
    nodeTaintsPolicy: 'Honor',
  });
  return new Deployment({
    metadata: { name: NAMES.deployment, labels },
    spec: {
      // No replicas field: the HPA owns the count, and re-applying must not reset it.
      revisionHistoryLimit: 5,
      minReadySeconds: 5,
      // The schema wait can hold new pods while the migration Job runs.
      // Above what a release may take before its pods can serve (the migration Job's deadline, then
      // one more schema wait of the init container, and the pod's start): a long migration is not
      // reported as a failed rollout (ProgressDeadlineExceeded) while it is still running.
      progressDeadlineSeconds: MIGRATION_DEADLINE_SECONDS + SCHEMA_WAIT_SECONDS + 300,
      selector: { matchLabels: labels },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: MAX_SURGE } },
      template: {
        metadata: {
          labels,
          annotations: {
            'checksum/config': configChecksum(appConfigData(s)),
            // Which Secret keys the pods read: adding or dropping one rolls them. A value rotated
            // in the Secret needs `kubectl rollout restart` (docs/deploy.md).
            'checksum/secret-refs': configChecksum(secretEnv(undefined, s.redis ? ['REDIS_URL'] : [])),
            // `kubectl logs/exec` pick the API, not the init container.
            'kubectl.kubernetes.io/default-container': API_COMPONENT,
          },
        },
        spec: {
          ...basePodSpec(s, { logsVolume: true }),
          terminationGracePeriodSeconds: gracePeriodSeconds(s),
          topologySpreadConstraints: [spread('topology.kubernetes.io/zone', 'ScheduleAnyway'), spread('kubernetes.io/hostname', 'DoNotSchedule')],
          initContainers: [schemaWaitContainer(s)],
          containers: [apiContainer(s)],
        },
      },
    },
  });
}

export function apiService(): Service {
  return new Service({
    metadata: { name: NAMES.service, labels: selectorLabels(API_COMPONENT) },
    spec: {
      type: 'ClusterIP',
      selector: selectorLabels(API_COMPONENT),
      ports: [
        { name: PORTS.http.name, port: PORTS.http.port, targetPort: PORTS.http.name, protocol: 'TCP' },
        { name: PORTS.metrics.name, port: PORTS.metrics.port, targetPort: PORTS.metrics.name, protocol: 'TCP' },
      ],
    },
  });
}

export function apiAutoscaler(s: EnvSettings): HorizontalPodAutoscaler {
  return new HorizontalPodAutoscaler({
    metadata: { name: NAMES.hpa },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: NAMES.deployment },
      minReplicas: s.replicas.min,
      maxReplicas: s.replicas.max,
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: s.replicas.targetCpuPercent } } }],
      behavior: { scaleDown: { stabilizationWindowSeconds: 300 } },
    },
  });
}

export function apiDisruptionBudget(): PodDisruptionBudget {
  return new PodDisruptionBudget({
    metadata: { name: NAMES.pdb },
    spec: {
      maxUnavailable: 1,
      selector: { matchLabels: selectorLabels(API_COMPONENT) },
      // A pod that never became ready must not block a node drain.
      unhealthyPodEvictionPolicy: 'AlwaysAllow',
    },
  });
}
