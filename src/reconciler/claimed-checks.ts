/**
 * The rows a reconciler pass claimed, checked `parallel` at a time. The pass stops taking rows
 * once its loop is stopping or half the claim's lease has gone; the rows it did not reach keep
 * their lease and are due again when it ends, for this replica or another. Without the bound, a
 * pass over a slow FeexPay (100 rows, 8 at a time, a 10 s status timeout: over two minutes)
 * outlived its 25 s lease, so another replica could check the same payment at the same time, and
 * a shutdown waited for the whole pass, past close-with-grace's bound.
 */
export interface ClaimedChecksOptions {
  parallel: number;
  leaseMs: number;
  /** When the claim was made (taken before its statement: the lease cannot have begun earlier). */
  claimedAt: number;
  /** Aborted when the loop stops: the checks in flight finish, no new ones start. */
  signal?: AbortSignal;
}

export async function checkClaimed<Row, Outcome>(
  rows: readonly Row[],
  o: ClaimedChecksOptions,
  check: (row: Row) => Promise<Outcome>,
): Promise<{ outcomes: Outcome[]; deferred: number }> {
  const outcomes: Outcome[] = [];
  let next = 0;
  while (next < rows.length) {
    if (o.signal?.aborted || (next > 0 && Date.now() - o.claimedAt > o.leaseMs / 2)) break;
    outcomes.push(...(await Promise.all(rows.slice(next, next + o.parallel).map(check))));
    next += o.parallel;
  }
  return { outcomes, deferred: Math.max(0, rows.length - next) };
}
