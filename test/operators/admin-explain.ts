/**
 * The dashboard's queries can be answered from the payments indexes: each is a created_at range
 * (or status + created_at range), never a function of the column. Sequential scans are switched
 * off for the check because on a test-sized table the planner rightly prefers them; the plans on
 * a million rows are in docs/operators.md (test/operators/summary-1m.bench.ts prints them).
 * Registered from admin-api.test.ts, on its database, to spare a database per file.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Knex } from 'knex';
import { FAILURES_SQL, GROUPED_SQL } from '../../src/admin/queries.ts';
import { countStuck, oldestStuck } from '../../src/admin/stuck.ts';

interface PlanNode {
  'Node Type': string;
  'Index Name'?: string;
  'Index Cond'?: string;
  Plans?: PlanNode[];
}

const flatten = (n: PlanNode): PlanNode[] => [n, ...(n.Plans ?? []).flatMap(flatten)];

async function plan(db: Knex, sql: string, bindings: unknown[]): Promise<PlanNode[]> {
  return db.transaction(async (trx) => {
    await trx.raw('SET LOCAL enable_seqscan = off');
    const { rows } = await trx.raw(`EXPLAIN (FORMAT JSON) ${sql}`, bindings as never);
    const raw = (rows as Record<string, unknown>[])[0]!['QUERY PLAN'];
    const doc = (typeof raw === 'string' ? JSON.parse(raw) : raw) as { Plan: PlanNode }[];
    return flatten(doc[0]!.Plan);
  });
}

// On a few rows the planner may pick either created_at index; on a million it takes
// payments_created_idx (see docs/operators.md). What matters here: a created_at index condition.
const rangeIndex = (n: PlanNode) =>
  (n['Index Name'] === 'payments_created_idx' || n['Index Name'] === 'payments_status_created_idx') && /created_at >=/.test(n['Index Cond'] ?? '');

const describePlan = (nodes: PlanNode[]) => JSON.stringify(nodes.map((n) => [n['Node Type'], n['Index Name'], n['Index Cond']]));

export function explainTests(database: () => Knex): void {
  describe('admin queries use the payments indexes', () => {
    const range = [new Date(Date.now() - 14 * 86_400_000), new Date()];
    const w = 'created_at >= ? AND created_at < ?';

    test('the per-day/status/currency aggregate is an index range scan on created_at', async () => {
      await database().raw('ANALYZE payments');
      for (const [sql, b] of [
        [GROUPED_SQL(w), range],
        [GROUPED_SQL(`${w} AND network = ?`), [...range, 'moov']],
      ] as const) {
        const nodes = await plan(database(), sql, [...b]);
        assert.ok(nodes.some(rangeIndex), describePlan(nodes));
        assert.ok(!nodes.some((n) => n['Node Type'] === 'Seq Scan'));
      }
    });

    // Pending rows only: the partial index on pending payments, or (status, created_at).
    test('the stuck pending payments are read from an index on pending payments', async () => {
      const f = { network: 'moov', livemode: true, now: new Date() };
      for (const q of [countStuck(database(), f), oldestStuck(database(), f)]) {
        const { sql, bindings } = q.toSQL();
        const nodes = await plan(database(), sql, [...bindings]);
        const pendingIndex = (n: PlanNode) =>
          n['Index Name'] === 'payments_due_idx' || (n['Index Name'] === 'payments_status_created_idx' && /status = 'pending'/.test(n['Index Cond'] ?? ''));
        assert.ok(nodes.some(pendingIndex), describePlan(nodes));
        assert.ok(!nodes.some((n) => n['Node Type'] === 'Seq Scan'));
      }
    });

    // (status, created_at) on a small table; created_at read backwards on a million rows, where
    // the first 20 failures are found within a few hundred index entries. Both are range scans.
    test('the latest failures are an index range scan too', async () => {
      const nodes = await plan(database(), FAILURES_SQL(`${w} AND network = ?`), [...range, 'moov', 20]);
      assert.ok(nodes.some(rangeIndex), describePlan(nodes));
      assert.ok(!nodes.some((n) => n['Node Type'] === 'Seq Scan'));
    });
  });
}
