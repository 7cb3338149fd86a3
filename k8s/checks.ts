/**
 * What synth refuses before writing a manifest: settings that would deploy but misbehave. Each
 * message names the setting to change. Warnings are printed and do not stop the synth.
 */
import { enabledCronDefs } from './cronjobs.ts';
import { MAX_SURGE } from './api.ts';
import { JOB_POOL_MAX } from './pod.ts';
import { PLACEHOLDER_REGISTRY, type EnvSettings } from './settings.ts';

export interface ConnectionDemand {
  api: number;
  jobs: number;
  total: number;
  budget: number;
}

/**
 * Worst case of connections to the database: every HPA replica plus the rollout's surge pod with
 * a full pool each, the migration Job and every enabled CronJob with theirs. (A pod's init
 * container and its API container never hold connections at the same time. Draining pods,
 * which Kubernetes does not count against maxSurge, close their idle connections when the drain
 * starts: src/db/idle-connections.ts.)
 */
export function connectionDemand(s: EnvSettings): ConnectionDemand {
  const api = (s.replicas.max + MAX_SURGE) * s.database.poolMax;
  const jobs = (1 + enabledCronDefs(s).length) * JOB_POOL_MAX;
  return { api, jobs, total: api + jobs, budget: s.database.connectionBudget };
}

export function refusals(s: EnvSettings): string[] {
  const out: string[] = [];
  const production = s.env === 'production';
  if (production && s.image.startsWith(PLACEHOLDER_REGISTRY)) {
    out.push(`image ${s.image} is the placeholder: set SYNTH_IMAGE (or "image" in the settings file) to the pushed image`);
  }
  // Without Redis each replica counts rate limits on its own: N replicas allow N times the limit.
  if (production && s.replicas.max > 1 && !s.redis) {
    out.push(`${s.replicas.max} replicas without Redis would each count rate limits alone: set "redis": true (REDIS_URL in the Secret) or replicas.max to 1`);
  }
  const d = connectionDemand(s);
  if (d.total > d.budget) {
    out.push(
      `database connections: (${s.replicas.max} replicas + ${MAX_SURGE} surge) x pool ${s.database.poolMax} + jobs ${d.jobs} = ${d.total} > connectionBudget ${d.budget}: lower database.poolMax or replicas.max, or raise the budget (PgBouncer: docs/deploy.md)`,
    );
  }
  if (s.replicas.min > s.replicas.max || s.replicas.min < 1) out.push(`replicas.min ${s.replicas.min} must be between 1 and replicas.max ${s.replicas.max}`);
  if (production && !s.alerting.slack && !s.alerting.email) out.push('alerting: production needs Slack or email (alerting.slack / alerting.email) or no one hears an alert');
  if (!s.edge.gateway && !s.edge.ingress) out.push('edge: neither edge.gateway nor edge.ingress is set, the API would have no entry point');
  return out;
}

export function warnings(s: EnvSettings): string[] {
  const out: string[] = [];
  if (s.replicas.max > 1 && !s.redis) out.push(`${s.env}: ${s.replicas.max} replicas without Redis: rate limits count per replica`);
  if (s.env === 'production' && !s.image.includes('@sha256:')) out.push(`image ${s.image} is not pinned by digest: the tag could move under the same manifests`);
  // A warning, not a refusal: turning it on before the Secret holds the key would have the
  // operator reject the whole AlertmanagerConfig, every page with it.
  if (s.env === 'production' && !s.alerting.heartbeat)
    out.push('alerting.heartbeat is false: no one outside the cluster learns that Prometheus or Alertmanager died (put HEARTBEAT_URL in the Secret, then set it true)');
  return out;
}

/** Throws with every refusal at once. */
export function assertDeployable(s: EnvSettings): void {
  const problems = refusals(s);
  if (problems.length) throw new Error(`synth refuses the ${s.env} settings:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
}
