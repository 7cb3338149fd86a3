/**
 * One merchant's rows of a table, newest first, a page at a time: the filters and keyset cursor
 * that GET /v1/payments and GET /v1/payouts share (on their (merchant_id, created_at, id) index).
 */
import type { Knex } from 'knex';

export interface ListFilter<S extends string = string, N extends string = string> {
  merchantId: string;
  /** A test key lists test objects only, a live key live ones. */
  livemode: boolean;
  status?: S;
  network?: N;
  createdGte?: Date;
  createdLt?: Date;
  /** Keyset position: the last row of the previous page. */
  after?: { createdAt: Date; id: string };
  limit: number;
}

export function listNewestFirst<Row extends object>(db: Knex, table: 'payments' | 'payouts', f: ListFilter): Promise<Row[]> {
  const q = db(table).where({ merchant_id: f.merchantId, livemode: f.livemode });
  if (f.status) q.andWhere('status', f.status);
  if (f.network) q.andWhere('network', f.network);
  if (f.createdGte) q.andWhere('created_at', '>=', f.createdGte);
  if (f.createdLt) q.andWhere('created_at', '<', f.createdLt);
  if (f.after) q.andWhereRaw('(created_at, id) < (?, ?)', [f.after.createdAt, f.after.id]);
  return q
    .orderBy([
      { column: 'created_at', order: 'desc' },
      { column: 'id', order: 'desc' },
    ])
    .limit(f.limit) as unknown as Promise<Row[]>;
}
