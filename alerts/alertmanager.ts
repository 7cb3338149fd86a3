/**
 * Alertmanager routing: critical pages by email and Slack, warnings go to Slack, info is kept in
 * the UI only, and the heartbeat pings the external dead man's switch and nothing else. Secrets
 * are file paths resolved by Alertmanager at run time, never values.
 */
import { HEARTBEAT_SEVERITY, monitoringConfig, type MonitoringConfig } from './config.ts';
import { HEARTBEAT_ALERT } from './rules/heartbeat.ts';
import { toYaml } from './yaml.ts';

export const RECEIVERS = {
  criticalEmail: 'oncall-email',
  criticalSlack: 'slack-critical',
  warningSlack: 'slack-warning',
  none: 'null',
  heartbeat: 'heartbeat',
} as const;

/** Exactly the heartbeat: its name and its own severity, which no other rule can carry. */
const HEARTBEAT_MATCHERS = [`alertname="${HEARTBEAT_ALERT}"`, `severity="${HEARTBEAT_SEVERITY}"`];

/**
 * The heartbeat's route, first and final (continue: false): it never reaches Slack or email and is
 * grouped with nothing else. Group wait 0s pings as soon as Alertmanager (re)starts. Alertmanager
 * re-sends only at a group interval tick, and only if the last send is older than the repeat
 * interval; a repeat equal to the interval would skip every other tick (the last send is logged
 * a little after its tick), so it is set just under it and the cadence is the group interval.
 */
function heartbeatRoute(cfg: MonitoringConfig) {
  const am = cfg.alertmanager;
  return {
    receiver: RECEIVERS.heartbeat,
    matchers: HEARTBEAT_MATCHERS,
    group_wait: '0s',
    group_interval: am.heartbeatGroupInterval,
    repeat_interval: am.heartbeatRepeatInterval,
    continue: false,
  };
}

/**
 * A muted heartbeat would have the external service page for a pipeline that works, while the
 * real page is the alert that muted it: every inhibition's targets exclude it, whatever rule is
 * added below later.
 */
const NEVER_MUTED = `severity!="${HEARTBEAT_SEVERITY}"`;

/**
 * Slack message of one notification group. Firing and resolved alerts are listed apart, firing
 * first: a page must never lead with an alert that already cleared. Each firing alert shows what
 * was measured beside the threshold it crossed, and links to its runbook, its dashboard, the
 * alert in Prometheus and a pre-filled silence, all on the configured external URLs.
 */
export function slackTitle(): string {
  return '{{ if eq .Status "firing" }}[FIRING:{{ .Alerts.Firing | len }}]{{ else }}[RESOLVED]{{ end }} {{ .CommonLabels.alertname }}';
}

export function slackText(cfg: MonitoringConfig): string {
  const u = cfg.externalUrls;
  const silence = `${u.alertmanager}/#/silences/new?filter=%7Balertname%3D%22{{ .Labels.alertname }}%22%7D`;
  const prometheus = `${u.prometheus}/alerts?search={{ .Labels.alertname }}`;
  return [
    '{{ if .Alerts.Firing }}*Firing ({{ .Alerts.Firing | len }})*\n',
    '{{ range .Alerts.Firing }}:red_circle: *{{ .Annotations.summary }}*\n{{ .Annotations.description }}\n',
    '{{ if .Annotations.threshold }}Measured: *{{ .Annotations.value }}* (threshold {{ .Annotations.threshold }})\n{{ end }}',
    `<{{ .Annotations.runbook_url }}|Runbook> · <{{ .Annotations.dashboard_url }}|Dashboard> · <${prometheus}|Prometheus> · <${silence}|Silence>\n`,
    '{{ end }}{{ end }}',
    '{{ if .Alerts.Resolved }}*Resolved ({{ .Alerts.Resolved | len }})*\n',
    '{{ range .Alerts.Resolved }}:large_green_circle: {{ .Annotations.summary }} (since {{ .EndsAt.UTC.Format "15:04 UTC" }})\n{{ end }}',
    '{{ end }}',
  ].join('');
}

function slack(cfg: MonitoringConfig, channel: string) {
  return {
    channel,
    send_resolved: true,
    title: slackTitle(),
    title_link: `${cfg.externalUrls.alertmanager}/#/alerts`,
    color: '{{ if eq .Status "firing" }}danger{{ else }}good{{ end }}',
    text: slackText(cfg),
  };
}

/**
 * Symptoms a service that is gone explains; paging for them too would only add noise. Only the
 * absence of every target is such a cause: FeexPayGatewayDown fires per instance, and one replica
 * down explains nothing about the others (it muted FeexPay outages and money-at-risk pages while
 * a single pod was wedged). With every instance down the symptoms' own series stop and go stale.
 */
const SYMPTOM_COMPONENTS = ['api', 'feexpay', 'payments'];
const CAUSES = ['FeexPayGatewayAbsent'];

interface InhibitRule {
  source_matchers: string[];
  target_matchers: string[];
  equal: string[];
}

function inhibitRules(): InhibitRule[] {
  return [
    {
      source_matchers: [`alertname=~"${CAUSES.join('|')}"`],
      target_matchers: [`component=~"${SYMPTOM_COMPONENTS.join('|')}"`],
      equal: ['service', 'namespace'],
    },
    { source_matchers: ['alertname="FeexPayRedisDown"'], target_matchers: ['alertname="FeexPayRedisMemoryHigh"'], equal: ['instance'] },
    { source_matchers: ['alertname="FeexPayPostgresDown"'], target_matchers: ['alertname="FeexPayPostgresConnectionsHigh"'], equal: ['instance'] },
    // One 5xx incident, two alerts: the page-level burn already says it, the surge would repeat it.
    {
      source_matchers: ['alertname="FeexPayGatewayErrorBudgetBurn"', 'severity="critical"'],
      target_matchers: ['alertname="FeexPayGatewayServerErrorSurge"'],
      equal: ['service', 'namespace'],
    },
    // The same alert at two severities (burn-rate windows): the page makes the ticket redundant.
    { source_matchers: ['severity="critical"'], target_matchers: ['severity="warning"'], equal: ['alertname', 'service', 'namespace'] },
  ];
}

export function buildAlertmanagerConfig(cfg: MonitoringConfig = monitoringConfig): Record<string, unknown> {
  const am = cfg.alertmanager;
  return {
    global: {
      resolve_timeout: '5m',
      smtp_smarthost: am.smarthost,
      smtp_from: am.emailFrom,
      smtp_auth_username: am.smtpUsername,
      smtp_require_tls: true,
      slack_api_url_file: am.slackApiUrlFile,
    },
    route: {
      receiver: RECEIVERS.warningSlack,
      group_by: ['alertname', 'service', 'namespace'],
      group_wait: am.groupWait,
      group_interval: am.groupInterval,
      repeat_interval: am.repeatIntervalWarning,
      routes: [
        heartbeatRoute(cfg),
        // continue: the same critical alert also reaches the Slack route below.
        { receiver: RECEIVERS.criticalEmail, matchers: ['severity="critical"'], repeat_interval: am.repeatIntervalCritical, continue: true },
        { receiver: RECEIVERS.criticalSlack, matchers: ['severity="critical"'], repeat_interval: am.repeatIntervalCritical },
        { receiver: RECEIVERS.warningSlack, matchers: ['severity="warning"'] },
        { receiver: RECEIVERS.none, matchers: ['severity="info"'] },
      ],
    },
    inhibit_rules: inhibitRules().map((r) => ({ ...r, target_matchers: [...r.target_matchers, NEVER_MUTED] })),
    receivers: [
      {
        name: RECEIVERS.criticalEmail,
        email_configs: [
          {
            to: am.emailTo,
            send_resolved: true,
            auth_password_file: am.smtpPasswordFile,
            headers: { Subject: `${slackTitle()} ({{ .CommonLabels.service }})` },
            // Plain text with the same content and links as Slack; Alertmanager's HTML part links
            // through --web.external-url, which docker-compose and docs/deploy.md set to the same URL.
            text: slackText(cfg)
              .replace(/<([^|>]+)\|([^>]+)>/g, '$2: $1')
              .replace(/:[a-z_]+: /g, '')
              .replace(/\*/g, ''),
          },
        ],
      },
      { name: RECEIVERS.criticalSlack, slack_configs: [slack(cfg, am.slackChannelCritical)] },
      { name: RECEIVERS.warningSlack, slack_configs: [slack(cfg, am.slackChannelWarning)] },
      { name: RECEIVERS.none },
      {
        name: RECEIVERS.heartbeat,
        // No resolved message: when Prometheus dies the alert resolves, and any request to a
        // heartbeat URL counts as a ping, so a resolved one would look like the pipeline alive.
        webhook_configs: [{ url_file: am.heartbeatUrlFile, send_resolved: false }],
      },
    ],
  };
}

export function buildAlertmanagerYaml(cfg: MonitoringConfig = monitoringConfig): string {
  return toYaml(buildAlertmanagerConfig(cfg));
}
