/**
 * Hot-path statements without knex's query builder: the SQL is fixed, written once with named
 * bindings (`:name`, as knex.raw takes them) and turned into `$n` text at load, and each call runs
 * on a connection of knex's own pool through knex's own client, so its timeouts, search_path and
 * dropping of a timed-out connection (db/knex.ts) still apply. On PostgreSQL it is a named
 * prepared statement: the server parses and plans it once per connection (a read cost PostgreSQL
 * 0.06 ms of CPU instead of 0.17 ms on this machine). On the embedded PGlite the same text runs
 * unnamed. Behind a pooler that hands each transaction another server session (PgBouncer in
 * transaction mode without max_prepared_statements) a named statement fails before it runs, with
 * "does not exist" or "already exists": the handle then runs every statement unnamed from there
 * on, and the failed one again.
 *
 * Why: in a CPU profile knex's builder, binding positioning and promise layers were about a sixth
 * of the service's CPU per read and a fifth per payment, and the large claim-and-insert statement
 * was parsed and planned by PostgreSQL on every payment.
 */
import type { Knex } from 'knex';
import { isEmbedded } from './knex.ts';

interface KnexClientInternals {
  acquireConnection(): Promise<unknown>;
  releaseConnection(connection: unknown): Promise<unknown>;
  _query(connection: unknown, obj: { sql: string; bindings: unknown[]; options?: Record<string, unknown> }): Promise<{ response: { rows: unknown[] } }>;
  emit(event: string, data: unknown): boolean;
}

export interface Prepared<B extends Record<string, unknown>> {
  (db: Knex, bindings: B): Promise<Record<string, unknown>[]>;
  readonly text: string;
}

/** Handles whose server refused a named statement: unnamed from then on. */
const unnamedOnly = new WeakSet<Knex>();
const INVALID_STATEMENT_NAME = '26000';
const DUPLICATE_PREPARED_STATEMENT = '42P05';

/** `:name` bindings become `$1`, `$2`, ...; a cast (`::jsonb`) is left alone. */
function positional(sql: string): { text: string; names: string[] } {
  const names: string[] = [];
  const text = sql.replace(/(?<![:\w]):([A-Za-z_]\w*)/g, (_m, name: string) => {
    const at = names.indexOf(name);
    if (at >= 0) return `$${at + 1}`;
    names.push(name);
    return `$${names.length}`;
  });
  return { text, names };
}

/** A statement named `name` (unique per text: PostgreSQL keeps it per connection by that name). */
export function prepared<B extends Record<string, unknown>>(name: string, sql: string): Prepared<B> {
  const { text, names } = positional(sql);
  const run = async (db: Knex, bindings: B) => {
    const values = names.map((n) => {
      if (!(n in bindings)) throw new Error(`statement ${name}: no binding for :${n}`);
      return bindings[n];
    });
    const client = db.client as unknown as KnexClientInternals;
    // Listeners of knex's 'query' event (statement counts) see these statements too.
    client.emit('query', { sql: text, bindings: values, method: 'raw' });
    const connection = await client.acquireConnection();
    try {
      const named = !isEmbedded(db) && !unnamedOnly.has(db);
      try {
        const obj = await client._query(connection, { sql: text, bindings: values, options: named ? { name } : undefined });
        return obj.response.rows as Record<string, unknown>[];
      } catch (err) {
        const code = (err as { code?: string }).code;
        if (!named || (code !== INVALID_STATEMENT_NAME && code !== DUPLICATE_PREPARED_STATEMENT)) throw err;
        // Refused at parse or bind, before it ran: running it again cannot do it twice.
        unnamedOnly.add(db);
        const obj = await client._query(connection, { sql: text, bindings: values });
        return obj.response.rows as Record<string, unknown>[];
      }
    } finally {
      await client.releaseConnection(connection);
    }
  };
  return Object.assign(run, { text });
}
