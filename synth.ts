/**
 * `npm run synth`: writes everything the monitoring stack runs into dist/. The builders are pure
 * (dashboards/, alerts/); this file only decides paths and writes bytes, so the same input gives
 * the same output and `git diff` after a synth shows real changes only.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildAlertmanagerConfig, buildAlertmanagerYaml, buildPrometheusYaml, buildRuleFiles } from './alerts/index.ts';
import { buildRuleTestFiles } from './alerts/tests/index.ts';
import { buildDashboards } from './dashboards/index.ts';
import { k8sOutput } from './k8s/index.ts';

const ROOT = dirname(fileURLToPath(import.meta.url));
const DIST = join(ROOT, 'dist');

/** dist-relative path -> file contents. */
export type Output = Record<string, string>;

export function monitoringOutput(): Output {
  const out: Output = {};
  for (const [file, board] of Object.entries(buildDashboards())) out[`grafana/${file}`] = `${JSON.stringify(board, null, 2)}\n`;
  const rules = buildRuleFiles();
  for (const [file, text] of Object.entries(rules)) out[`prometheus/${file}`] = text;
  out['prometheus/prometheus.yml'] = buildPrometheusYaml(Object.keys(rules));
  // promtool unit tests next to the rules they load (`promtool test rules dist/prometheus/tests/*.yml`).
  for (const [file, text] of Object.entries(buildRuleTestFiles())) out[`prometheus/${file}`] = text;
  out['alertmanager/alertmanager.yml'] = buildAlertmanagerYaml();
  return out;
}

/** Replaces the given top-level dist/ directories wholesale, so removed outputs do not linger. */
function write(out: Output, dist = DIST): void {
  for (const top of new Set(Object.keys(out).map((p) => p.split('/')[0]!))) rmSync(join(dist, top), { recursive: true, force: true });
  for (const path of Object.keys(out).sort()) {
    const target = join(dist, path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, out[path]!);
  }
}

function summary(out: Output): string {
  const lines = Object.keys(out)
    .sort()
    .map((p) => `  ${relative(ROOT, join(DIST, p))}  (${Buffer.byteLength(out[p]!)} bytes)`);
  return `synth: wrote ${lines.length} files\n${lines.join('\n')}`;
}

function main(): void {
  const out: Output = { ...monitoringOutput() };
  // Kubernetes manifests for one environment (SYNTH_ENV or the first argument; docs/deploy.md),
  // embedding the same rule files, dashboards and Alertmanager routing as the files above.
  Object.assign(out, k8sOutput({ ruleFiles: buildRuleFiles(), dashboards: buildDashboards(), alertmanager: buildAlertmanagerConfig() }));
  write(out);
  console.log(summary(out));
}

// Importable without side effects (tests call monitoringOutput()); runs only as the entry point.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
