/**
 * Scheduled commands of the service, off by default: each is enabled in settings.ts once its
 * command exists in the image. Synth refuses to enable one whose script has no source in src/
 * (so `npm run build` cannot produce it), so a CronJob never ships that can only crash.
 */
import { existsSync } from 'node:fs';
import { CronJob } from 'kubernetes-models/batch/v1/CronJob';
import { NAMES, selectorLabels } from './names.ts';
import { sourceOf } from '../bundle/entry-points.ts';
import { baseContainer, basePodSpec, JOB_POOL_MAX, nodeCommand, withLogsVolume } from './pod.ts';
import type { CronSettings, EnvSettings } from './settings.ts';

export interface CronDef {
  key: keyof EnvSettings['cron'];
  name: string;
  component: string;
  /** Compiled script in the image (build/...js); its source is sourceOf(script). */
  script: string;
}

export const CRON_DEFS: readonly CronDef[] = [
  { key: 'weeklyReport', name: NAMES.weeklyReport, component: 'weekly-report', script: 'build/cli/report-weekly.js' },
  { key: 'logArchive', name: NAMES.logArchive, component: 'log-archive', script: 'build/cli/archive-logs.js' },
];

/**
 * The root filesystem is read-only: reports go to the /tmp emptyDir (they are sent, not kept).
 * A small pool: the connection budget counts it (checks.ts). The log archive mounts the whole
 * logs volume, every pod's directory.
 */
function jobContainer(s: EnvSettings, def: CronDef) {
  const base = baseContainer(s, def.component, nodeCommand(def.script), s.jobResources);
  const c = def.key === 'logArchive' ? withLogsVolume(base, s, 'whole') : base;
  return {
    ...c,
    env: [...(c.env ?? []), { name: 'REPORTS_DIR', value: '/tmp/reports' }, { name: 'DATABASE_POOL_MAX', value: String(JOB_POOL_MAX) }],
  };
}

export function cronJob(s: EnvSettings, def: CronDef, cron: CronSettings): CronJob {
  const labels = selectorLabels(def.component);
  return new CronJob({
    metadata: { name: def.name, labels },
    spec: {
      schedule: cron.schedule,
      timeZone: 'Etc/UTC',
      concurrencyPolicy: 'Forbid',
      startingDeadlineSeconds: 3600,
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 3,
      jobTemplate: {
        metadata: { labels },
        spec: {
          backoffLimit: 2,
          activeDeadlineSeconds: 3600,
          ttlSecondsAfterFinished: 7 * 24 * 3600,
          template: {
            metadata: { labels },
            spec: {
              ...basePodSpec(s, { logsVolume: def.key === 'logArchive' }),
              restartPolicy: 'Never',
              containers: [jobContainer(s, def)],
            },
          },
        },
      },
    },
  });
}

export interface CronOptions {
  /** Repository root to look for the scripts' sources in; tests pass a stand-in. */
  root: URL;
}

export function enabledCronDefs(s: EnvSettings): CronDef[] {
  return CRON_DEFS.filter((d) => s.cron[d.key].enabled);
}

export function enabledCronJobs(s: EnvSettings, opts: CronOptions): { defs: CronDef[]; jobs: CronJob[] } {
  const defs = enabledCronDefs(s);
  for (const d of defs) {
    const source = sourceOf(d.script);
    if (!existsSync(new URL(source, opts.root))) {
      throw new Error(`CronJob ${d.name} is enabled for ${s.env} but ${source} (built to ${d.script}) does not exist`);
    }
    if (d.key === 'logArchive' && !s.logsVolume) {
      throw new Error(`CronJob ${d.name} needs logsVolume: per-pod emptyDir logs are out of its reach`);
    }
  }
  return { defs, jobs: defs.map((d) => cronJob(s, d, s.cron[d.key])) };
}
