/**
 * Pieces every pod of the service shares (API, migration init container, CronJobs): the same
 * image, environment and hardening, so a Job never runs with weaker settings than the API.
 */
import { readFileSync } from 'node:fs';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IPodSecurityContext } from 'kubernetes-models/v1/PodSecurityContext';
import type { ISecurityContext } from 'kubernetes-models/v1/SecurityContext';
import type { IVolume } from 'kubernetes-models/v1/Volume';
import type { IVolumeMount } from 'kubernetes-models/v1/VolumeMount';
import { LOG_DIR } from './app-config.ts';
import { NAMES } from './names.ts';
import { secretEnv, type SecretKeyDoc } from './secrets.ts';
import type { EnvSettings, Resources } from './settings.ts';

/** uid/gid of the `node` user of the official Node image (see Dockerfile). */
export const RUN_AS = 1000;

export const podSecurityContext: IPodSecurityContext = {
  runAsNonRoot: true,
  runAsUser: RUN_AS,
  runAsGroup: RUN_AS,
  fsGroup: RUN_AS,
  seccompProfile: { type: 'RuntimeDefault' },
};

export const containerSecurityContext: ISecurityContext = {
  runAsNonRoot: true,
  runAsUser: RUN_AS,
  runAsGroup: RUN_AS,
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  privileged: false,
  capabilities: { drop: ['ALL'] },
  seccompProfile: { type: 'RuntimeDefault' },
};

/**
 * The root filesystem is read-only: file logs go to LOG_DIR, scratch files to the /tmp emptyDir.
 * The CronJobs write their reports there (REPORTS_DIR). The API and the migration no longer need
 * it (it held tsx's transpile cache; they now run compiled JavaScript) but keep it: Node libraries
 * assume a writable os.tmpdir(), and an unused emptyDir costs nothing.
 */
export function volumes(s: EnvSettings): IVolume[] {
  const logs: IVolume = s.logsVolume
    ? { name: 'logs', persistentVolumeClaim: { claimName: s.logsVolume.claimName } }
    : { name: 'logs', emptyDir: { sizeLimit: '1Gi' } };
  return [{ name: 'tmp', emptyDir: { sizeLimit: '256Mi' } }, logs];
}

export const volumeMounts: IVolumeMount[] = [
  { name: 'tmp', mountPath: '/tmp' },
  { name: 'logs', mountPath: LOG_DIR },
];

const ROOT = new URL('../', import.meta.url);
const readJson = <T>(file: string): T => JSON.parse(readFileSync(new URL(file, ROOT), 'utf8')) as T;

/**
 * The source `npm run build` makes a build/ file from, read from the build's own configuration:
 * tsconfig.build.json (rootDir -> outDir: build/X.js <- src/X.ts) and the build script (the .mjs
 * files it copies as they are). The image holds build/, not src/; synth and the tests check a
 * command against src/ without running the build.
 */
export function sourceOf(built: string): string {
  const { rootDir, outDir } = readJson<{ compilerOptions: { rootDir: string; outDir: string } }>('tsconfig.build.json').compilerOptions;
  const rel = built.replace(/^\.\//, '');
  if (!rel.startsWith(`${outDir}/`)) throw new Error(`${built} is not under ${outDir}/`);
  const inner = rel.slice(outDir.length + 1);
  if (inner.endsWith('.js')) return `${rootDir}/${inner.slice(0, -'.js'.length)}.ts`;
  if (inner.endsWith('.mjs')) {
    const source = `${rootDir}/${inner}`;
    if (!readJson<{ scripts: { build: string } }>('package.json').scripts.build.includes(`cp ${source} `)) throw new Error(`npm run build does not copy ${source}`);
    return source;
  }
  throw new Error(`${built}: tsc writes .js files, the build script copies .mjs files`);
}

/**
 * Compiled JavaScript run by node, as `npm start` runs the API: no transpiler at run time, and
 * source maps turn stack traces back into src/ lines. `preload` modules load first (--import).
 */
export function nodeCommand(script: string, preload: string[] = []): string[] {
  for (const f of [script, ...preload]) sourceOf(f);
  return ['node', '--enable-source-maps', ...preload.flatMap((p) => ['--import', p]), script];
}

export function baseContainer(
  s: EnvSettings,
  name: string,
  command: string[],
  resources: Resources,
  secretKeys?: readonly SecretKeyDoc[],
): IContainer {
  return {
    name,
    image: s.image,
    imagePullPolicy: 'IfNotPresent',
    command,
    envFrom: [{ configMapRef: { name: NAMES.configMap } }],
    env: secretEnv(secretKeys),
    resources,
    securityContext: containerSecurityContext,
    volumeMounts,
  };
}
