/**
 * `npm run merchant:create -- --name "Shop" [--scopes payments,payouts]`: creates a merchant and
 * prints its live and test API keys once; without --scopes the keys collect payments only.
 * On the embedded database this works only while the service is stopped: the database is one
 * process's at a time, and the lock (db/embedded-lock.ts) refuses a second one with a message,
 * rather than printing a key written to a copy nobody will read.
 */
import { ConfigError, loadConfig } from '../config.ts';
import { closeDatabase, createKnex } from '../db/knex.ts';
import { migrateLatest } from '../db/migrate.ts';
import { createMerchant, parseScopes } from '../merchants/merchants.ts';
import { parseCliArgs, usageFailure } from './cli-args.ts';

const usage =
  'usage: npm run merchant:create -- --name "Merchant name" [--scopes payments,payouts]\n' +
  'Creates a merchant and prints its live and test API keys once (default scope: payments).\n';
const { values } = parseCliArgs('merchant:create', usage, { name: { type: 'string' }, scopes: { type: 'string' } });
const name = values.name?.trim();
if (!name) usageFailure('merchant:create', usage, '--name is required');
let scopes: ReturnType<typeof parseScopes>;
try {
  scopes = parseScopes(values.scopes ?? 'payments');
} catch (err) {
  usageFailure('merchant:create', usage, (err as Error).message);
}
try {
  const config = loadConfig();
  const db = createKnex({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    await migrateLatest(db);
    const { merchant, apiKey, testApiKey } = await createMerchant(db, name, scopes);
    process.stdout.write(
      `merchant ${merchant.id} (${merchant.name}), scopes ${merchant.scopes.join(',')}\n` +
        `live API key (shown once, store it now): ${apiKey}\n` +
        `test API key (shown once; payments go to the built-in simulator, no money moves): ${testApiKey}\n`,
    );
  } finally {
    await closeDatabase(db);
  }
} catch (err) {
  process.stderr.write(`merchant:create: ${err instanceof ConfigError ? err.message : (err as Error).message}\n`);
  process.exit(1);
}
