/**
 * Pieces every pod of the service shares (API, migration init container, CronJobs): the same
 * image, environment and hardening, so a Job never runs with weaker settings than the API.
 */
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IEnvVar } from 'kubernetes-models/v1/EnvVar';
import type { IPodSpec } from 'kubernetes-models/v1/PodSpec';
import type { IPodSecurityContext } from 'kubernetes-models/v1/PodSecurityContext';
import type { ISecurityContext } from 'kubernetes-models/v1/SecurityContext';
import type { IVolume } from 'kubernetes-models/v1/Volume';
import type { IVolumeMount } from 'kubernetes-models/v1/VolumeMount';
import { sourceOf } from '../bundle/entry-points.ts';
import { LOG_DIR } from './app-config.ts';
import { NAMES } from './names.ts';
import { secretEnv, type SecretKeyDoc } from './secrets.ts';
import type { EnvSettings, Resources } from './settings.ts';

/** uid/gid of the image's service user (Dockerfile): 10000 or more, outside host users' range. */
export const RUN_AS = 10001;

/** DATABASE_POOL_MAX of Job and CronJob containers (the migration CLI uses 2 itself: lock + work). */
export const JOB_POOL_MAX = 2;

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
 * The root filesystem is read-only: scratch files go to the /tmp emptyDir (the CronJobs write
 * their reports there, REPORTS_DIR; Node libraries assume a writable os.tmpdir()). File logs
 * (LOG_DIR) exist only with a shared logs volume, in the pods that mount it (withLogsVolume);
 * otherwise the service logs to stdout only.
 */
function volumes(s: EnvSettings, logs: boolean): IVolume[] {
  const tmp: IVolume = { name: 'tmp', emptyDir: { sizeLimit: '256Mi' } };
  return s.logsVolume && logs ? [tmp, { name: 'logs', persistentVolumeClaim: { claimName: s.logsVolume.claimName } }] : [tmp];
}

/** The pod's own name, for its log subdirectory (the downward API). */
export const POD_NAME_ENV = 'POD_NAME';

/**
 * The logs volume, in the containers that use it (only the API writes LOG_DIR's files). `own`: the
 * pod sees only its subdirectory of the shared volume (`<volume>/<pod name>`) as LOG_DIR, since
 * replicas writing the same files would rotate and delete each other's
 * (src/observability/log-writer-mark.ts); POD_NAME is in the container's env because
 * subPathExpr expands only those, not ConfigMap values. `whole`: the log-archive CronJob, which
 * reads every pod's directory.
 */
export function withLogsVolume(c: IContainer, s: EnvSettings, logs: 'own' | 'whole'): IContainer {
  if (!s.logsVolume) return c;
  const mount: IVolumeMount = { name: 'logs', mountPath: LOG_DIR, ...(logs === 'own' ? { subPathExpr: `$(${POD_NAME_ENV})` } : {}) };
  const podName: IEnvVar = { name: POD_NAME_ENV, valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } };
  return { ...c, env: logs === 'own' ? [podName, ...(c.env ?? [])] : c.env, volumeMounts: [...(c.volumeMounts ?? []), mount] };
}

/**
 * Pinned by digest, the image cannot change under its name: IfNotPresent, and pod starts do not
 * depend on the registry being up. A tag can move: Always, so every node runs what the tag names.
 */
export function pullPolicy(image: string): 'Always' | 'IfNotPresent' {
  return image.includes('@sha256:') ? 'IfNotPresent' : 'Always';
}

/**
 * The API's V8 flags, as in `npm start` and the image's CMD (measured: docs/benchmarks.md).
 * Semi-spaces of 8 MB: with 4 MB a read cost 0.47-0.50 ms of CPU against 0.38 at 16 MB, every
 * scavenge copying the requests in flight; since build/ is a bundle, 8 MB costs a read 5-8% of
 * CPU against 16 (payments: within the noise) and holds 12-18 MB less under load, which keeps
 * RSS under load below 180 MB. An old generation of at most 384 MB: with the default limit
 * (about 4 GB on a large node) V8 let the old generation grow to four times its live 50-70 MB
 * before collecting it (RSS under load up to 350 MB); a 384 MB limit keeps it within about 1.4
 * times, at no measurable CPU cost, and keeps the heap below the smallest memory limit of the
 * manifests (512 Mi), so the load shedding at 90% of the heap limit acts before the kernel's
 * OOM killer would.
 */
export const API_NODE_FLAGS = ['--max-semi-space-size=8', '--max-old-space-size=384'] as const;

/** Loaded first by every command: the project's own source maps (src/source-maps.ts). */
export const SOURCE_MAPS_PRELOAD = './build/source-maps.js';

/**
 * Compiled JavaScript run by node, as `npm start` runs the API: no transpiler at run time, and
 * the project's source maps turn stack traces back into src/ lines. `preload` modules load first
 * (--import), after the source maps; `args` follow the script; `flags` come first.
 */
export function nodeCommand(script: string, preload: string[] = [], args: string[] = [], flags: readonly string[] = []): string[] {
  const preloads = [SOURCE_MAPS_PRELOAD, ...preload];
  for (const f of [script, ...preloads]) sourceOf(f);
  return ['node', ...flags, ...preloads.flatMap((p) => ['--import', p]), script, ...args];
}

export function baseContainer(s: EnvSettings, name: string, command: string[], resources: Resources, secretKeys?: readonly SecretKeyDoc[]): IContainer {
  return {
    name,
    image: s.image,
    imagePullPolicy: pullPolicy(s.image),
    command,
    envFrom: [{ configMapRef: { name: NAMES.configMap } }],
    env: secretEnv(secretKeys, s.redis ? ['REDIS_URL'] : []),
    resources,
    securityContext: containerSecurityContext,
    volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
  };
}

/**
 * What every pod of the service shares around its containers: the service account without a
 * token, no service links, the pod security context, the volumes and the optional priority class.
 */
export function basePodSpec(s: EnvSettings, opts: { logsVolume?: boolean } = {}): Omit<IPodSpec, 'containers'> {
  return {
    serviceAccountName: NAMES.serviceAccount,
    automountServiceAccountToken: false,
    enableServiceLinks: false,
    securityContext: podSecurityContext,
    ...(s.priorityClassName ? { priorityClassName: s.priorityClassName } : {}),
    volumes: volumes(s, opts.logsVolume ?? false),
  };
}
