/**
 * `npm run audit:export -- --from 2026-11-01 --to 2026-11-30 [--out file]` writes the payment
 * and payout events of those UTC days as hash-chained JSON Lines plus a manifest.
 * `npm run audit:export -- --verify file` checks an export; exit code 1 if it was tampered with.
 */
import path from 'node:path';
import { loadConfig } from '../config.ts';
import { createKnex } from '../db/knex.ts';
import { migrateLatest } from '../db/migrate.ts';
import { exportAuditTrail } from '../audit/export.ts';
import { verifyAuditExport } from '../audit/verify.ts';
import { parseCliArgs, UsageError } from './cli-args.ts';
import { runCli } from './run-cli.ts';

const USAGE =
  'usage: npm run audit:export -- --from YYYY-MM-DD --to YYYY-MM-DD [--out file]\n' +
  '       npm run audit:export -- --verify file\n' +
  'Writes the payment and payout events of those UTC days as hash-chained JSON Lines and a manifest,\n' +
  'or checks such an export (exit 1 if it was tampered with).\n';

const { values } = parseCliArgs('audit:export', USAGE, {
  from: { type: 'string' },
  to: { type: 'string' },
  out: { type: 'string' },
  verify: { type: 'string' },
});

async function main(): Promise<number> {
  if (values.verify) {
    const result = await verifyAuditExport(values.verify);
    process.stdout.write(`${result.ok ? 'OK' : 'TAMPERED'}: ${result.count} events, final hash ${result.finalHash}\n`);
    for (const p of result.problems) process.stdout.write(`  ${p}\n`);
    return result.ok ? 0 : 1;
  }
  if (!values.from || !values.to) throw new UsageError('--from and --to are required (or --verify)');
  const config = loadConfig();
  const out = values.out ?? path.join(config.operators.reportsDir, 'audit', `payment-events_${values.from}_${values.to}.jsonl`);
  const db = createKnex({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolMax: 2 });
  try {
    // A fresh embedded database has no tables yet: an empty export beats a SQL error.
    if (config.migrateOnStart) await migrateLatest(db);
    const { file, manifestFile, manifest } = await exportAuditTrail(db, { from: values.from, to: values.to, out });
    process.stdout.write(
      `exported ${manifest.count} events (payment ids ${manifest.first_id ?? '-'}..${manifest.last_id ?? '-'}, ` +
        `${manifest.payouts?.count ?? 0} payout events)\n` +
        `  file:       ${file}\n  manifest:   ${manifestFile}\n  final hash: ${manifest.final_hash}\n`,
    );
    return 0;
  } finally {
    await db.destroy();
  }
}

runCli('audit:export', main, USAGE);
