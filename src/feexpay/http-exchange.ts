/**
 * One HTTP exchange with FeexPay: send a request, read at most `maxBodyBytes` of the answer,
 * within `timeoutMs` from start to last byte. Never throws: a timeout or a broken connection is
 * an outcome like any answer.
 *
 * node:http with a keep-alive agent rather than fetch: fetch wraps every call in web streams and
 * abort signals, which the benchmark showed as about a quarter of the service's CPU per payment.
 * Redirects are not followed (FeexPay does not redirect its API; a 3xx is an answer we refuse).
 */
import http from 'node:http';
import https from 'node:https';

export type Exchange =
  | { kind: 'answer'; httpStatus: number; text: string | undefined }
  | { kind: 'failed'; cause: 'timeout' | 'network' };

export type ExchangeFn = (method: 'GET' | 'POST', url: string, timeoutMs: number, body?: unknown) => Promise<Exchange>;

export interface ExchangeOptions {
  baseUrl: string;
  headers: Record<string, string>;
  /** A longer answer is not a FeexPay answer and must not fill our memory: `text` is undefined. */
  maxBodyBytes: number;
}

export function createExchange(opts: ExchangeOptions): ExchangeFn {
  const secure = opts.baseUrl.startsWith('https:');
  const agent = secure ? new https.Agent({ keepAlive: true }) : new http.Agent({ keepAlive: true });
  const send = secure ? https.request : http.request;

  return (method, url, timeoutMs, body) =>
    new Promise<Exchange>((resolve) => {
      let settled = false;
      const finish = (result: Exchange) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(result);
      };
      const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
      const headers = payload ? { ...opts.headers, 'content-type': 'application/json', 'content-length': String(payload.length) } : opts.headers;
      const req = send(url, { method, agent, headers }, (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > opts.maxBodyBytes) {
            finish({ kind: 'answer', httpStatus: res.statusCode ?? 0, text: undefined });
            req.destroy();
          } else chunks.push(chunk);
        });
        res.on('end', () => finish({ kind: 'answer', httpStatus: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        // Cut before the last byte: not an answer.
        res.on('close', () => finish({ kind: 'failed', cause: 'network' }));
        res.on('error', () => finish({ kind: 'failed', cause: 'network' }));
      });
      const timer = setTimeout(() => {
        finish({ kind: 'failed', cause: 'timeout' });
        req.destroy();
      }, timeoutMs);
      req.on('error', () => finish({ kind: 'failed', cause: 'network' }));
      req.end(payload);
    });
}
