/**
 * One HTTP exchange with FeexPay: send a request, read at most `maxBodyBytes` of the answer,
 * within `timeoutMs` from start to last byte. Never throws: a timeout or a broken connection is
 * an outcome like any answer.
 *
 * undici's Agent with keep-alive connections rather than fetch or node:http: fetch wrapped every
 * call in web streams and abort signals (about a quarter of the service's CPU per payment), and
 * node:http's ClientRequest cost about twice undici's dispatch per call in a CPU profile (110 us
 * against 52 us per payment). Redirects are not followed (FeexPay does not redirect its API; a 3xx
 * is an answer we refuse).
 */
import { Agent } from 'undici';

export type Exchange = { kind: 'answer'; httpStatus: number; text: string | undefined } | { kind: 'failed'; cause: 'timeout' | 'network' };

export type ExchangeFn = (method: 'GET' | 'POST', url: string, timeoutMs: number, body?: unknown) => Promise<Exchange>;

export interface ExchangeOptions {
  baseUrl: string;
  headers: Record<string, string>;
  /** A longer answer is not a FeexPay answer and must not fill our memory: `text` is undefined. */
  maxBodyBytes: number;
}

/** Idle keep-alive connections are closed after this (FeexPay's side may close them sooner). */
const KEEP_ALIVE_MS = 4_000;

export function createExchange(opts: ExchangeOptions): ExchangeFn {
  const agent = new Agent({ keepAliveTimeout: KEEP_ALIVE_MS });

  return async (method, url, timeoutMs, body) => {
    const u = new URL(url);
    const abort = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      abort.abort();
    }, timeoutMs);
    try {
      const payload = body === undefined ? undefined : JSON.stringify(body);
      const res = await agent.request({
        origin: u.origin,
        path: u.pathname + u.search,
        method,
        headers: payload === undefined ? opts.headers : { ...opts.headers, 'content-type': 'application/json' },
        body: payload,
        signal: abort.signal,
        // Our own timer bounds the whole exchange; undici's must not cut it short first.
        headersTimeout: timeoutMs + 1_000,
        bodyTimeout: timeoutMs + 1_000,
      });
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of res.body as AsyncIterable<Buffer>) {
        size += chunk.length;
        if (size > opts.maxBodyBytes) {
          res.body.destroy();
          return { kind: 'answer', httpStatus: res.statusCode, text: undefined };
        }
        chunks.push(chunk);
      }
      return { kind: 'answer', httpStatus: res.statusCode, text: Buffer.concat(chunks).toString('utf8') };
    } catch {
      return { kind: 'failed', cause: timedOut ? 'timeout' : 'network' };
    } finally {
      clearTimeout(timer);
    }
  };
}
