/**
 * `npm run merchant:create -- --name "Shop" [--scopes payments,payouts]`: creates a merchant and
 * prints its live and test API keys once; without --scopes the keys collect payments only.
 * On the embedded database this works only while the service is stopped: the database is one
 * process's at a time, and the lock (db/embedded-lock.ts) refuses a second one with a message,
 * rather than printing a key written to a copy nobody will read.
 */
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config.ts';
import { closeDatabase, createKnex } from '../db/knex.ts';
import { migrateLatest } from '../db/migrate.ts';
import { createMerchant, parseScopes } from '../merchants/merchants.ts';

const { values } = parseArgs({ options: { name: { type: 'string' }, scopes: { type: 'string' } } });
const name = values.name?.trim();
const usage = 'usage: npm run merchant:create -- --name "Merchant name" [--scopes payments,payouts]\n';
if (!name) {
  process.stderr.write(usage);
  process.exit(2);
}
let scopes: ReturnType<typeof parseScopes>;
try {
  scopes = parseScopes(values.scopes ?? 'payments');
} catch (err) {
  process.stderr.write(`${(err as Error).message}\n${usage}`);
  process.exit(2);
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
