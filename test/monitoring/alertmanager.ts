/** A throwaway Alertmanager (Debian's 0.25 binary) for the inhibition, notification and heartbeat tests, and its v2 API. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { forAlertmanager025 } from './am-compat.ts';
import { startDaemon } from './daemon.ts';

export const ALERTMANAGER_BIN = 'prometheus-alertmanager';

export interface AmAlert {
  labels: Record<string, string>;
  status: { state: 'active' | 'suppressed' | 'unprocessed'; inhibitedBy: string[]; silencedBy: string[] };
}

export interface AmServer {
  url: string;
  post(alerts: Array<{ labels: Record<string, string>; annotations?: Record<string, string>; startsAt?: string; endsAt?: string }>): Promise<void>;
  alerts(): Promise<AmAlert[]>;
  /** What it printed so far: the reason when a delivery test fails. */
  log(): string;
  stop(): Promise<void>;
}

/**
 * Starts Alertmanager on `configYaml`, clustering off, listening on a free loopback port. The
 * heartbeat's `url_file` is read here (am-compat.ts): write the file before starting.
 */
export async function startAlertmanager(configYaml: string): Promise<AmServer> {
  const dir = mkdtempSync(join(tmpdir(), 'feexpay-am-'));
  writeFileSync(join(dir, 'alertmanager.yml'), forAlertmanager025(configYaml));
  const { url, stop, log } = await startDaemon(ALERTMANAGER_BIN, [
    `--config.file=${join(dir, 'alertmanager.yml')}`,
    `--storage.path=${join(dir, 'data')}`,
    '--cluster.listen-address=',
  ]);
  return {
    url,
    async post(alerts) {
      const res = await fetch(`${url}/api/v2/alerts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(alerts) });
      if (!res.ok) throw new Error(`POST alerts: ${res.status} ${await res.text()}`);
    },
    async alerts() {
      return (await (await fetch(`${url}/api/v2/alerts`)).json()) as AmAlert[];
    },
    log,
    stop,
  };
}
