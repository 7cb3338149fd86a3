/**
 * The one place a release's migrations run: a Job named after its own content (image, command,
 * settings), so each release gets a new Job while re-applying the same release changes nothing
 * (a Job's pod template is immutable: an in-place change could not be applied). The API pods'
 * init container waits for it (api.ts); concurrent Jobs are safe (the advisory lock of
 * src/db/migration-lock.ts), so a rollback re-applying an older release's Job is harmless: that
 * build reports the newer migrations and exits 0.
 */
import { Job } from 'kubernetes-models/batch/v1/Job';
import { configChecksum } from './app-config.ts';
import { APP_NAME, selectorLabels } from './names.ts';
import { baseContainer, basePodSpec, nodeCommand } from './pod.ts';
import { MIGRATION_SECRET_KEYS } from './secrets.ts';
import type { EnvSettings } from './settings.ts';

export const MIGRATE_COMPONENT = 'migrate';

/** How long a release's migrations may run (the Job's activeDeadlineSeconds). */
export const MIGRATION_DEADLINE_SECONDS = 1800;

export function migrateJob(s: EnvSettings): Job {
  const labels = selectorLabels(MIGRATE_COMPONENT);
  const container = baseContainer(s, MIGRATE_COMPONENT, nodeCommand('build/cli/migrate.js'), s.jobResources, MIGRATION_SECRET_KEYS);
  const podSpec = { ...basePodSpec(s), restartPolicy: 'Never' as const, containers: [container] };
  return new Job({
    metadata: {
      name: `${APP_NAME}-migrate-${configChecksum(podSpec).slice(0, 10)}`,
      labels,
      annotations: { 'feexpay.example.com/image': s.image },
    },
    spec: {
      backoffLimit: 3,
      // Bounded: a migration stuck behind a lock or a long table rewrite fails visibly.
      activeDeadlineSeconds: MIGRATION_DEADLINE_SECONDS,
      // Finished Jobs go away after a week; re-applying then runs the (idempotent) Job again.
      ttlSecondsAfterFinished: 7 * 24 * 3600,
      template: { metadata: { labels }, spec: podSpec },
    },
  });
}
