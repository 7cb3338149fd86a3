/** `npm run migrate`: applies the knex migrations (the Kubernetes init container runs this). */
import { loadConfig } from '../config.ts';
import { createKnex } from '../db/knex.ts';
import { migrateLatest } from '../db/migrate.ts';

const config = loadConfig();
const db = createKnex({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
try {
  const applied = await migrateLatest(db);
  process.stdout.write(applied.length ? `applied: ${applied.join(', ')}\n` : 'database already up to date\n');
} finally {
  await db.destroy();
}
