/**
 * Alertmanager routing: critical pages by email and Slack, warnings go to Slack, info is kept in
 * the UI only. Secrets are file paths resolved by Alertmanager at run time, never values.
 */
import { monitoringConfig, type MonitoringConfig } from './config.ts';
import { toYaml } from './yaml.ts';

export const RECEIVERS = {
  criticalEmail: 'oncall-email',
  criticalSlack: 'slack-critical',
  warningSlack: 'slack-warning',
  none: 'null',
} as const;

const SLACK_TITLE = '[{{ .Status | toUpper }}{{ if eq .Status "firing" }}:{{ .Alerts.Firing | len }}{{ end }}] {{ .CommonLabels.alertname }}';
const SLACK_TEXT =
  '{{ range .Alerts }}*{{ .Annotations.summary }}*\n{{ .Annotations.description }}\nRunbook: {{ .Annotations.runbook_url }}\n{{ end }}';

function slack(channel: string) {
  return { channel, send_resolved: true, title: SLACK_TITLE, text: SLACK_TEXT };
}

/** Symptoms a dead or unscraped service explains; paging for them too would only add noise. */
const SYMPTOM_COMPONENTS = ['api', 'feexpay', 'payments'];
const CAUSES = ['FeexPayGatewayAbsent', 'FeexPayGatewayDown'];

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
        // continue: the same critical alert also reaches the Slack route below.
        { receiver: RECEIVERS.criticalEmail, matchers: ['severity="critical"'], repeat_interval: am.repeatIntervalCritical, continue: true },
        { receiver: RECEIVERS.criticalSlack, matchers: ['severity="critical"'], repeat_interval: am.repeatIntervalCritical },
        { receiver: RECEIVERS.warningSlack, matchers: ['severity="warning"'] },
        { receiver: RECEIVERS.none, matchers: ['severity="info"'] },
      ],
    },
    inhibit_rules: [
      {
        source_matchers: [`alertname=~"${CAUSES.join('|')}"`],
        target_matchers: [`component=~"${SYMPTOM_COMPONENTS.join('|')}"`],
        equal: ['service', 'namespace'],
      },
      { source_matchers: ['alertname="FeexPayRedisDown"'], target_matchers: ['alertname="FeexPayRedisMemoryHigh"'], equal: ['instance'] },
      { source_matchers: ['alertname="FeexPayPostgresDown"'], target_matchers: ['alertname="FeexPayPostgresConnectionsHigh"'], equal: ['instance'] },
      // The same alert at two severities (burn-rate windows): the page makes the ticket redundant.
      { source_matchers: ['severity="critical"'], target_matchers: ['severity="warning"'], equal: ['alertname', 'service', 'namespace'] },
    ],
    receivers: [
      {
        name: RECEIVERS.criticalEmail,
        email_configs: [
          {
            to: am.emailTo,
            send_resolved: true,
            auth_password_file: am.smtpPasswordFile,
            headers: { Subject: '[{{ .Status | toUpper }}] {{ .CommonLabels.alertname }} ({{ .CommonLabels.service }})' },
          },
        ],
      },
      { name: RECEIVERS.criticalSlack, slack_configs: [slack(am.slackChannelCritical)] },
      { name: RECEIVERS.warningSlack, slack_configs: [slack(am.slackChannelWarning)] },
      { name: RECEIVERS.none },
    ],
  };
}

export function buildAlertmanagerYaml(cfg: MonitoringConfig = monitoringConfig): string {
  return toYaml(buildAlertmanagerConfig(cfg));
}
