/**
 * Per-environment deployment settings. Staging and production come from one code path and differ
 * only by the values below, so a review of this file shows every difference between them. A
 * cluster's own values (host, namespace, release label, image, gateway...) come from a settings
 * file or the environment at synth time (k8s/overrides.ts), not from editing this file.
 */
import { readFileSync } from 'node:fs';

export type EnvName = 'staging' | 'production';
export const ENV_NAMES: readonly EnvName[] = ['staging', 'production'];

export interface Resources {
  requests: { cpu: string; memory: string; 'ephemeral-storage': string };
  /**
   * CPU limits: none on the API (CFS throttling turns a burst into latency on payment calls; the
   * request reserves its share), a limit on run-to-completion Jobs, which can wait. Memory and
   * ephemeral storage are always capped.
   */
  limits: { cpu?: string; memory: string; 'ephemeral-storage': string };
}

export interface CronSettings {
  /** Off until the command exists in the image (src/cli/X.ts, built to build/cli/X.js); synth refuses a missing one. */
  enabled: boolean;
  schedule: string;
}

export interface GatewayRef {
  name: string;
  namespace: string;
  /** Listener of the Gateway to attach to; null: every listener that allows the route. */
  sectionName: string | null;
}

export interface EdgeSettings {
  /** The public host: the merchant API (/v1) only. */
  host: string;
  /** Gateway API HTTPRoute attached to this Gateway (the default entry point); null: none. */
  gateway: GatewayRef | null;
  /** An Ingress as well or instead (controllers without Gateway API); null: none. */
  ingress: { className: string } | null;
  /**
   * The TLS certificate Secret (Ingress TLS, or a Gateway listener through a ReferenceGrant).
   * With an issuer, a cert-manager Certificate makes it; without, it is made out of band.
   */
  tls: { secretName: string; issuer: { kind: 'ClusterIssuer' | 'Issuer'; name: string } | null };
  /** /admin and /docs on an internal Gateway and host; null: reachable only through the ClusterIP Service (port-forward). */
  internal: { host: string; gateway: GatewayRef } | null;
}

export interface AlertingSettings {
  /**
   * Matchers of the AlertmanagerConfig's top route: only this service's alerts (every rule carries
   * `service`), plus whatever tells this environment apart when several share one Alertmanager
   * (an external label such as cluster="prod-eu").
   */
  matchers: string[];
  /** The Secret holds SLACK_WEBHOOK_URL / SMTP_PASSWORD; a channel whose key is absent is left out. */
  slack: boolean;
  email: boolean;
  /**
   * The Secret holds HEARTBEAT_URL, the external dead man's switch's ping URL. Off: the heartbeat
   * still takes its own route, to a receiver that sends nothing (never to Slack or email), and
   * nothing outside the cluster notices a dead Prometheus or Alertmanager (synth warns).
   */
  heartbeat: boolean;
  /** This environment's own destinations; null keeps the ones alerts/ generates (production's). */
  destinations: { emailTo: string; slackChannel: string } | null;
}

export interface EnvSettings {
  env: EnvName;
  namespace: string;
  image: string;
  replicas: { min: number; max: number; targetCpuPercent: number };
  resources: Resources;
  jobResources: Resources;
  /** The Secret holds REDIS_URL: rate-limit counters shared by every replica (required then). */
  redis: boolean;
  database: {
    /** DATABASE_POOL_MAX of each API pod. */
    poolMax: number;
    /**
     * Connections this service may open to the server (or to PgBouncer): synth refuses settings
     * whose worst case (every HPA replica plus the surge pod, Jobs) exceeds it.
     */
    connectionBudget: number;
  };
  edge: EdgeSettings;
  /** Labels kube-prometheus-stack selects ServiceMonitors/PrometheusRules/AlertmanagerConfigs by. */
  prometheusSelectorLabels: Record<string, string>;
  /** Where the Prometheus pods run, so the NetworkPolicy lets only them reach the metrics port. */
  prometheusNamespace: string;
  prometheusPodLabels: Record<string, string>;
  /** Namespace the Grafana dashboard sidecar watches (kube-prometheus-stack: Grafana's own). */
  dashboardsNamespace: string;
  alerting: AlertingSettings;
  /** A PriorityClass the platform made (the pods are not evicted before batch work); null: none. */
  priorityClassName: string | null;
  app: {
    logLevel: string;
    sentryTracesSampleRate: string;
    alertEmailFrom: string;
    alertEmailTo: string;
    feexpayBaseUrl: string;
    /** FEEXPAY_REQUEST_TIMEOUT_MS: a create can hold a request this long; shutdown waits for it. */
    feexpayRequestTimeoutMs: number;
  };
  cron: { weeklyReport: CronSettings; logArchive: CronSettings };
  /**
   * A ReadWriteMany volume for file logs (LOG_DIR), shared by the API pods and the log-archive
   * CronJob. Without it the service logs to stdout only (the cluster's log pipeline keeps them).
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

const packageVersion = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  }
).version;

/** The default image names no real registry: synth refuses it for production. */
export const PLACEHOLDER_REGISTRY = 'registry.example.com/';
const REGISTRY_IMAGE = `${PLACEHOLDER_REGISTRY}feexpay-gateway`;

type Varying = 'replicas' | 'resources' | 'app' | 'namespace' | 'database' | 'edge' | 'alerting';

function base(env: EnvName): Omit<EnvSettings, Varying> {
  return {
    env,
    image: `${REGISTRY_IMAGE}:${packageVersion}`,
    jobResources: {
      requests: { cpu: '50m', memory: '192Mi', 'ephemeral-storage': '64Mi' },
      limits: { cpu: '500m', memory: '512Mi', 'ephemeral-storage': '512Mi' },
    },
    redis: true,
    prometheusSelectorLabels: { release: 'kube-prometheus-stack' },
    prometheusNamespace: 'monitoring',
    prometheusPodLabels: { 'app.kubernetes.io/name': 'prometheus' },
    dashboardsNamespace: 'monitoring',
    priorityClassName: null,
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

const publicGateway: GatewayRef = { name: 'public', namespace: 'gateway-system', sectionName: 'https' };
const serviceMatcher = 'service="feexpay-gateway"';

const SETTINGS: Record<EnvName, EnvSettings> = {
  staging: {
    ...base('staging'),
    namespace: 'feexpay-staging',
    replicas: { min: 2, max: 4, targetCpuPercent: 70 },
    // Memory requests and limits were set while every container ran through tsx; compiled, the
    // API's RSS under load measured 169-170 MB instead of 248-252 MB. Kept until measured in the
    // cluster: the limits leave headroom either way. Ephemeral storage: /tmp (256 MiB at most)
    // and the container's stdout log files, which the kubelet counts against the pod.
    resources: {
      requests: { cpu: '100m', memory: '256Mi', 'ephemeral-storage': '128Mi' },
      limits: { memory: '512Mi', 'ephemeral-storage': '1Gi' },
    },
    database: { poolMax: 5, connectionBudget: 40 },
    edge: {
      host: 'pay.staging.example.com',
      gateway: publicGateway,
      ingress: null,
      tls: { secretName: 'feexpay-gateway-tls', issuer: null },
      internal: null,
    },
    alerting: {
      matchers: [serviceMatcher],
      slack: true,
      email: false,
      // Off until the Secret holds HEARTBEAT_URL: the operator rejects a config naming an absent key.
      heartbeat: false,
      // Staging never pages production's on-call.
      destinations: { emailTo: 'payments-staging@example.com', slackChannel: '#feexpay-staging-alerts' },
    },
    app: {
      logLevel: 'debug',
      sentryTracesSampleRate: '1.0',
      alertEmailFrom: 'alerts-staging@example.com',
      alertEmailTo: 'payments-staging@example.com',
      feexpayBaseUrl: 'https://api-v2.feexpay.me',
      feexpayRequestTimeoutMs: 30_000,
    },
  },
  production: {
    ...base('production'),
    namespace: 'feexpay',
    replicas: { min: 3, max: 10, targetCpuPercent: 65 },
    resources: {
      requests: { cpu: '250m', memory: '384Mi', 'ephemeral-storage': '128Mi' },
      limits: { memory: '768Mi', 'ephemeral-storage': '1Gi' },
    },
    // (10 replicas + 1 surge) x 7 + Jobs stays under 90: PostgreSQL's default max_connections is
    // 100, less superuser_reserved_connections, the exporter and a human with psql.
    database: { poolMax: 7, connectionBudget: 90 },
    edge: {
      host: 'pay.example.com',
      gateway: publicGateway,
      ingress: null,
      tls: { secretName: 'feexpay-gateway-tls', issuer: null },
      internal: null,
    },
    // heartbeat: set true once the Secret holds HEARTBEAT_URL (docs/deploy.md, "Dead man's switch").
    alerting: { matchers: [serviceMatcher], slack: true, email: true, heartbeat: false, destinations: null },
    app: {
      logLevel: 'info',
      sentryTracesSampleRate: '0.1',
      alertEmailFrom: 'alerts@example.com',
      alertEmailTo: 'payments-oncall@example.com',
      feexpayBaseUrl: 'https://api-v2.feexpay.me',
      feexpayRequestTimeoutMs: 30_000,
    },
  },
};

export function isEnvName(value: string): value is EnvName {
  return (ENV_NAMES as readonly string[]).includes(value);
}

/** The settings of one environment as shipped (k8s/overrides.ts applies a cluster's values). */
export function envSettings(env: EnvName, overrides: { image?: string } = {}): EnvSettings {
  const s = structuredClone(SETTINGS[env]);
  if (overrides.image) s.image = overrides.image;
  return s;
}
