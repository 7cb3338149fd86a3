/**
 * The generated files through the real tools: promtool (rules, config, unit tests) and amtool
 * (config, routing). Versions as Debian ships them: promtool 2.42, amtool 0.25.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { HEARTBEAT_ALERT, HEARTBEAT_SEVERITY, RECEIVERS } from '../../alerts/index.ts';
import { forAlertmanager025 } from './am-compat.ts';
import { exec, requireTool, writeOutput } from './helpers.ts';

let dir: string;
before(() => {
  dir = writeOutput();
});

describe('promtool', () => {
  test('check rules accepts every rule file', async (t) => {
    if (!(await requireTool(t, 'promtool'))) return;
    const prom = join(dir, 'prometheus');
    const files = readdirSync(prom).filter((f) => f.endsWith('-rules.yml'));
    assert.ok(files.length >= 2, 'recording and alerting rule files');
    const { stdout } = await exec('promtool', ['check', 'rules', ...files], { cwd: prom });
    assert.match(stdout, /SUCCESS/);
  });

  test('check config accepts prometheus.yml and finds the rule files it names', async (t) => {
    if (!(await requireTool(t, 'promtool'))) return;
    const { stdout } = await exec('promtool', ['check', 'config', 'prometheus.yml'], { cwd: join(dir, 'prometheus') });
    assert.match(stdout, /SUCCESS: 2 rule files found/);
    assert.match(stdout, /is valid prometheus config file syntax/);
  });

  test('test rules: every alert fires on its failure and stays quiet otherwise', async (t) => {
    if (!(await requireTool(t, 'promtool'))) return;
    const prom = join(dir, 'prometheus');
    const files = readdirSync(join(prom, 'tests')).filter((f) => f.endsWith('.test.yml'));
    assert.ok(files.length >= 4);
    // One promtool per file, in parallel: the slow-burn windows take most of the time.
    const runs = files.map((f) =>
      exec('promtool', ['test', 'rules', `tests/${f}`], { cwd: prom }).then(
        (r) => ({ f, ok: true, out: r.stdout }),
        (e: { stdout?: string; stderr?: string }) => ({ f, ok: false, out: `${e.stdout ?? ''}${e.stderr ?? ''}` }),
      ),
    );
    for (const r of await Promise.all(runs)) assert.ok(r.ok, `${r.f}:\n${r.out}`);
  });
});

describe('amtool', () => {
  // The generated file with the heartbeat's url_file as url, which amtool 0.25 knows (am-compat.ts).
  const config = () => {
    const file = join(dir, 'alertmanager', 'alertmanager-0.25.yml');
    writeFileSync(file, forAlertmanager025(readFileSync(join(dir, 'alertmanager', 'alertmanager.yml'), 'utf8')));
    return file;
  };

  test('check-config accepts alertmanager.yml', async (t) => {
    if (!(await requireTool(t, 'amtool'))) return;
    const { stdout } = await exec('amtool', ['check-config', config()]);
    assert.match(stdout, /SUCCESS/);
  });

  const routes: Array<[string, string]> = [
    // Every real severity is checked never to reach the heartbeat receiver: the lists are exact.
    ['critical', 'oncall-email,slack-critical'],
    ['warning', 'slack-warning'],
    ['info', 'null'],
    // An alert someone forgot to label still reaches a human.
    ['', 'slack-warning'],
  ];
  for (const [severity, receivers] of routes) {
    test(`routes: severity="${severity}" goes to ${receivers}`, async (t) => {
      if (!(await requireTool(t, 'amtool'))) return;
      const labels = ['alertname=FeexPayPaymentSuccessRateLow', 'service=feexpay-gateway', ...(severity ? [`severity=${severity}`] : [])];
      const { stdout } = await exec('amtool', ['config', 'routes', 'test', `--config.file=${config()}`, ...labels]);
      assert.equal(stdout.trim(), receivers);
    });
  }

  const amRoute = async (labels: Record<string, string>) => {
    const args = Object.entries(labels).map(([k, v]) => `${k}=${v}`);
    return (await exec('amtool', ['config', 'routes', 'test', `--config.file=${config()}`, ...args])).stdout.trim();
  };
  const heartbeat = { alertname: HEARTBEAT_ALERT, service: 'feexpay-gateway', component: 'monitoring', severity: HEARTBEAT_SEVERITY };

  test('routes: the heartbeat goes to the heartbeat receiver only, in any namespace', async (t) => {
    if (!(await requireTool(t, 'amtool'))) return;
    assert.equal(await amRoute(heartbeat), RECEIVERS.heartbeat);
    assert.equal(await amRoute({ ...heartbeat, namespace: 'feexpay' }), RECEIVERS.heartbeat);
  });

  test('routes: the heartbeat route matches that alert only', async (t) => {
    if (!(await requireTool(t, 'amtool'))) return;
    // Another alert given the heartbeat's severity by mistake still reaches a human.
    assert.equal(await amRoute({ ...heartbeat, alertname: 'FeexPayPaymentSuccessRateLow' }), RECEIVERS.warningSlack);
    // The heartbeat's name at a real severity takes that severity's route, never the ping.
    assert.equal(await amRoute({ ...heartbeat, severity: 'critical' }), `${RECEIVERS.criticalEmail},${RECEIVERS.criticalSlack}`);
  });
});
