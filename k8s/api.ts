/**
 * The API itself: Deployment (with the migration init container), Service, ServiceAccount,
 * ConfigMap, autoscaling, disruption budget and Ingress.
 */
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { Ingress } from 'kubernetes-models/networking.k8s.io/v1/Ingress';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { ITopologySpreadConstraint } from 'kubernetes-models/v1/TopologySpreadConstraint';
import { Service } from 'kubernetes-models/v1/Service';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import { appConfigData, configChecksum } from './app-config.ts';
import { NAMES, PORTS, selectorLabels } from './names.ts';
import { APP_SECRET_KEYS } from './secrets.ts';
import { baseContainer, nodeCommand, podSecurityContext, volumes } from './pod.ts';
import type { EnvSettings } from './settings.ts';

export const API_COMPONENT = 'api';

const probe = (path: string, periodSeconds: number, failureThreshold: number) => ({
  httpGet: { path, port: PORTS.http.name },
  periodSeconds,
  timeoutSeconds: 2,
  failureThreshold,
});

/**
 * Migrations run in an init container: every new pod migrates before it serves, and knex's
 * migration lock makes concurrent pods wait for the first. A Job would need ordering kubectl apply
 * cannot express, and a changed Job cannot be re-applied (its pod template is immutable).
 */
function migrateContainer(s: EnvSettings): IContainer {
  // Least privilege: the migration needs the database and nothing else.
  const keys = APP_SECRET_KEYS.filter((k) => k.key === 'DATABASE_URL');
  return baseContainer(s, 'migrate', nodeCommand('build/cli/migrate.js'), s.migrationResources, keys);
}

function apiContainer(s: EnvSettings): IContainer {
  return {
    ...baseContainer(s, API_COMPONENT, nodeCommand('build/server.js', ['./build/instrument.js']), s.resources),
    ports: [
      { name: PORTS.http.name, containerPort: PORTS.http.port, protocol: 'TCP' },
      { name: PORTS.metrics.name, containerPort: PORTS.metrics.port, protocol: 'TCP' },
    ],
    startupProbe: probe('/health/live', 2, 30),
    livenessProbe: probe('/health/live', 10, 3),
    readinessProbe: probe('/health/ready', 5, 2),
    // Leaves time for endpoint removal to reach every proxy before the server stops accepting.
    lifecycle: { preStop: { sleep: { seconds: 5 } } },
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
  });
  return new Deployment({
    metadata: { name: NAMES.deployment, labels },
    spec: {
      // No replicas field: the HPA owns the count, and re-applying must not reset it.
      revisionHistoryLimit: 5,
      minReadySeconds: 5,
      selector: { matchLabels: labels },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
      template: {
        metadata: {
          labels,
          annotations: {
            'checksum/config': configChecksum(appConfigData(s)),
            // `kubectl logs/exec` pick the API, not the migration init container.
            'kubectl.kubernetes.io/default-container': API_COMPONENT,
          },
        },
        spec: {
          serviceAccountName: NAMES.serviceAccount,
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          securityContext: podSecurityContext,
          terminationGracePeriodSeconds: 30,
          topologySpreadConstraints: [
            spread('topology.kubernetes.io/zone', 'ScheduleAnyway'),
            spread('kubernetes.io/hostname', 'DoNotSchedule'),
          ],
          initContainers: [migrateContainer(s)],
          containers: [apiContainer(s)],
          volumes: volumes(s),
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
      metrics: [
        { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: s.replicas.targetCpuPercent } } },
      ],
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

export function apiIngress(s: EnvSettings): Ingress {
  return new Ingress({
    metadata: { name: NAMES.ingress },
    spec: {
      ingressClassName: s.ingressClassName,
      tls: [{ hosts: [s.host], secretName: s.tlsSecretName }],
      rules: [
        {
          host: s.host,
          http: {
            paths: [
              { path: '/', pathType: 'Prefix', backend: { service: { name: NAMES.service, port: { name: PORTS.http.name } } } },
            ],
          },
        },
      ],
    },
  });
}
