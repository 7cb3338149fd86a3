/** `npm run merchant:create -- --name "Shop"`: creates a merchant and prints its API key once. */
import { parseArgs } from 'node:util';
import { loadConfig } from '../config.ts';
import { createKnex } from '../db/knex.ts';
import { migrateLatest } from '../db/migrate.ts';
import { createMerchant } from '../merchants/merchants.ts';

const { values } = parseArgs({ options: { name: { type: 'string' } } });
const name = values.name?.trim();
if (!name) {
  process.stderr.write('usage: npm run merchant:create -- --name "Merchant name"\n');
  process.exit(2);
}
const config = loadConfig();
const db = createKnex({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
try {
  await migrateLatest(db);
  const { merchant, apiKey, testApiKey } = await createMerchant(db, name);
  process.stdout.write(
    `merchant ${merchant.id} (${merchant.name})\n` +
      `live API key (shown once, store it now): ${apiKey}\n` +
      `test API key (shown once; payments go to the built-in simulator, no money moves): ${testApiKey}\n`,
  );
} finally {
  await db.destroy();
}
