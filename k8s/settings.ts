/**
 * Per-environment deployment settings. Staging and production come from one code path and differ
 * only by the values below, so a review of this file shows every difference between them.
 */
import { readFileSync } from 'node:fs';

export type EnvName = 'staging' | 'production';
export const ENV_NAMES: readonly EnvName[] = ['staging', 'production'];

export interface Resources {
  requests: { cpu: string; memory: string };
  limits: { cpu?: string; memory: string };
}

export interface CronSettings {
  /** Off until the command exists in the image (src/cli/X.ts, built to build/cli/X.js); synth refuses a missing one. */
  enabled: boolean;
  schedule: string;
}

export interface EnvSettings {
  env: EnvName;
  namespace: string;
  image: string;
  replicas: { min: number; max: number; targetCpuPercent: number };
  resources: Resources;
  migrationResources: Resources;
  host: string;
  ingressClassName: string;
  /** TLS certificate Secret for the Ingress, made by cert-manager or by hand; never synthesized. */
  tlsSecretName: string;
  /** Labels kube-prometheus-stack selects ServiceMonitors/PrometheusRules/AlertmanagerConfigs by. */
  prometheusSelectorLabels: Record<string, string>;
  /** Where the Prometheus pods run, so the NetworkPolicy lets only them reach the metrics port. */
  prometheusNamespace: string;
  prometheusPodLabels: Record<string, string>;
  /** Namespace the Grafana dashboard sidecar watches (kube-prometheus-stack: Grafana's own). */
  dashboardsNamespace: string;
  app: {
    logLevel: string;
    sentryTracesSampleRate: string;
    databasePoolMax: number;
    alertEmailFrom: string;
    alertEmailTo: string;
    feexpayBaseUrl: string;
  };
  cron: { weeklyReport: CronSettings; logArchive: CronSettings };
  /**
   * A ReadWriteMany volume for LOG_DIR, shared by the API pods and the log-archive CronJob. Without
   * it file logs live in a per-pod emptyDir (stdout stays the log of record) and there is nothing
   * for a CronJob to archive.
   */
  logsVolume: LogsVolume | null;
  /** In-cluster addresses the operator views and the weekly report query. */
  monitoringUrls: { prometheus: string; alertmanager: string };
}

export interface LogsVolume {
  claimName: string;
  /** A class that offers ReadWriteMany (NFS, EFS, Filestore, Azure Files...). */
  storageClassName: string;
  size: string;
}

const packageVersion = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  version: string;
}).version;

const REGISTRY_IMAGE = 'registry.example.com/feexpay-gateway';

function base(env: EnvName): Omit<EnvSettings, 'replicas' | 'resources' | 'host' | 'app' | 'namespace'> {
  return {
    env,
    image: `${REGISTRY_IMAGE}:${packageVersion}`,
    migrationResources: { requests: { cpu: '50m', memory: '192Mi' }, limits: { memory: '384Mi' } },
    ingressClassName: 'nginx',
    tlsSecretName: 'feexpay-gateway-tls',
    prometheusSelectorLabels: { release: 'kube-prometheus-stack' },
    prometheusNamespace: 'monitoring',
    prometheusPodLabels: { 'app.kubernetes.io/name': 'prometheus' },
    dashboardsNamespace: 'monitoring',
    cron: {
      weeklyReport: { enabled: false, schedule: '0 7 * * 1' },
      logArchive: { enabled: false, schedule: '30 2 * * *' },
    },
    logsVolume: null,
    // kube-prometheus-stack's Services for a Helm release named kube-prometheus-stack.
    monitoringUrls: {
      prometheus: 'http://kube-prometheus-stack-prometheus.monitoring.svc:9090',
      alertmanager: 'http://kube-prometheus-stack-alertmanager.monitoring.svc:9093',
    },
  };
}

const SETTINGS: Record<EnvName, EnvSettings> = {
  staging: {
    ...base('staging'),
    namespace: 'feexpay-staging',
    replicas: { min: 2, max: 4, targetCpuPercent: 70 },
    // No CPU limit: CFS throttling hurts latency more than a noisy neighbour; memory is capped.
    // Memory requests and limits here, in base() and cronjobs.ts were set while every container ran
    // through tsx; compiled, the API's RSS under load measured 169-170 MB instead of 248-252 MB
    // (commit 0505fcb). Kept until measured in the cluster: the limits leave headroom either way.
    resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '512Mi' } },
    host: 'pay.staging.example.com',
    app: {
      logLevel: 'debug',
      sentryTracesSampleRate: '1.0',
      databasePoolMax: 5,
      alertEmailFrom: 'alerts-staging@example.com',
      alertEmailTo: 'payments-oncall@example.com',
      feexpayBaseUrl: 'https://api-v2.feexpay.me',
    },
  },
  production: {
    ...base('production'),
    namespace: 'feexpay',
    replicas: { min: 3, max: 10, targetCpuPercent: 65 },
    resources: { requests: { cpu: '250m', memory: '384Mi' }, limits: { memory: '768Mi' } },
    host: 'pay.example.com',
    app: {
      logLevel: 'info',
      sentryTracesSampleRate: '0.1',
      databasePoolMax: 10,
      alertEmailFrom: 'alerts@example.com',
      alertEmailTo: 'payments-oncall@example.com',
      feexpayBaseUrl: 'https://api-v2.feexpay.me',
    },
  },
};

export function isEnvName(value: string): value is EnvName {
  return (ENV_NAMES as readonly string[]).includes(value);
}

/** The settings of one environment; `image` may be overridden (CI passes the built digest). */
export function envSettings(env: EnvName, overrides: { image?: string } = {}): EnvSettings {
  const s = structuredClone(SETTINGS[env]);
  if (overrides.image) s.image = overrides.image;
  return s;
}
