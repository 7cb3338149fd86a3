/** The manifest written next to an export: what a verifier needs to notice a cut or a swap. */
export interface AuditManifest {
  format: 'feexpay-gateway/payment-events/v1';
  /** Inclusive UTC day range the operator asked for, and the half-open instant range used. */
  from: string;
  to: string;
  range: { gte: string; lt: string };
  /** Every line: payment events, then payout events. */
  count: number;
  /** Ids of the payment events (the lines without `stream`). */
  first_id: string | null;
  last_id: string | null;
  /** The payout events that follow them in the same chain (absent in exports made before payouts). */
  payouts?: { count: number; first_id: string | null; last_id: string | null };
  genesis_hash: string;
  final_hash: string;
  /** SHA-256 of the export file's bytes. */
  file_sha256: string;
  exported_at: string;
}

export const MANIFEST_FORMAT = 'feexpay-gateway/payment-events/v1' as const;

export function manifestPathFor(exportPath: string): string {
  return `${exportPath}.manifest.json`;
}
