/**
 * `npm run merchant:create -- --name "Shop" [--scopes payments,payouts]`: creates a merchant and
 * prints its live and test API keys once. Without --scopes the keys collect payments only.
 */
import { parseArgs } from 'node:util';
import { loadConfig } from '../config.ts';
import { createKnex } from '../db/knex.ts';
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
  await db.destroy();
}
