/**
 * A known set of payments for the admin tests, and the figures they must produce, computed here
 * in plain JavaScript from the list (independently of the SQL under test).
 */
import type { Knex } from 'knex';
import { hoursAgo, insertPayments, seedMerchant, type SeedPayment } from './fixtures.ts';

export function adminSeed(now = Date.now()): SeedPayment[] {
  return [
    { status: 'successful', amount: 1500, createdAt: hoursAgo(1, now) },
    { status: 'successful', amount: 2500, createdAt: hoursAgo(2, now) },
    { status: 'successful', amount: 1000, createdAt: hoursAgo(23, now) },
    { status: 'successful', amount: 700, currency: 'XAF', network: 'mtn_cg', createdAt: hoursAgo(3, now) },
    { status: 'failed', amount: 3000, network: 'moov', failureReason: 'payer_not_found', createdAt: hoursAgo(4, now) },
    { status: 'expired', amount: 800, createdAt: hoursAgo(5, now) },
    { status: 'needs_review', amount: 900, createdAt: hoursAgo(6, now) },
    { status: 'pending', amount: 400, createdAt: hoursAgo(0.1, now) },
    { status: 'successful', amount: 10000, network: 'moov', createdAt: hoursAgo(72, now) },
    { status: 'successful', amount: 20000, network: 'moov', createdAt: hoursAgo(73, now) },
    { status: 'failed', amount: 1200, failureReason: 'insufficient_funds', createdAt: hoursAgo(74, now) },
    { status: 'failed', amount: 1300, failureReason: 'cancelled', createdAt: hoursAgo(75, now) },
    { status: 'successful', amount: 50000, createdAt: hoursAgo(240, now) },
    { status: 'successful', amount: 99999, createdAt: hoursAgo(960, now) },
  ];
}

export async function seedAdminData(db: Knex, now = Date.now()): Promise<SeedPayment[]> {
  const seed = adminSeed(now);
  await insertPayments(db, await seedMerchant(db), seed);
  return seed;
}

export interface Expected {
  payments: number;
  byStatus: Record<string, number>;
  successRate: number | null;
  collected: { currency: string; count: number; amount: number }[];
  failures: { amount: number; network: string; reason: string }[];
}

export function expected(seed: SeedPayment[], gte: Date, lt: Date, network: string | null = null): Expected {
  const rows = seed.filter((p) => p.createdAt >= gte && p.createdAt < lt && (network === null || (p.network ?? 'mtn') === network));
  const byStatus: Record<string, number> = { pending: 0, successful: 0, failed: 0, expired: 0, needs_review: 0 };
  for (const p of rows) byStatus[p.status]!++;
  const decided = byStatus.successful! + byStatus.failed! + byStatus.expired!;
  const collected = new Map<string, { currency: string; count: number; amount: number }>();
  for (const p of rows.filter((r) => r.status === 'successful')) {
    const c = collected.get(p.currency ?? 'XOF') ?? { currency: p.currency ?? 'XOF', count: 0, amount: 0 };
    c.count++;
    c.amount += p.amount;
    collected.set(c.currency, c);
  }
  return {
    payments: rows.length,
    byStatus,
    successRate: decided ? byStatus.successful! / decided : null,
    collected: [...collected.values()].sort((a, b) => a.currency.localeCompare(b.currency)),
    failures: rows
      .filter((r) => r.status === 'failed')
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())
      .map((r) => ({ amount: r.amount, network: r.network ?? 'mtn', reason: r.failureReason ?? 'insufficient_funds' })),
  };
}

export const utcDay = (d: Date) => d.toISOString().slice(0, 10);
export const DAY_MS = 86_400_000;
