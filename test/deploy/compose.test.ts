/**
 * docker-compose.yml without a Docker engine: it parses, every image is pinned or built, every
 * file it mounts or reads exists once `npm run synth` has run, the pieces agree with each other
 * (webhook token, simulator key, scrape targets, secret file paths), and the Prometheus and
 * Alertmanager configurations it mounts pass promtool / amtool.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { monitoringConfig } from '../../alerts/config.ts';
import { forAlertmanager025 } from '../monitoring/am-compat.ts';
import { SOURCE_MAPS_PRELOAD } from '../../k8s/pod.ts';
import { SIMULATOR_DEFAULT_API_KEY } from '../../src/feexpay/simulator/options.ts';
import { nodeCommandFiles, runSynth, SECRET_PATTERNS, sourceOf, strings } from './helpers.ts';
import { drainBoundMs } from '../../src/drain-bound.ts';
import { loadConfig } from '../../src/config.ts';

interface Service {
  image?: string;
  ports?: string[];
  build?: unknown;
  command?: string[];
  volumes?: string[];
  env_file?: { path: string; required: boolean }[];
  environment?: Record<string, string>;
  depends_on?: Record<string, unknown> | string[];
  stop_grace_period?: string;
}
const compose = parse(readFileSync('docker-compose.yml', 'utf8'), { merge: true }) as { services: Record<string, Service> };
const services = compose.services;

/** compose mounts what `npm run synth` writes. */
const synthesized = runSynth();
const needsSynth = { skip: !synthesized && 'synth.ts not written yet' };

function envOf(name: string): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const f of services[name]!.env_file ?? []) {
    if (!f.required) continue;
    for (const line of readFileSync(f.path, 'utf8').split('\n')) {
      const m = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line);
      if (m) vars[m[1]!] = m[2]!;
    }
  }
  return { ...vars, ...services[name]!.environment };
}

/** Bind mounts as [host path, container path]. */
function binds(svc: Service): [string, string][] {
  return (svc.volumes ?? [])
    .filter((v) => v.startsWith('./') || v.startsWith('/'))
    .map((v) => {
      const [host, target] = v.split(':');
      return [host!, target!];
    });
}

/** The host file behind a container path, through the service's bind mounts. */
function hostPath(svc: Service, containerPath: string): string | undefined {
  for (const [host, target] of binds(svc)) {
    if (containerPath === target) return host;
    if (containerPath.startsWith(`${target}/`)) return posix.join(host, containerPath.slice(target.length + 1));
  }
  return undefined;
}

test('every service has a pinned image or is built from this repository', () => {
  assert.ok(Object.keys(services).length >= 10);
  for (const [name, svc] of Object.entries(services)) {
    if (svc.build) continue;
    assert.ok(svc.image, `${name}: no image`);
    const tag = svc.image.includes('@') ? svc.image.split('@')[1] : svc.image.split('/').pop()!.split(':')[1];
    assert.ok(tag && tag !== 'latest', `${name}: ${svc.image} is not pinned`);
    assert.match(tag, /\d/, `${name}: ${svc.image} needs a version tag`);
  }
  for (const need of ['api', 'postgres', 'redis', 'prometheus', 'alertmanager', 'grafana', 'postgres-exporter', 'redis-exporter', 'node-exporter', 'simulator']) {
    assert.ok(services[need], `missing service ${need}`);
  }
});

test('env files: the placeholders exist, the local overrides are git-ignored', () => {
  for (const svc of Object.values(services)) {
    for (const f of svc.env_file ?? []) {
      if (f.required) assert.ok(existsSync(f.path), f.path);
      else assert.equal(spawnSync('git', ['check-ignore', '-q', f.path]).status, 0, `${f.path} must be git-ignored`);
    }
  }
});

test('the app services run compiled scripts that npm run build produces, and the simulator and API agree', () => {
  let checked = 0;
  for (const [name, svc] of Object.entries(services)) {
    if (!svc.build || !svc.command) continue; // the API runs the image's CMD (dockerfile.test.ts)
    assert.ok(!svc.command.some((a) => /\btsx\b|\.ts$/.test(a)), `${name}: the image has no tsx and no src/: ${svc.command.join(' ')}`);
    const { preloads, script } = nodeCommandFiles(svc.command);
    assert.equal(preloads[0], SOURCE_MAPS_PRELOAD, `${name}: stack traces point at src/ lines, the project's maps loaded first`);
    for (const f of [...preloads, script]) assert.ok(existsSync(sourceOf(f)), `${name}: ${f} (from ${sourceOf(f)})`);
    checked++;
  }
  assert.ok(checked >= 2, 'simulator and migrate');
  const api = envOf('api');
  const sim = envOf('simulator');
  assert.equal(api.FEEXPAY_API_KEY, SIMULATOR_DEFAULT_API_KEY, 'the API must use the simulator key');
  assert.equal(new URL(api.FEEXPAY_BASE_URL!).host, `simulator:${sim.SIMULATOR_PORT}`);
  assert.equal(sim.SIMULATOR_WEBHOOK_URL, `http://api:${api.PORT}/v1/webhooks/feexpay/${api.WEBHOOK_TOKEN}`);
  assert.equal(new URL(api.DATABASE_URL!).password, envOf('postgres').POSTGRES_PASSWORD);
  assert.equal(envOf('grafana').FEEXPAY_PG_PASSWORD, envOf('postgres').GRAFANA_READER_PASSWORD, 'Grafana logs in as grafana_reader');
});

test('no credential-looking value outside the documented local placeholders', () => {
  const placeholders = new Set([SIMULATOR_DEFAULT_API_KEY]);
  const texts: [string, string][] = [['docker-compose.yml', readFileSync('docker-compose.yml', 'utf8')]];
  for (const svc of Object.values(services)) for (const f of svc.env_file ?? []) if (f.required) texts.push([f.path, readFileSync(f.path, 'utf8')]);
  for (const [file, text] of texts) {
    for (const line of text.split('\n')) {
      const value = line.replace(/^[A-Z_0-9]+=/, '');
      if (placeholders.has(value) || /local-(dev|grafana-reader)-password/.test(value)) continue;
      for (const [what, re] of SECRET_PATTERNS) assert.ok(!re.test(line), `${file}: ${what}: ${line}`);
    }
  }
  for (const [, v] of strings(compose)) assert.ok(!/hooks\.slack\.com/.test(v));
});

test('every file compose mounts exists after npm run synth', needsSynth, () => {
  let checked = 0;
  for (const [name, svc] of Object.entries(services)) {
    for (const [host] of binds(svc)) {
      if (host.startsWith('/')) continue; // host system paths (node-exporter)
      assert.ok(existsSync(host), `${name}: ${host} does not exist`);
      checked++;
    }
  }
  const read = (svc: string, flag: string) => services[svc]!.command!.find((a) => a.startsWith(flag))!.slice(flag.length);
  assert.ok(statSync(hostPath(services.prometheus!, read('prometheus', '--config.file='))!).isFile(), 'prometheus.yml');
  assert.ok(statSync(hostPath(services.alertmanager!, read('alertmanager', '--config.file='))!).isFile(), 'alertmanager.yml');
  const am = monitoringConfig.alertmanager;
  for (const p of [am.slackApiUrlFile, am.smtpPasswordFile, am.heartbeatUrlFile]) {
    const host = hostPath(services.alertmanager!, p);
    assert.ok(host && existsSync(host), `alertmanager reads ${p}`);
  }
  const provider = parse(readFileSync('deploy/grafana/provisioning/dashboards/dashboards.yml', 'utf8')) as any;
  const dashDir = hostPath(services.grafana!, provider.providers[0].options.path);
  assert.ok(dashDir && existsSync(dashDir), 'dashboards directory');
  assert.ok(checked >= 6, `${checked}`);
});

test('Prometheus scrapes compose services by their names', needsSynth, () => {
  const config = parse(readFileSync('dist/prometheus/prometheus.yml', 'utf8')) as any;
  for (const job of config.scrape_configs) {
    for (const sc of job.static_configs) {
      for (const target of sc.targets as string[]) {
        const host = target.split(':')[0]!;
        assert.ok(host === 'localhost' || services[host], `${job.job_name}: ${target} is no compose service`);
      }
    }
  }
  // The API serves /metrics on PORT unless METRICS_PORT moves it: the scrape target must follow.
  const api = envOf('api');
  const apiJob = config.scrape_configs.find((j: any) => j.job_name === monitoringConfig.job);
  assert.deepEqual(apiJob.static_configs[0].targets, [`api:${api.METRICS_PORT ?? api.PORT}`]);
});

test(
  'the mounted Prometheus configuration passes promtool check config',
  { skip: (!synthesized && 'synth.ts not written yet') || (spawnSync('promtool', ['--version']).status !== 0 && 'promtool not installed') },
  () => {
    const out = execFileSync('promtool', ['check', 'config', 'dist/prometheus/prometheus.yml'], { encoding: 'utf8' });
    assert.match(out, /SUCCESS/);
    assert.doesNotMatch(out, /0 rule files found/);
  },
);

test(
  'the mounted Alertmanager configuration passes amtool check-config',
  { skip: (!synthesized && 'synth.ts not written yet') || (spawnSync('amtool', ['--version']).status !== 0 && 'amtool not installed') },
  () => {
    // amtool 0.25 predates webhook url_file: the heartbeat's URL is read from the file compose mounts (am-compat.ts).
    const fromHost = (p: string) => readFileSync(hostPath(services.alertmanager!, p)!, 'utf8');
    const file = join(mkdtempSync(join(tmpdir(), 'compose-am-')), 'alertmanager.yml');
    writeFileSync(file, forAlertmanager025(readFileSync('dist/alertmanager/alertmanager.yml', 'utf8'), fromHost));
    const out = execFileSync('amtool', ['check-config', file], { encoding: 'utf8' });
    assert.match(out, /SUCCESS/);
  },
);

test('Grafana provisioning: datasources parse and dashboards use provisioned uids or variables', () => {
  const ds = parse(readFileSync('deploy/grafana/provisioning/datasources/datasources.yml', 'utf8')) as {
    datasources: { uid: string; type: string; secureJsonData?: Record<string, string> }[];
  };
  const uids = new Set(ds.datasources.map((d) => d.uid));
  assert.ok(uids.has('prometheus') && uids.has('postgres'));
  for (const d of ds.datasources) for (const v of Object.values(d.secureJsonData ?? {})) assert.match(v, /^\$[A-Z_]+$/, 'secrets come from the environment');
  if (!synthesized || !existsSync('dist/grafana')) return;
  for (const file of execFileSync('ls', ['dist/grafana'], { encoding: 'utf8' })
    .split('\n')
    .filter((f) => f.endsWith('.json'))) {
    const json = readFileSync(`dist/grafana/${file}`, 'utf8');
    for (const m of json.matchAll(/"datasource":\s*\{[^}]*"uid":\s*"([^"]+)"/g)) {
      const uid = m[1]!;
      assert.ok(uid.startsWith('$') || uid.startsWith('${') || uids.has(uid) || uid === '-- Grafana --' || uid === 'grafana', `${file}: datasource ${uid}`);
    }
  }
});

test("PostgreSQL is not bound on the host's 5432 (a local server listens there); Compose 2.24+ is documented", () => {
  for (const p of services.postgres!.ports ?? []) {
    const host = p.split(':').slice(0, -1).join(':');
    assert.doesNotMatch(host, /(^|:)5432$/, p);
    assert.match(host, /^127\.0\.0\.1:/, `${p}: loopback only`);
  }
  // env_file entries with `required` are what needs 2.24; the file and the docs say so.
  assert.ok(Object.values(services).some((svc) => svc.env_file?.some((f) => 'required' in f)));
  assert.match(readFileSync('docker-compose.yml', 'utf8'), /Docker Compose 2\.24 or later/);
  assert.match(readFileSync('docs/deploy.md', 'utf8'), /Docker Compose >= 2\.24/);
});

test('the API does not migrate at start: the migrate service ran before it', () => {
  assert.equal(services.api!.environment?.MIGRATE_ON_START, 'false');
  assert.deepEqual((services.api!.depends_on as Record<string, { condition: string }>).migrate, { condition: 'service_completed_successfully' });
});

test("compose waits for the API's drain before it kills it (Docker's default is 10 s)", () => {
  const m = /^(\d+)s$/.exec(services.api!.stop_grace_period ?? '');
  assert.ok(m, `stop_grace_period ${services.api!.stop_grace_period} is given in seconds`);
  const timeout = loadConfig({ ...envOf('api'), HOST: '127.0.0.1' }).feexpay.requestTimeoutMs;
  assert.ok(Number(m[1]) * 1000 > drainBoundMs(timeout), `${m[1]} s does not outlast the ${drainBoundMs(timeout)} ms drain`);
});
