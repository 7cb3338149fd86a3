/**
 * One HTTP attempt at a merchant endpoint, bounded in time and size: a deadline covers connect,
 * answer and body; redirects are answers like any other (never followed); at most the first
 * bytes of the body are kept. In strict mode the host is resolved here, every address checked,
 * and the connection made to the checked address (a custom lookup), so a name that resolves
 * differently between the check and the connect (DNS rebinding) cannot reach a private address.
 */
import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { isPublicAddress, literalAddress } from './address-policy.ts';

export const ATTEMPT_OUTCOMES = ['succeeded', 'http_error', 'timeout', 'network_error', 'refused'] as const;
export type AttemptOutcome = (typeof ATTEMPT_OUTCOMES)[number];

export interface AttemptResult {
  outcome: AttemptOutcome;
  status: number | null;
  /** The first bytes of the answer, or what went wrong. */
  detail: string;
  durationMs: number;
}

export interface AttemptOptions {
  timeoutMs: number;
  /** false: https only, public addresses only (live mode). */
  allowPrivate: boolean;
}

const KEPT_BYTES = 1024;
/** Past this much body the connection is dropped: the status is all that counts. */
const READ_LIMIT = 64 * 1024;

class RefusedAddress extends Error {
  readonly code = 'ERR_REFUSED_ADDRESS';
}

/** Resolves, refuses the name if any of its addresses is not public, and pins the first one. */
const checkedLookup: LookupFunction = (hostname, options, callback) => {
  dns.lookup(hostname, { all: true, family: options.family, hints: options.hints }, (err, addresses) => {
    if (err) return callback(err, '', 0);
    const bad = addresses.find((a) => !isPublicAddress(a.address));
    if (bad || addresses.length === 0) {
      return callback(new RefusedAddress(`${hostname} resolves to a non-public address`), '', 0);
    }
    const pinned = addresses[0]!;
    if ((options as { all?: boolean }).all) (callback as unknown as (e: null, a: dns.LookupAddress[]) => void)(null, [pinned]);
    else callback(null, pinned.address, pinned.family);
  });
};

export interface Sender {
  attempt(url: string, headers: Record<string, string>, body: string): Promise<AttemptResult>;
  close(): void;
}

export function createSender(opts: AttemptOptions, maxSockets: number): Sender {
  const agentOptions = { keepAlive: true, maxSockets, ...(opts.allowPrivate ? {} : { lookup: checkedLookup }) };
  const agents = { 'http:': new http.Agent(agentOptions), 'https:': new https.Agent(agentOptions) };

  function policyRefusal(target: URL): string | null {
    if (target.protocol !== 'https:' && target.protocol !== 'http:') return 'only http and https URLs are delivered';
    if (opts.allowPrivate) return null;
    if (target.protocol !== 'https:') return 'live mode delivers over https only';
    const literal = literalAddress(target.hostname);
    if (literal !== null && !isPublicAddress(literal)) return `${literal} is not a public address`;
    return null;
  }

  function attempt(url: string, headers: Record<string, string>, body: string): Promise<AttemptResult> {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    const target = new URL(url);
    const refusal = policyRefusal(target);
    if (refusal) return Promise.resolve({ outcome: 'refused', status: null, detail: refusal, durationMs: 0 });

    return new Promise((resolve) => {
      let status: number | null = null;
      const kept: Buffer[] = [];
      let keptBytes = 0;
      let readBytes = 0;
      let settled = false;
      const finish = (outcome: AttemptOutcome, detail?: string) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        const text = detail ?? Buffer.concat(kept).toString('utf8').slice(0, KEPT_BYTES);
        resolve({ outcome, status, detail: text, durationMs: elapsed() });
      };
      const byStatus = (): AttemptOutcome => (status !== null && status >= 200 && status < 300 ? 'succeeded' : 'http_error');

      const req = (target.protocol === 'https:' ? https : http).request(target, {
        method: 'POST',
        agent: agents[target.protocol as 'http:' | 'https:'],
        headers: { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'user-agent': 'feexpay-gateway-webhooks/1' },
      });
      // The deadline covers everything; once the status is in, what arrived of the body is kept.
      const timer = setTimeout(() => {
        req.destroy();
        if (status !== null) finish(byStatus());
        else finish('timeout', `no answer within ${opts.timeoutMs} ms`);
      }, opts.timeoutMs);
      req.on('response', (res) => {
        status = res.statusCode ?? null;
        res.on('data', (chunk: Buffer) => {
          readBytes += chunk.length;
          if (keptBytes < KEPT_BYTES) {
            kept.push(chunk.subarray(0, KEPT_BYTES - keptBytes));
            keptBytes += Math.min(chunk.length, KEPT_BYTES - keptBytes);
          }
          if (readBytes > READ_LIMIT) {
            res.destroy();
            finish(byStatus());
          }
        });
        res.on('end', () => finish(byStatus()));
        res.on('error', () => finish(byStatus()));
      });
      req.on('error', (err: NodeJS.ErrnoException) => {
        if (status !== null) return finish(byStatus());
        if (err instanceof RefusedAddress || err.code === 'ERR_REFUSED_ADDRESS') return finish('refused', err.message);
        finish('network_error', err.code ?? err.message);
      });
      req.end(body);
    });
  }

  return {
    attempt,
    close: () => {
      agents['http:'].destroy();
      agents['https:'].destroy();
    },
  };
}
