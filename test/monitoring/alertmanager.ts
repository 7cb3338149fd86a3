/** A throwaway Alertmanager (Debian's 0.25 binary) for inhibition tests, and its v2 API. */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './prometheus.ts';

export const ALERTMANAGER_BIN = 'prometheus-alertmanager';

export interface AmAlert {
  labels: Record<string, string>;
  status: { state: 'active' | 'suppressed' | 'unprocessed'; inhibitedBy: string[]; silencedBy: string[] };
}

export interface AmServer {
  post(alerts: Array<{ labels: Record<string, string>; annotations?: Record<string, string> }>): Promise<void>;
  alerts(): Promise<AmAlert[]>;
  stop(): Promise<void>;
}

/** Starts Alertmanager on `configYaml`, clustering off, listening on a free loopback port. */
export async function startAlertmanager(configYaml: string): Promise<AmServer> {
  const dir = mkdtempSync(join(tmpdir(), 'feexpay-am-'));
  writeFileSync(join(dir, 'alertmanager.yml'), configYaml);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(
    ALERTMANAGER_BIN,
    [`--config.file=${join(dir, 'alertmanager.yml')}`, `--storage.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--cluster.listen-address='],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout.on('data', (b: Buffer) => (output += b.toString()));
  child.stderr.on('data', (b: Buffer) => (output += b.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const server: AmServer = {
    async post(alerts) {
      const res = await fetch(`${url}/api/v2/alerts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(alerts) });
      if (!res.ok) throw new Error(`POST alerts: ${res.status} ${await res.text()}`);
    },
    async alerts() {
      return (await (await fetch(`${url}/api/v2/alerts`)).json()) as AmAlert[];
    },
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
  for (const until = Date.now() + 15_000; ; ) {
    try {
      if ((await fetch(`${url}/-/ready`)).ok) return server;
    } catch {
      // not listening yet
    }
    if (child.exitCode !== null || Date.now() > until) {
      await server.stop();
      throw new Error(`alertmanager did not become ready:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
