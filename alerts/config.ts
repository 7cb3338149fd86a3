/**
 * Every knob of the alerting rules and their routing, in one typed object. A team tunes
 * thresholds, windows, `for` durations and severities here; rule code and the generated promtool
 * tests read from it, so a change here moves the rule and its tests together.
 */

import type { AlertKnobs, BurnWindow, Duration, FeexPayRatioKnobs, RatioKnobs, Severity } from './knobs.ts';

export type { AlertKnobs, BurnWindow, Duration, FeexPayRatioKnobs, RatioKnobs, RuleSeverity, Severity } from './knobs.ts';
export { durationSeconds, HEARTBEAT_SEVERITY } from './knobs.ts';

/**
 * Prometheus `job` label of each exporter the rules and dashboards read. The defaults are what
 * kube-prometheus-stack and the prometheus-community exporter charts produce when released under
 * their chart names; a cluster that names them otherwise sets EXPORTER_JOB_* at synth time.
 */
export interface ExporterJobs {
  postgres: string;
  redis: string;
  node: string;
  kubeStateMetrics: string;
  kubelet: string;
}

/** Exporters some alert rule reads: each gets an absent() alert, so a missing target is not silence. */
export const EXPORTERS_RULES_READ = ['postgres', 'redis', 'node', 'kubelet', 'kubeStateMetrics'] as const satisfies readonly (keyof ExporterJobs)[];

/**
 * Exporters that exist only in Kubernetes: their absence alerts only where the gateway's own
 * targets carry a `namespace` label (the Prometheus Operator's ServiceMonitor adds it; compose's
 * static scrape does not), or the local stack would warn about the kubelet for ever.
 */
export const KUBERNETES_ONLY_EXPORTERS: readonly (typeof EXPORTERS_RULES_READ)[number][] = ['kubelet', 'kubeStateMetrics'];

/**
 * Where people open things from a notification. Prometheus and Alertmanager must be started with
 * `--web.external-url` set to the same values (docker-compose does; docs/deploy.md for Kubernetes),
 * or their own links name the container's hostname.
 */
export interface ExternalUrls {
  prometheus: string;
  alertmanager: string;
  /** Grafana's root: dashboards are `${grafana}/d/<uid>`. */
  grafana: string;
}

export interface MonitoringConfig {
  /** Prometheus `job` label of the service's scrape target (a fixed Service name in Kubernetes). */
  job: string;
  /** Static label every alert carries, used by Alertmanager routing and inhibition. */
  service: string;
  /** Where runbooks are browsed: `${runbookBaseUrl}/<AlertName>.md`. */
  runbookBaseUrl: string;
  externalUrls: ExternalUrls;
  exporterJobs: ExporterJobs;
  payments: {
    successRate: RatioKnobs;
    networkSuccessRate: RatioKnobs;
    /** The oldest pending payment older than this means settlement stopped (the reconciler expires at the deadline). */
    stuckPending: AlertKnobs & { maxAgeSeconds: number };
    /** A review item (payment whose outcome is not established) waiting longer than this. */
    reviewWaiting: AlertKnobs & { maxAgeSeconds: number };
    /** FeexPay reports money on a payment the merchant saw closed (late success, contradiction). */
    moneyAtRisk: AlertKnobs;
  };
  payouts: {
    /** Share of payouts leaving pending as failed or needs_review, with a volume guard. */
    failureRatio: RatioKnobs;
    /** A payout pending longer than this: FeexPay has not said whether the money left. */
    stuckPending: AlertKnobs & { maxAgeSeconds: number };
    /** Payouts refused by the daily cap over an hour: a merchant at its limit, or a runaway script or stolen key. */
    capHits: AlertKnobs & { maxPerHour: number };
  };
  feexpay: {
    /** minRatePerSecond: calls per second per operation below which a p95 is too few samples to page on. */
    latencyP95: AlertKnobs & { thresholdSeconds: number; window: Duration; minRatePerSecond: number };
    /** Share of calls per operation FeexPay answered with a 5xx, a broken connection or an unreadable body. */
    errorRatio: FeexPayRatioKnobs;
    /** Share of calls per operation that hit the client timeout (FeexPay hanging). */
    timeoutRatio: FeexPayRatioKnobs;
    /** Deliveries we failed to handle (`error`): our fault or FeexPay's payload, never a stranger's. */
    webhookErrors: AlertKnobs & { maxPerHour: number; /** Values of the catalog's `result` label that count as failures. */ results: readonly string[] };
    /** Deliveries refused for a wrong token (`rejected`): anyone on the internet can send them. */
    webhookRejections: AlertKnobs & { maxPerHour: number };
    /** Every delivery of the last hour refused (at least minRejected of them), none accepted. */
    webhooksAllRejected: AlertKnobs & { minRejected: number };
    reconcilerWait: AlertKnobs & { thresholdSeconds: number };
    /** Reconciler passes failing with none succeeding over `window`, on every instance together. */
    reconcilerFailing: AlertKnobs & { window: Duration };
    /** maxFailures: payments per network failed with "Network Unavailable" within `window` before paging. */
    operatorUnavailable: AlertKnobs & { window: Duration; maxFailures: number };
  };
  api: {
    /** Availability objective over 30 days (fraction of requests answered without 5xx). */
    availabilityObjective: number;
    burnWindows: readonly BurnWindow[];
    /** Requests per second below which burn-rate alerts stay quiet. */
    burnMinRatePerSecond: number;
    serverErrorSurge: RatioKnobs;
    /** The line on the API p95 panels. Not an alert: FeexPay's latency, not ours, dominates checkout. */
    latencyP95Seconds: number;
  };
  health: {
    down: AlertKnobs;
    absent: AlertKnobs;
    /** The Deployment wants replicas and has none available (Kubernetes, kube-state-metrics). */
    noReplicaAvailable: AlertKnobs;
    restarts: AlertKnobs & { maxRestarts: number; window: Duration };
    exporterDown: AlertKnobs;
    exporterAbsent: AlertKnobs;
  };
  infra: {
    redisMemory: AlertKnobs & { threshold: number };
    logDisk: AlertKnobs & { threshold: number };
    volumeDisk: AlertKnobs & { threshold: number; claimPattern: string };
    postgresDown: AlertKnobs;
    postgresConnections: AlertKnobs & { threshold: number };
    redisDown: AlertKnobs;
    /** maxmemory 0 (unset): the memory alert has no ceiling to compare against and Redis can grow until the node kills it. */
    redisMaxmemoryUnset: AlertKnobs;
  };
  merchantEvents: {
    /** Oldest event waiting for a healthy (not failing) endpoint: the delivery worker is behind. */
    backlog: AlertKnobs & { thresholdSeconds: number };
    /** Share of endpoints failing at once: past it the cause is ours (egress, DNS), not theirs. */
    failingEndpoints: AlertKnobs & { threshold: number; minEndpoints: number };
  };
  alertmanager: AlertmanagerSettings;
}

export interface AlertmanagerSettings {
  /** Secrets are read from these paths at run time; the repository never holds their contents. */
  slackApiUrlFile: string;
  smtpPasswordFile: string;
  /** The external dead man's switch's ping URL (healthchecks.io, Dead Man's Snitch, a Better Stack heartbeat: a bare URL). */
  heartbeatUrlFile: string;
  slackChannelCritical: string;
  slackChannelWarning: string;
  emailTo: string;
  emailFrom: string;
  smarthost: string;
  smtpUsername: string;
  groupWait: Duration;
  groupInterval: Duration;
  repeatIntervalCritical: Duration;
  repeatIntervalWarning: Duration;
  /** How often the heartbeat pings: a send at every group interval, repeat just under it (see alertmanager.ts). */
  heartbeatGroupInterval: Duration;
  heartbeatRepeatInterval: Duration;
}

/** The floor set by the original guide, with windows and `for` durations chosen for paging sanity. */
export const monitoringConfig: MonitoringConfig = {
  job: 'feexpay-gateway',
  service: 'feexpay-gateway',
  runbookBaseUrl: process.env.RUNBOOK_BASE_URL ?? 'https://github.com/feexpay-gateway/feexpay-gateway/blob/main/alerts/runbooks',
  externalUrls: {
    prometheus: process.env.PROMETHEUS_EXTERNAL_URL ?? 'http://localhost:9090',
    alertmanager: process.env.ALERTMANAGER_EXTERNAL_URL ?? 'http://localhost:9093',
    grafana: process.env.GRAFANA_BASE_URL ?? 'http://localhost:3001',
  },
  exporterJobs: {
    postgres: process.env.EXPORTER_JOB_POSTGRES ?? 'prometheus-postgres-exporter',
    redis: process.env.EXPORTER_JOB_REDIS ?? 'prometheus-redis-exporter',
    node: process.env.EXPORTER_JOB_NODE ?? 'node-exporter',
    kubeStateMetrics: process.env.EXPORTER_JOB_KUBE_STATE_METRICS ?? 'kube-state-metrics',
    kubelet: process.env.EXPORTER_JOB_KUBELET ?? 'kubelet',
  },
  payments: {
    successRate: {
      severity: 'critical',
      threshold: 0.9,
      window: '30m',
      for: '10m',
      // 0.01/s is 18 finished payments in 30 minutes: below that one failure swings the ratio.
      minRatePerSecond: 0.01,
    },
    networkSuccessRate: {
      severity: 'warning',
      threshold: 0.9,
      window: '30m',
      for: '15m',
      minRatePerSecond: 0.01,
    },
    // The reconciler expires anything pending past the 1 h deadline (PAYMENT_DEADLINE), so a
    // payment pending for 75 minutes means the reconciler missed its deadline by a quarter hour.
    // The gauge comes from the database, so a restart or a new replica reports it at once.
    stuckPending: { severity: 'critical', maxAgeSeconds: 75 * 60, for: '5m' },
    // An operator's working day: a review item waiting longer than 4 h is forgotten, not queued.
    reviewWaiting: { severity: 'warning', maxAgeSeconds: 4 * 3600, for: '5m' },
    // Every one pages: the customer paid for something the merchant was told did not happen.
    moneyAtRisk: { severity: 'critical', for: '0m' },
  },
  payouts: {
    // Payouts are fewer than payments: 0.005/s is 9 payouts in 30 minutes, below which one
    // refused number would swing the ratio.
    failureRatio: { severity: 'warning', threshold: 0.2, window: '30m', for: '10m', minRatePerSecond: 0.005 },
    // FeexPay's payouts usually settle in minutes; an hour pending means the money's fate is open.
    stuckPending: { severity: 'warning', maxAgeSeconds: 3600, for: '5m' },
    // Any refusal is worth a look the same hour: the merchant's payouts stop until tomorrow.
    capHits: { severity: 'warning', maxPerHour: 0, for: '0m' },
  },
  feexpay: {
    // 5 is a bucket boundary of feexpay_api_request_duration_seconds, so p95 > 5 is exact.
    latencyP95: { severity: 'warning', thresholdSeconds: 5, window: '5m', for: '10m', minRatePerSecond: 0.02 },
    // FeexPay normally answers nearly every call: a quarter of calls failing over 5 minutes is an
    // outage, not noise. 5m window + 5m for pages about 6-7 minutes after FeexPay starts failing
    // (the window crosses 25% after 1.25 minutes of total failure). 0.05 calls/s is 15 calls in
    // 5 minutes: below that a quiet night's two failed calls would be "100%".
    // The slow path: half of at least 10 calls in 30 minutes (a quiet night's couple of failures
    // stays silent; FeexPay down at 2 calls a minute pages in about 10 minutes).
    errorRatio: { severity: 'critical', threshold: 0.25, window: '5m', for: '5m', minRatePerSecond: 0.05, sustained: { window: '30m', threshold: 0.5, minCalls: 10 } },
    // A hung call is counted when its timeout ends it, so the ratio trails the hang by one timeout.
    timeoutRatio: { severity: 'critical', threshold: 0.25, window: '5m', for: '5m', minRatePerSecond: 0.05, sustained: { window: '30m', threshold: 0.5, minCalls: 10 } },
    webhookErrors: { severity: 'warning', maxPerHour: 5, results: ['error'], for: '5m' },
    // Wrong-token deliveries are probes or a rotated secret: worth a look in chat, never a page.
    webhookRejections: { severity: 'info', maxPerHour: 30, for: '15m' },
    // Probes come beside FeexPay's deliveries; FeexPay's own refused (a token rotated on one side,
    // a callback URL changed) leave only refusals: settlement falls back to polling, which someone
    // must hear about. Three in an hour, none accepted, is no single stray probe.
    webhooksAllRejected: { severity: 'warning', minRejected: 3, for: '15m' },
    reconcilerWait: { severity: 'warning', thresholdSeconds: 60, for: '5m' },
    // A pass that fails also leaves the backlog gauges at their last value, so the lag, stuck and
    // review alerts that read them go quiet: the failures themselves must page. Passes run every
    // few seconds; 15 minutes without one success is no blip.
    reconcilerFailing: { severity: 'critical', window: '15m', for: '5m' },
    // A few refusals are a blip; more within 15 minutes is an operator down for everyone.
    operatorUnavailable: { severity: 'warning', window: '15m', maxFailures: 3, for: '5m' },
  },
  api: {
    availabilityObjective: 0.99,
    burnWindows: [
      { severity: 'critical', long: '1h', short: '5m', factor: 14.4, for: '2m' },
      { severity: 'critical', long: '6h', short: '30m', factor: 6, for: '15m' },
      { severity: 'warning', long: '1d', short: '2h', factor: 3, for: '1h' },
      { severity: 'warning', long: '3d', short: '6h', factor: 1, for: '3h' },
    ],
    burnMinRatePerSecond: 0.05,
    serverErrorSurge: {
      severity: 'warning',
      threshold: 0.05,
      window: '5m',
      for: '5m',
      minRatePerSecond: 0.1,
    },
    // 0.25 s is a bucket bound; the benchmark's p99 target is 0.05 s (docs/benchmarks.md).
    latencyP95Seconds: 0.25,
  },
  health: {
    down: { severity: 'critical', for: '2m' },
    absent: { severity: 'critical', for: '5m' },
    // Every pod unready (load shedding, a failing dependency check) still answers /metrics on
    // its own port, so `up` stays 1: only the Deployment's status says nobody can be reached.
    noReplicaAvailable: { severity: 'critical', for: '2m' },
    restarts: { severity: 'warning', maxRestarts: 3, window: '30m', for: '1m' },
    exporterDown: { severity: 'warning', for: '5m' },
    exporterAbsent: { severity: 'warning', for: '15m' },
  },
  infra: {
    redisMemory: { severity: 'warning', threshold: 0.8, for: '10m' },
    logDisk: { severity: 'warning', threshold: 0.9, for: '10m' },
    // Only the claims of this service: a shared cluster has other teams' volumes.
    volumeDisk: { severity: 'warning', threshold: 0.9, claimPattern: 'feexpay-.*', for: '10m' },
    postgresDown: { severity: 'critical', for: '2m' },
    postgresConnections: { severity: 'warning', threshold: 0.8, for: '10m' },
    redisDown: { severity: 'critical', for: '2m' },
    redisMaxmemoryUnset: { severity: 'warning', for: '1h' },
  },
  merchantEvents: {
    // A first attempt normally leaves within a second; 15 minutes late is a stalled worker.
    backlog: { severity: 'critical', thresholdSeconds: 900, for: '5m' },
    // One merchant's endpoint down is the merchant's; half of them at once is not a coincidence.
    failingEndpoints: { severity: 'warning', threshold: 0.5, minEndpoints: 5, for: '30m' },
  },
  alertmanager: {
    slackApiUrlFile: '/etc/alertmanager/secrets/slack-api-url',
    smtpPasswordFile: '/etc/alertmanager/secrets/smtp-password',
    heartbeatUrlFile: '/etc/alertmanager/secrets/heartbeat-url',
    slackChannelCritical: '#feexpay-alerts-critical',
    slackChannelWarning: '#feexpay-alerts',
    emailTo: 'oncall@example.com',
    emailFrom: 'alertmanager@example.com',
    smarthost: 'smtp.example.com:587',
    smtpUsername: 'alertmanager@example.com',
    groupWait: '30s',
    groupInterval: '5m',
    repeatIntervalCritical: '1h',
    repeatIntervalWarning: '4h',
    // A ping a minute: the external service's period is 1 minute, its grace covers the 4 minutes
    // Alertmanager goes on re-sending after Prometheus's last evaluation (docs/deploy.md).
    heartbeatGroupInterval: '1m',
    heartbeatRepeatInterval: '50s',
  },
};
