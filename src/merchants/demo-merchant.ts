/**
 * On the embedded default (no DATABASE_URL) the database is private to this process, so
 * `npm run merchant:create` cannot run beside it: the first start creates a demo merchant and
 * writes its key to a file readable by the owner only (never to the log).
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { createMerchant } from './merchants.ts';

export async function ensureDemoMerchant(app: FastifyInstance, dataDir: string): Promise<void> {
  const file = path.join(dataDir, 'demo-merchant-key.txt');
  const [row] = await app.db('merchants').count<{ count: number }[]>('* as count');
  const count = row?.count ?? 0;
  if (Number(count) > 0) {
    app.log.info({ key_file: file }, 'demo merchant API key is in the key file');
    return;
  }
  // The demo merchant's key is a test key: its payments go to the simulator in any deployment.
  // It may pay out too: a test key's payouts go to the simulator as well.
  const { testApiKey } = await createMerchant(app.db, 'Demo merchant', ['payments', 'payouts']);
  await fs.writeFile(file, testApiKey + '\n', { mode: 0o600 });
  app.log.warn({ key_file: file, key_mode: 'test' }, 'created a demo merchant; its TEST API key (fgw_test_...) is in the key file: test payments go to the simulator, no money moves');
}
