/** Synthesizes the Kubernetes output in memory for the deploy tests, and walks its objects. */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { CRON_DEFS } from '../../k8s/cronjobs.ts';
import { sourceOf } from '../../bundle/entry-points.ts';
import { ENV_NAMES, envSettings, renderK8s, type EnvName, type EnvSettings, type MonitoringInputs } from '../../k8s/index.ts';
import { fixtureInputs } from './fixtures/inputs.ts';

export { sourceOf };

export type Manifest = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [key: string]: unknown;
};

export interface Output {
  label: string;
  settings: EnvSettings;
  files: Record<string, string>;
  objects: (Manifest & { file: string })[];
}

export function parseFiles(files: Record<string, string>): (Manifest & { file: string })[] {
  return Object.entries(files).flatMap(([file, text]) =>
    parseAllDocuments(text).map((d) => {
      if (d.errors.length) throw new Error(`${file}: ${d.errors[0]!.message}`);
      return { ...(d.toJS() as Manifest), file };
    }),
  );
}

export function render(label: string, settings: EnvSettings, inputs: MonitoringInputs, root?: URL): Output {
  const files = renderK8s(settings, inputs, root);
  return { label, settings, files, objects: parseFiles(files) };
}

/** A pushed image, pinned by digest, as CI passes it (production refuses the placeholder). */
export const TEST_IMAGE = `registry.internal.test/feexpay-gateway@sha256:${'0123456789abcdef'.repeat(4)}`;

/** An environment as shipped, with the test image. */
export function shipped(env: EnvName): EnvSettings {
  return { ...envSettings(env), image: TEST_IMAGE };
}

/** The files a `node [flags] script [args]` command loads: --import preloads, then the script. */
export function nodeCommandFiles(command: readonly string[]): { preloads: string[]; script: string } {
  if (command[0] !== 'node') throw new Error(`not a node command: ${command.join(' ')}`);
  const preloads: string[] = [];
  for (let i = 1; i < command.length; i++) {
    const arg = command[i]!;
    if (arg === '--import' || arg === '--require' || arg === '-r') preloads.push(command[++i]!);
    else if (arg.startsWith('--import=')) preloads.push(arg.slice('--import='.length));
    else if (!arg.startsWith('-')) return { preloads, script: arg };
  }
  throw new Error(`no script in: ${command.join(' ')}`);
}

/** A repository root in which the CronJobs' script sources exist, to synthesize with them enabled. */
export function rootWithCronScripts(): URL {
  const dir = mkdtempSync(join(tmpdir(), 'k8s-root-'));
  for (const d of CRON_DEFS) {
    const source = sourceOf(d.script);
    mkdirSync(join(dir, source, '..'), { recursive: true });
    writeFileSync(join(dir, source), '');
  }
  return pathToFileURL(dir + '/');
}

/**
 * Every option on: CronJobs and the shared log volume, an Ingress besides the HTTPRoute, a
 * cert-manager Certificate, the internal route for /admin and /docs, a priority class, the
 * heartbeat's ping URL in the Secret.
 */
export function withAllOptions(env: EnvName): EnvSettings {
  const s = shipped(env);
  s.cron.weeklyReport.enabled = true;
  s.cron.logArchive.enabled = true;
  s.logsVolume = { claimName: 'feexpay-gateway-logs', storageClassName: 'shared-rwx', size: '20Gi' };
  s.edge.ingress = { className: 'traefik' };
  s.edge.tls.issuer = { kind: 'ClusterIssuer', name: 'letsencrypt' };
  s.edge.internal = { host: `pay-admin.${env}.internal.example.com`, gateway: { name: 'internal', namespace: 'gateway-system', sectionName: null } };
  s.priorityClassName = 'feexpay-critical';
  s.alerting.heartbeat = true;
  return s;
}

/** Every variant the tests check: each environment as shipped, and each with all options on. */
export function allOutputs(inputs: MonitoringInputs = fixtureInputs): Output[] {
  const root = rootWithCronScripts();
  return ENV_NAMES.flatMap((env) => [render(env, shipped(env), inputs), render(`${env}+options`, withAllOptions(env), inputs, root)]);
}

export interface PodTemplateRef {
  owner: Manifest;
  spec: PodSpec;
  labels: Record<string, string>;
}
export interface KeyRef {
  name?: string;
  key: string;
  optional?: boolean;
}
export interface Container {
  name: string;
  image?: string;
  ports?: { name?: string; containerPort: number }[];
  env?: { name: string; value?: string; valueFrom?: { secretKeyRef?: KeyRef; configMapKeyRef?: KeyRef; fieldRef?: { fieldPath: string } } }[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  securityContext?: Record<string, unknown>;
  volumeMounts?: { name: string; mountPath: string; subPathExpr?: string }[];
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  livenessProbe?: { httpGet?: { port: string | number } };
  readinessProbe?: { httpGet?: { port: string | number } };
  startupProbe?: { httpGet?: { port: string | number } };
}
export interface PodSpec {
  containers: Container[];
  initContainers?: Container[];
  securityContext?: Record<string, unknown>;
  volumes?: { name: string; [k: string]: unknown }[];
  serviceAccountName?: string;
  automountServiceAccountToken?: boolean;
  priorityClassName?: string;
}

/** The pod templates of every workload kind the output uses. */
export function podTemplates(objects: Manifest[]): PodTemplateRef[] {
  const out: PodTemplateRef[] = [];
  for (const o of objects) {
    const spec = o.spec as Record<string, any> | undefined;
    const tpl =
      o.kind === 'CronJob'
        ? spec?.jobTemplate?.spec?.template
        : ['Deployment', 'Job', 'StatefulSet', 'DaemonSet'].includes(o.kind)
          ? spec?.template
          : o.kind === 'Pod'
            ? { spec, metadata: o.metadata }
            : undefined;
    if (tpl) out.push({ owner: o, spec: tpl.spec as PodSpec, labels: (tpl.metadata?.labels ?? {}) as Record<string, string> });
  }
  return out;
}

export function containersOf(spec: PodSpec): Container[] {
  return [...(spec.initContainers ?? []), ...spec.containers];
}

export function selectorMatches(
  selector: { matchLabels?: Record<string, string>; matchExpressions?: { key: string; operator: string; values?: string[] }[] },
  labels: Record<string, string>,
): boolean {
  const eq = Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
  const ex = (selector.matchExpressions ?? []).every((e) => {
    const has = e.key in labels;
    if (e.operator === 'In') return has && (e.values ?? []).includes(labels[e.key]!);
    if (e.operator === 'NotIn') return !has || !(e.values ?? []).includes(labels[e.key]!);
    if (e.operator === 'Exists') return has;
    if (e.operator === 'DoesNotExist') return !has;
    return false;
  });
  return eq && ex;
}

/** Every string in a JSON-like value, with its path, for the secret scan. */
export function* strings(value: unknown, path = ''): Generator<[string, string]> {
  if (typeof value === 'string') yield [path, value];
  else if (Array.isArray(value)) for (const [i, v] of value.entries()) yield* strings(v, `${path}[${i}]`);
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) yield* strings(v, `${path}.${k}`);
}

/** Shapes of real credentials; placeholders such as example.com addresses do not match. */
export const SECRET_PATTERNS: [string, RegExp][] = [
  ['FeexPay API key', /fp_[A-Za-z0-9]{64}/],
  ['Slack webhook', /hooks\.slack\.com\/services\/[A-Z0-9]+\/[A-Z0-9]+\/[A-Za-z0-9]+/],
  ['URL with credentials', /[a-z][a-z0-9+.-]*:\/\/[^\s:/@]+:[^\s@/]+@/i],
  ['Sentry DSN', /https:\/\/[0-9a-f]{32}@[^\s]*sentry/i],
  ['private key', /-----BEGIN [A-Z ]*PRIVATE KEY-----/],
  ['AWS access key', /AKIA[0-9A-Z]{16}/],
  ['GitHub token', /gh[pousr]_[A-Za-z0-9]{36}/],
  ['JWT', /eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/],
];

/**
 * Runs `npm run synth` (as `node --import tsx synth.ts`) so checks read the dist/ it really
 * writes; false when synth.ts does not exist.
 */
export function runSynth(): boolean {
  if (!existsSync('synth.ts')) return false;
  execFileSync(process.execPath, ['--import', 'tsx', 'synth.ts'], { stdio: 'pipe' });
  return true;
}
