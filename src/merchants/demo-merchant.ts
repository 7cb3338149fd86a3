/**
 * On the embedded default (no DATABASE_URL) the database is private to this process, so
 * `npm run merchant:create` cannot run beside it: the first start creates a demo merchant and
 * writes its key to a file readable by the owner only (never to the log).
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { createMerchant } from './merchants.ts';

const exists = (file: string): Promise<boolean> =>
  fs.access(file).then(
    () => true,
    () => false,
  );

export async function ensureDemoMerchant(app: FastifyInstance, dataDir: string): Promise<void> {
  const file = path.join(dataDir, 'demo-merchant-key.txt');
  const [row] = await app.db('merchants').count<{ count: number }[]>('* as count');
  const count = row?.count ?? 0;
  if (Number(count) > 0) {
    // Merchants made by merchant:create, or a key file removed since: there is no key to point to.
    if (await exists(file)) app.log.info({ key_file: file }, 'demo merchant API key is in the key file');
    return;
  }
  // On the embedded default (no FeexPay account) the demo key is a test key: its payments go to
  // the simulator whatever is configured later. Pointed at a FeexPay (a stand-alone simulator,
  // say), the embedded database is a developer's: the demo key is then the live one.
  // The demo shows every route, payouts included (its payouts go where its payments go).
  const { apiKey, testApiKey } = await createMerchant(app.db, 'Demo merchant', ['payments', 'payouts']);
  const live = app.feexpayHealth().mode === 'live';
  await fs.writeFile(file, (live ? apiKey : testApiKey) + '\n', { mode: 0o600 });
  if (live) app.log.warn({ key_file: file, key_mode: 'live' }, 'created a demo merchant; its LIVE API key is in the key file: its payments go to the configured FeexPay');
  else
    app.log.warn(
      { key_file: file, key_mode: 'test' },
      'created a demo merchant; its TEST API key (fgw_test_...) is in the key file: payments go to the built-in simulator, no money moves',
    );
}
