/**
 * How cost grows with what is stored: the same short creation and read loads with 10k, 100k and
 * (optionally) 1M payments already in the database, seeded in place between steps.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { createBenchDatabase, samplePaymentIds, seedPayments } from './database.ts';
import { getLoad, postLoad, type PassOptions } from './scenarios.ts';
import type { Proc } from './processes.ts';

export interface GrowthStep {
  stored: number;
  seedSeconds: number;
  postPerSec: number;
  postP99Ms: number;
  getPerSec: number;
  getP50Ms: number;
  getP99Ms: number;
}

export async function runGrowth(
  adminUrl: string,
  steps: number[],
  start: (databaseUrl: string) => Promise<Proc>,
  o: PassOptions,
  log: (line: string) => void,
): Promise<GrowthStep[]> {
  const b = await createBenchDatabase(adminUrl, 'growth');
  const results: GrowthStep[] = [];
  let seeded = 0;
  try {
    for (const target of steps) {
      const started = Date.now();
      await seedPayments(b, seeded, target);
      seeded = target;
      const seedSeconds = (Date.now() - started) / 1000;
      log(`growth: ${target.toLocaleString('en')} payments stored (seeded in ${seedSeconds.toFixed(1)} s)`);
      // A fresh process per step: nothing cached from the previous size.
      const service = await start(b.url);
      try {
        await postLoad(service, b, o, 2);
        await sleep(500);
        const post = await postLoad(service, b, o);
        const ids = await samplePaymentIds(b, 5_000);
        const get = await getLoad(service, b, ids, o);
        results.push({
          stored: target,
          seedSeconds,
          postPerSec: post.requestsPerSec,
          postP99Ms: post.p99Ms,
          getPerSec: get.requestsPerSec,
          getP50Ms: get.p50Ms,
          getP99Ms: get.p99Ms,
        });
        log(`growth ${target}: POST ${post.requestsPerSec.toFixed(0)}/s p99 ${post.p99Ms} ms; GET ${get.requestsPerSec.toFixed(0)}/s p50 ${get.p50Ms} p99 ${get.p99Ms} ms`);
      } finally {
        await service.stop();
      }
    }
  } finally {
    await b.drop();
  }
  return results;
}
