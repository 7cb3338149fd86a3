/** A throwaway Prometheus server (Debian's 2.42 binary) for end-to-end tests, and its HTTP API. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { startDaemon } from './daemon.ts';

export interface PromServer {
  url: string;
  query(expr: string): Promise<Array<{ metric: Record<string, string>; value: [number, string] }>>;
  stop(): Promise<void>;
  log(): string;
}

export interface PromOptions {
  /** Alertmanager to send alerts to (its base URL); none by default. */
  alertmanager?: string;
  /** More command-line flags, e.g. a short `--rules.alert.resend-delay`. */
  args?: string[];
}

/** Starts Prometheus scraping `target` every second as `job`, with the given rule files loaded. */
export async function startPrometheus(job: string, target: string, ruleFiles: Record<string, string>, opts: PromOptions = {}): Promise<PromServer> {
  const dir = mkdtempSync(join(tmpdir(), 'feexpay-prom-'));
  for (const [file, text] of Object.entries(ruleFiles)) writeFileSync(join(dir, file), text);
  writeFileSync(
    join(dir, 'prometheus.yml'),
    stringify({
      global: { scrape_interval: '1s', evaluation_interval: '1s' },
      rule_files: Object.keys(ruleFiles),
      scrape_configs: [{ job_name: job, static_configs: [{ targets: [target] }] }],
      ...(opts.alertmanager ? { alerting: { alertmanagers: [{ static_configs: [{ targets: [new URL(opts.alertmanager).host] }] }] } } : {}),
    }),
  );
  const daemon = await startDaemon('prometheus', [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, ...(opts.args ?? [])]);
  return {
    ...daemon,
    async query(expr) {
      const res = await fetch(`${daemon.url}/api/v1/query?query=${encodeURIComponent(expr)}`);
      const body = (await res.json()) as { status: string; data: { result: Array<{ metric: Record<string, string>; value: [number, string] }> } };
      if (body.status !== 'success') throw new Error(`query failed: ${expr}`);
      return body.data.result;
    },
  };
}
