/** GET a JSON document with a short timeout and no redirects: a report must not hang on a dead monitor. */
const TIMEOUT_MS = 5_000;

export async function getJson(url: string): Promise<unknown> {
  const res = await fetch(url, { redirect: 'error', signal: AbortSignal.timeout(TIMEOUT_MS), headers: { accept: 'application/json' } });
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  return res.json();
}

/** A short reason for the report ("connection refused", "HTTP 503"), never a stack. */
export function unavailableReason(err: unknown): string {
  const e = err as { name?: string; message?: string; cause?: { code?: string } };
  if (e.name === 'TimeoutError') return 'timed out';
  if (e.cause?.code === 'ECONNREFUSED') return 'connection refused';
  if (e.cause?.code) return e.cause.code;
  return (e.message ?? 'unreachable').slice(0, 80);
}
