/**
 * The dead man's switch through the real pipeline: a real Prometheus (Debian's 2.42) evaluates the
 * generated rule files and sends to a real Alertmanager (0.25) on the generated alertmanager.yml,
 * whose heartbeat receiver posts to a local HTTP server standing in for the external service.
 * The heartbeat arrives at every group interval, alone; Slack never sees it and real alerts never
 * reach the ping. Once Prometheus dies the pings stop, with no resolved message that the external
 * service would count as one. Intervals are shortened to seconds, with the shipped ratio between
 * them (repeat just under the group interval).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test, type TestContext } from 'node:test';
import { buildAlertmanagerYaml, buildRuleFiles, buildRuleGroups, HEARTBEAT_ALERT, isAlertingRule, monitoringConfig, RECEIVERS, type MonitoringConfig } from '../../alerts/index.ts';
import { waitFor } from '../helpers/app.ts';
import { ALERTMANAGER_BIN, startAlertmanager, type AmServer } from './alertmanager.ts';
import { exec } from './helpers.ts';
import { startPrometheus, type PromServer } from './prometheus.ts';
import { startSlackStandIn, type SlackStandIn } from './slack-standin.ts';

interface WebhookPost {
  receiver: string;
  status: 'firing' | 'resolved';
  alerts: Array<{ status: string; labels: Record<string, string> }>;
}

const GROUP_INTERVAL_S = 2;
/** Alertmanager's ticks drift by a few milliseconds, and a tick may wait on a send in flight. */
const LATE_TICK_MS = GROUP_INTERVAL_S * 1000 * 1.5 + 500;
/** `--rules.alert.resend-delay`: an alert Prometheus stops sending ends 4 resend delays later. */
const RESEND_DELAY_S = 1;

let ping: SlackStandIn<WebhookPost> | undefined;
let slack: SlackStandIn<unknown> | undefined;
let am: AmServer | undefined;
let prom: PromServer | undefined;
let available = true;

const rules = buildRuleGroups().flatMap((g) => g.rules.filter(isAlertingRule));
const labelsOf = (name: string) => ({ alertname: name, ...rules.find((r) => r.alert === name)!.labels, job: monitoringConfig.job, namespace: 'production' });
const isHeartbeat = (a: { labels: Record<string, string> }) => a.labels.alertname === HEARTBEAT_ALERT;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('the heartbeat from Prometheus to the external service', () => {
  before(async () => {
    try {
      await exec(ALERTMANAGER_BIN, ['--version']);
      await exec('prometheus', ['--version']);
    } catch {
      if (process.env.CI === 'true') throw new Error('prometheus or alertmanager not found: run .ci/install-monitoring-tools.sh');
      available = false;
      return;
    }
    ping = await startSlackStandIn<WebhookPost>();
    slack = await startSlackStandIn();
    const secrets = mkdtempSync(join(tmpdir(), 'feexpay-am-heartbeat-'));
    const file = (name: string, text: string) => {
      writeFileSync(join(secrets, name), text);
      return join(secrets, name);
    };
    const cfg: MonitoringConfig = {
      ...monitoringConfig,
      alertmanager: {
        ...monitoringConfig.alertmanager,
        slackApiUrlFile: file('slack', slack.url),
        smtpPasswordFile: file('smtp', 'placeholder'),
        heartbeatUrlFile: file('heartbeat', ping.url),
        // The email receiver points at a closed port and just fails.
        smarthost: '127.0.0.1:9',
        groupWait: '1s',
        groupInterval: '1s',
        heartbeatGroupInterval: `${GROUP_INTERVAL_S}s`,
        heartbeatRepeatInterval: `${GROUP_INTERVAL_S / 2}s`,
      },
    };
    am = await startAlertmanager(buildAlertmanagerYaml(cfg));
    // Scraping Alertmanager's own metrics as the gateway's job: nothing the rules read is down.
    prom = await startPrometheus(cfg.job, new URL(am.url).host, buildRuleFiles(cfg), { alertmanager: am.url, args: [`--rules.alert.resend-delay=${RESEND_DELAY_S}s`] });
  });
  after(async () => {
    await prom?.stop();
    await am?.stop();
    await ping?.close();
    await slack?.close();
  });

  const skipped = (t: TestContext) => {
    if (!available) t.skip('prometheus or alertmanager not installed');
    return !available;
  };

  test('the heartbeat reaches its receiver at every group interval, alone and firing', { timeout: 30_000 }, async (t) => {
    if (skipped(t)) return;
    const posts = ping!.posts;
    await waitFor(async () => posts.length >= 4, 20_000, 100).catch(() => assert.fail(`${posts.length} pings:\n${am!.log()}\n${prom!.log()}`));
    for (const p of posts) {
      assert.equal(p.receiver, RECEIVERS.heartbeat);
      assert.equal(p.status, 'firing');
      assert.ok(p.alerts.length === 1 && p.alerts.every(isHeartbeat), JSON.stringify(p.alerts));
    }
    const times = ping!.times;
    const gaps = times.slice(1).map((x, i) => x - times[i]!);
    assert.ok(Math.max(...gaps) <= LATE_TICK_MS, `gaps between pings (ms): ${gaps.join(', ')}`);
  });

  test('real alerts never reach the ping, and the heartbeat never reaches Slack', { timeout: 30_000 }, async (t) => {
    if (skipped(t)) return;
    await am!.post([{ labels: labelsOf('FeexPayGatewayAbsent') }, { labels: labelsOf('FeexPayRedisMemoryHigh') }]);
    await waitFor(async () => JSON.stringify(slack!.posts).includes('FeexPayRedisMemoryHigh') && JSON.stringify(slack!.posts).includes('FeexPayGatewayAbsent'), 20_000, 100);
    const before = ping!.posts.length;
    await waitFor(async () => ping!.posts.length >= before + 2, 10_000, 100);
    for (const p of ping!.posts) assert.ok(p.alerts.every(isHeartbeat), JSON.stringify(p.alerts));
    assert.ok(!JSON.stringify(slack!.posts).includes(HEARTBEAT_ALERT), 'no Slack message names the heartbeat');
  });

  test('a dead Prometheus stops the pings, and no resolved message passes for one', { timeout: 40_000 }, async (t) => {
    if (skipped(t)) return;
    await prom!.stop();
    // Alertmanager holds the last alert until its end (4 resend delays), then it resolves.
    await sleep(4 * RESEND_DELAY_S * 1000 + 2 * LATE_TICK_MS);
    const settled = ping!.posts.length;
    await sleep(3 * LATE_TICK_MS);
    assert.equal(ping!.posts.length, settled, 'no ping once the heartbeat ended');
    assert.ok(
      ping!.posts.every((p) => p.status === 'firing'),
      'never a resolved post',
    );
    assert.ok(!(await am!.alerts()).some(isHeartbeat), 'Alertmanager no longer holds the heartbeat');
  });
});
