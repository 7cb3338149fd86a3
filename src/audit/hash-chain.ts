/**
 * The hash chain of an audit export. Each line is the canonical JSON of one event plus the hash
 * of the line before it; its own hash covers both, so changing, removing or reordering any line
 * breaks every hash after it. Canonical means sorted keys and no spaces, so the hash does not
 * depend on how a tool re-serialises the object.
 */
import { createHash } from 'node:crypto';

/** The `prev_hash` of the first line of every export. */
export const GENESIS_HASH = '0'.repeat(64);

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export function canonicalJson(value: Json): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const keys = Object.keys(value).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k] as Json)}`).join(',')}}`;
}

export function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** A record's hash: over its canonical form including `prev_hash`, excluding `hash` itself. */
export function hashRecord(record: { [key: string]: Json }, prevHash: string): string {
  const { hash: _ignored, ...rest } = record;
  return sha256(canonicalJson({ ...rest, prev_hash: prevHash }));
}

/** The exported line for a record: the record, its predecessor's hash and its own. */
export function chainLine(record: { [key: string]: Json }, prevHash: string): { line: string; hash: string } {
  const hash = hashRecord(record, prevHash);
  return { line: canonicalJson({ ...record, prev_hash: prevHash, hash }), hash };
}
