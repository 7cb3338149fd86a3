/**
 * What a person reads: the generated alertmanager.yml in a real Alertmanager 0.25 sends a group
 * holding one firing and one resolved alert to a Slack stand-in (an HTTP server taking the
 * incoming-webhook POST Alertmanager makes). The message must list firing apart from resolved,
 * firing first, print the measured value beside the threshold, and link to the configured URLs.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { buildAlertmanagerYaml, buildRuleGroups, isAlertingRule, monitoringConfig, type MonitoringConfig } from '../../alerts/index.ts';
import { waitFor } from '../helpers/app.ts';
import { ALERTMANAGER_BIN, startAlertmanager, type AmServer } from './alertmanager.ts';
import { exec } from './helpers.ts';
import { startSlackStandIn, type SlackStandIn } from './slack-standin.ts';

interface SlackPost {
  channel: string;
  attachments: Array<{ title: string; title_link: string; text: string; color: string }>;
}

let slack: SlackStandIn<SlackPost> | undefined;
let am: AmServer | undefined;
let available = true;

const cfg: MonitoringConfig = {
  ...monitoringConfig,
  externalUrls: { prometheus: 'https://prometheus.example.test', alertmanager: 'https://alertmanager.example.test', grafana: 'https://grafana.example.test' },
};
const rule = buildRuleGroups(cfg)
  .flatMap((g) => g.rules.filter(isAlertingRule))
  .find((r) => r.alert === 'FeexPayApiErrorsHigh')!;

/** The rule's annotations as Prometheus would render them for `value` on `operation`. */
function annotations(operation: string, value: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(rule.annotations)) {
    out[k] = v.replace('{{ $value | humanizePercentage }}', value).replace('{{ $labels.operation }}', operation).replace('{{ $labels.job }}', cfg.job);
  }
  return out;
}

describe('notifications as Slack receives them', () => {
  before(async () => {
    try {
      await exec(ALERTMANAGER_BIN, ['--version']);
    } catch {
      if (process.env.CI === 'true') throw new Error(`${ALERTMANAGER_BIN} not found: run .ci/install-monitoring-tools.sh`);
      available = false;
      return;
    }
    slack = await startSlackStandIn<SlackPost>();
    const secrets = mkdtempSync(join(tmpdir(), 'feexpay-am-slack-'));
    writeFileSync(join(secrets, 'slack'), slack.url);
    writeFileSync(join(secrets, 'smtp'), 'placeholder');
    am = await startAlertmanager(
      buildAlertmanagerYaml({
        ...cfg,
        // Fast groups for the test; the email receiver points at a closed port and just fails.
        alertmanager: {
          ...cfg.alertmanager,
          slackApiUrlFile: join(secrets, 'slack'),
          smtpPasswordFile: join(secrets, 'smtp'),
          smarthost: '127.0.0.1:9',
          groupWait: '1s',
          groupInterval: '1s',
        },
      }),
    );
    const labels = (operation: string) => ({ alertname: rule.alert, ...rule.labels, job: cfg.job, namespace: 'production', operation });
    const now = Date.now();
    await am.post([
      // Resolved a minute ago, with the stale text of when it fired.
      { labels: labels('status'), annotations: annotations('status', '31%'), startsAt: new Date(now - 600_000).toISOString(), endsAt: new Date(now - 60_000).toISOString() },
      { labels: labels('request_to_pay'), annotations: annotations('request_to_pay', '97.5%'), startsAt: new Date(now - 120_000).toISOString() },
    ]);
  });
  after(async () => {
    await am?.stop();
    await slack?.close();
  });

  test('one message per receiver, firing listed before and apart from resolved, value beside threshold, configured links', { timeout: 30_000 }, async (t) => {
    if (!available) return t.skip(`${ALERTMANAGER_BIN} not installed`);
    const posts = slack!.posts;
    await waitFor(async () => posts.length > 0, 20_000, 100);
    const post = posts.find((p) => p.channel === cfg.alertmanager.slackChannelCritical);
    assert.ok(post, `a post to ${cfg.alertmanager.slackChannelCritical}: ${JSON.stringify(posts)}`);
    const [message] = post.attachments;
    assert.ok(message);
    assert.equal(message.title, `[FIRING:1] ${rule.alert}`);
    assert.equal(message.color, 'danger');
    assert.equal(message.title_link, 'https://alertmanager.example.test/#/alerts');
    const [firing, resolved] = message.text.split('*Resolved (1)*');
    assert.ok(firing && resolved, `firing and resolved sections: ${message.text}`);
    assert.match(firing, /^\*Firing \(1\)\*/);
    assert.match(firing, /97\.5% of FeexPay request_to_pay calls/);
    assert.match(firing, /Measured: \*97\.5%\* \(threshold 25%\)/);
    // The resolved alert's stale measurement is nowhere: only its summary and when it cleared.
    assert.doesNotMatch(message.text, /31%/);
    assert.match(resolved, new RegExp(`${rule.annotations.summary.replace('.', '\\.')} \\(since \\d\\d:\\d\\d UTC\\)`));
    assert.match(firing, /<https:\/\/grafana\.example\.test\/d\/feexpay-payments\|Dashboard>/);
    assert.match(firing, /<https:\/\/prometheus\.example\.test\/alerts\?search=FeexPayApiErrorsHigh\|Prometheus>/);
    assert.match(firing, /<https:\/\/alertmanager\.example\.test\/#\/silences\/new\?filter=[^|]+FeexPayApiErrorsHigh[^|]+\|Silence>/);
    assert.match(firing, new RegExp(`<${rule.annotations.runbook_url.replace(/[.]/g, '\\.')}\\|Runbook>`));
    assert.doesNotMatch(message.text, /localhost|127\.0\.0\.1/, 'no container or local host names');
  });
});
