/**
 * `npm run synth`: writes everything the monitoring stack runs into dist/. The builders are pure
 * (dashboards/, alerts/); this file only decides paths and writes bytes, so the same input gives
 * the same output and `git diff` after a synth shows real changes only.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildAlertmanagerConfig, buildPrometheusYaml, buildRuleFiles } from './alerts/index.ts';
import { toYaml } from './alerts/yaml.ts';
import { buildRuleTestFiles } from './alerts/tests/index.ts';
import { buildDashboards } from './dashboards/index.ts';
import { warnings } from './k8s/checks.ts';
import { k8sOutput, parseSynthArgs, synthSettings, SYNTH_USAGE } from './k8s/index.ts';

const ROOT = dirname(fileURLToPath(import.meta.url));
const DIST = join(ROOT, 'dist');

/** dist-relative path -> file contents. */
export type Output = Record<string, string>;

/** What the monitoring builders produce, once, for dist/ and for anything that embeds it (k8s/). */
export interface Generated {
  ruleFiles: Record<string, string>;
  ruleTests: Record<string, string>;
  dashboards: Record<string, object>;
  alertmanager: Record<string, unknown>;
}

export function generate(): Generated {
  return {
    ruleFiles: buildRuleFiles(),
    ruleTests: buildRuleTestFiles(),
    dashboards: buildDashboards(),
    alertmanager: buildAlertmanagerConfig(),
  };
}

export function monitoringOutput(g: Generated = generate()): Output {
  const out: Output = {};
  for (const [file, board] of Object.entries(g.dashboards)) out[`grafana/${file}`] = `${JSON.stringify(board, null, 2)}\n`;
  for (const [file, text] of Object.entries(g.ruleFiles)) out[`prometheus/${file}`] = text;
  out['prometheus/prometheus.yml'] = buildPrometheusYaml(Object.keys(g.ruleFiles));
  // promtool unit tests next to the rules they load (`promtool test rules dist/prometheus/tests/*.yml`).
  for (const [file, text] of Object.entries(g.ruleTests)) out[`prometheus/${file}`] = text;
  out['alertmanager/alertmanager.yml'] = toYaml(g.alertmanager);
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
  const args = parseSynthArgs(process.argv.slice(2));
  if (args.help) {
    console.log(SYNTH_USAGE);
    return;
  }
  // Kubernetes manifests for one environment (docs/deploy.md), embedding the very rule files,
  // dashboards and Alertmanager routing written below.
  const settings = synthSettings(args);
  console.log(`synth: environment ${settings.env}, namespace ${settings.namespace}, host ${settings.edge.host}, image ${settings.image}`);
  if (args.settingsFile) console.log(`synth: settings from ${args.settingsFile}`);
  for (const w of warnings(settings)) console.warn(`synth: warning: ${w}`);
  const generated = generate();
  const out: Output = { ...monitoringOutput(generated), ...k8sOutput(generated, settings) };
  write(out);
  console.log(summary(out));
}

// Importable without side effects (tests call monitoringOutput()); runs only as the entry point.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    main();
  } catch (err) {
    // A refused setting or argument is a message, not a stack trace.
    console.error(`synth: ${(err as Error).message}`);
    process.exitCode = 1;
  }
}
