/**
 * Many callers' rows in one statement (natural batching): while a batch is in flight, later callers
 * queue, and the next batch takes the queue (up to `maxRows`) as one statement, so one round trip
 * and one commit. No caller waits for a timer: a row that finds nothing in flight runs at once,
 * alone, so at low load every batch holds one row and only under load do batches grow, with the
 * queue. Why: on PostgreSQL most of a payment's database CPU is per statement and per commit, not
 * per row (docs/benchmarks.md).
 *
 * A statement is atomic, so a batch that fails did nothing. A failure one row can cause (a
 * constraint, bad data, a trigger's refusal) is retried row by row, so that only that row's caller
 * sees it. Any other failure (the connection, a timeout, the server shutting down) is every row's:
 * the batch's rows are rejected with it at once, with no retry that would double a silent server's
 * wait, and so are the rows queued behind it, which would meet the same server. So no row waits
 * longer than the one statement in flight ahead of it, as a lone statement waits for the pool.
 */

export interface BatchOptions<I> {
  /** Most rows in one statement. */
  maxRows: number;
  /** Batches in flight at once (each holds a pool connection while it runs). */
  maxInFlight: number;
  /** Rows with the same key never share a statement (one statement cannot claim one key twice). */
  keyOf: (row: I) => string;
  /** Told the rows of each statement sent (a metric). */
  onStatement?: (rows: number) => void;
}

interface Queued<I, O> {
  row: I;
  resolve: (out: O) => void;
  reject: (err: unknown) => void;
}

/** SQLSTATE classes a single row can raise: data exception, integrity constraint, cardinality, deadlock or serialization (the retry runs alone), PL/pgSQL raise. */
const ROW_CLASSES = new Set(['21', '22', '23', '40', 'P0']);

function rowCaused(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.length === 5 && ROW_CLASSES.has(code.slice(0, 2));
}

/**
 * `run` gets the batch's rows and answers one result per row, in the same order.
 * The returned function queues one row and settles with its result.
 */
export function statementBatch<I, O>(run: (rows: I[]) => Promise<O[]>, opts: BatchOptions<I>): (row: I) => Promise<O> {
  let queue: Queued<I, O>[] = [];
  let inFlight = 0;

  /** The next batch: the oldest rows, one per key, up to maxRows; the others stay queued in order. */
  function take(): Queued<I, O>[] {
    const keys = new Set<string>();
    const batch: Queued<I, O>[] = [];
    const rest: Queued<I, O>[] = [];
    for (const q of queue) {
      const key = opts.keyOf(q.row);
      if (batch.length < opts.maxRows && !keys.has(key)) {
        keys.add(key);
        batch.push(q);
      } else rest.push(q);
    }
    queue = rest;
    return batch;
  }

  async function runAlone(q: Queued<I, O>): Promise<void> {
    try {
      opts.onStatement?.(1);
      const [out] = await run([q.row]);
      q.resolve(out as O);
    } catch (err) {
      q.reject(err);
    }
  }

  async function runBatch(batch: Queued<I, O>[]): Promise<void> {
    let outs: O[];
    try {
      opts.onStatement?.(batch.length);
      outs = await run(batch.map((q) => q.row));
    } catch (err) {
      if (rowCaused(err)) {
        if (batch.length > 1) await Promise.all(batch.map(runAlone));
        else batch[0]?.reject(err);
        return;
      }
      const behind = queue;
      queue = [];
      for (const q of [...batch, ...behind]) q.reject(err);
      return;
    }
    batch.forEach((q, i) => q.resolve(outs[i] as O));
  }

  function pump(): void {
    while (inFlight < opts.maxInFlight && queue.length > 0) {
      inFlight++;
      void runBatch(take()).finally(() => {
        inFlight--;
        pump();
      });
    }
  }

  return (row: I) =>
    new Promise<O>((resolve, reject) => {
      queue.push({ row, resolve, reject });
      pump();
    });
}
