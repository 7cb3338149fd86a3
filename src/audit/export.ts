/**
 * Exports payment_events then payout_events of a UTC day range as JSON Lines with one hash chain, and the manifest
 * beside it. The file is written under a temporary name and renamed once complete, so a crash
 * never leaves a short export that looks finished.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import type { Knex } from 'knex';
import { chainLine, GENESIS_HASH } from './hash-chain.ts';
import { readEvents } from './events.ts';
import { MANIFEST_FORMAT, manifestPathFor, type AuditManifest } from './manifest.ts';

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 86_400_000;

/** `2026-11-01` as the UTC midnight it starts with; refuses impossible dates like 2026-02-30. */
export function parseDay(value: string, name: string): Date {
  const d = new Date(`${value}T00:00:00Z`);
  if (!DAY.test(value) || Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== value) {
    throw new Error(`${name} must be a date like 2026-11-01, got "${value}"`);
  }
  return d;
}

export interface ExportResult {
  file: string;
  manifestFile: string;
  manifest: AuditManifest;
}

export async function exportAuditTrail(db: Knex, opts: { from: string; to: string; out: string }): Promise<ExportResult> {
  const gte = parseDay(opts.from, '--from');
  const lt = new Date(parseDay(opts.to, '--to').getTime() + DAY_MS);
  if (lt <= gte) throw new Error('--to must not be before --from');

  fs.mkdirSync(path.dirname(path.resolve(opts.out)), { recursive: true });
  const tmp = `${opts.out}.partial`;
  const out = fs.createWriteStream(tmp, { flags: 'w', mode: 0o640 });
  const fileHash = createHash('sha256');
  let prev = GENESIS_HASH;
  let count = 0;
  const span = () => ({ count: 0, first_id: null as string | null, last_id: null as string | null });
  const ids = { payment: span(), payout: span() };
  try {
    for await (const event of readEvents(db, gte, lt)) {
      const { line, hash } = chainLine(event, prev);
      const bytes = `${line}\n`;
      fileHash.update(bytes);
      if (!out.write(bytes)) await once(out, 'drain');
      prev = hash;
      count++;
      const stream = ids[event.stream === 'payout' ? 'payout' : 'payment'];
      stream.count++;
      stream.first_id ??= event.id;
      stream.last_id = event.id;
    }
    out.end();
    await once(out, 'finish');
  } catch (err) {
    out.destroy();
    fs.rmSync(tmp, { force: true });
    throw err;
  }
  const manifest: AuditManifest = {
    format: MANIFEST_FORMAT,
    from: opts.from,
    to: opts.to,
    range: { gte: gte.toISOString(), lt: lt.toISOString() },
    count,
    first_id: ids.payment.first_id,
    last_id: ids.payment.last_id,
    payouts: ids.payout,
    genesis_hash: GENESIS_HASH,
    final_hash: prev,
    file_sha256: fileHash.digest('hex'),
    exported_at: new Date().toISOString(),
  };
  fs.renameSync(tmp, opts.out);
  const manifestFile = manifestPathFor(opts.out);
  fs.writeFileSync(manifestFile, `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o640 });
  return { file: opts.out, manifestFile, manifest };
}
