/**
 * Checks an export against its own chain and its manifest. Any edited, dropped, inserted or
 * reordered line, or a truncated file, shows up as a problem naming the line.
 */
import fs from 'node:fs';
import readline from 'node:readline';
import { createHash } from 'node:crypto';
import { hashRecord, type Json } from './hash-chain.ts';
import { MANIFEST_FORMAT, manifestPathFor, type AuditManifest } from './manifest.ts';

export interface VerifyResult {
  ok: boolean;
  count: number;
  finalHash: string;
  problems: string[];
}

const MAX_PROBLEMS = 20;

export async function verifyAuditExport(file: string, manifestFile = manifestPathFor(file)): Promise<VerifyResult> {
  const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as AuditManifest;
  const problems: string[] = [];
  const problem = (text: string) => {
    if (problems.length < MAX_PROBLEMS) problems.push(text);
  };
  if (manifest.format !== MANIFEST_FORMAT) problem(`manifest format is "${manifest.format}", expected ${MANIFEST_FORMAT}`);

  const fileHash = createHash('sha256');
  let prev = manifest.genesis_hash;
  let count = 0;
  // Per stream: payment lines, then payout lines, each in id order.
  const seen = {
    payment: { count: 0, first: null as string | null, last: null as string | null },
    payout: { count: 0, first: null as string | null, last: null as string | null },
  };
  const lines = readline.createInterface({ input: fs.createReadStream(file, 'utf8'), crlfDelay: Infinity });
  for await (const line of lines) {
    count++;
    fileHash.update(`${line}\n`);
    let record: { [key: string]: Json };
    try {
      record = JSON.parse(line) as { [key: string]: Json };
    } catch {
      problem(`line ${count}: not JSON`);
      continue;
    }
    if (record.prev_hash !== prev) problem(`line ${count}: prev_hash does not match the line before`);
    const { prev_hash: _p, ...rest } = record;
    const expected = hashRecord(rest, typeof record.prev_hash === 'string' ? record.prev_hash : '');
    if (record.hash !== expected) problem(`line ${count}: content does not match its hash (edited)`);
    const id = String(record.id);
    const stream = record.stream === 'payout' ? 'payout' : 'payment';
    const s = seen[stream];
    if (stream === 'payment' && seen.payout.count > 0) problem(`line ${count}: a payment event after the payout events`);
    if (s.last !== null && BigInt(id) <= BigInt(s.last)) problem(`line ${count}: id ${id} is not after ${s.last}`);
    s.count++;
    s.first ??= id;
    s.last = id;
    prev = typeof record.hash === 'string' ? record.hash : '';
  }

  if (count !== manifest.count) problem(`manifest says ${manifest.count} events, file has ${count}`);
  if (seen.payment.first !== manifest.first_id || seen.payment.last !== manifest.last_id) problem('first or last id differs from the manifest');
  const payouts = manifest.payouts ?? { count: 0, first_id: null, last_id: null };
  if (seen.payout.count !== payouts.count || seen.payout.first !== payouts.first_id || seen.payout.last !== payouts.last_id) {
    problem('payout events differ from the manifest (count, first or last id)');
  }
  if (prev !== manifest.final_hash) problem('final hash differs from the manifest');
  if (fileHash.digest('hex') !== manifest.file_sha256) problem('file SHA-256 differs from the manifest');
  return { ok: problems.length === 0, count, finalHash: prev, problems };
}
