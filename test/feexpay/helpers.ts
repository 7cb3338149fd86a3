/** Shared by the FeexPay tests: a real loopback webhook receiver, a polling wait, and a recording observer/logger. */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ClientLogger } from '../../src/feexpay/client.ts';
import type { CallOutcome, FeexPayOperation } from '../../src/feexpay/types.ts';

export interface Delivery {
  body: Record<string, unknown>;
  raw: string;
  headers: IncomingHttpHeaders;
  answered: number;
}

export interface Receiver {
  url: string;
  deliveries: Delivery[];
  /** Decides the HTTP status of each delivery (1-based count); 200 by default. */
  answer: (n: number) => number;
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const deliveries: Delivery[] = [];
  const receiver = { deliveries, answer: (_n: number) => 200 } as Receiver;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const answered = receiver.answer(deliveries.length + 1);
      deliveries.push({ body: JSON.parse(raw) as Record<string, unknown>, raw, headers: req.headers, answered });
      res.writeHead(answered, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook`;
  receiver.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return receiver;
}

export async function waitFor<T>(probe: () => T | undefined | false, timeoutMs = 3000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export interface Recorder {
  calls: { operation: FeexPayOperation; outcome: CallOutcome; seconds: number }[];
  lines: { level: string; obj: Record<string, unknown>; msg?: string }[];
  observe: (operation: FeexPayOperation, outcome: CallOutcome, seconds: number) => void;
  logger: ClientLogger;
  reset(): void;
}

export function recorder(): Recorder {
  const r: Recorder = {
    calls: [],
    lines: [],
    observe: (operation, outcome, seconds) => r.calls.push({ operation, outcome, seconds }),
    logger: {
      info: (obj, msg) => r.lines.push({ level: 'info', obj, msg }),
      warn: (obj, msg) => r.lines.push({ level: 'warn', obj, msg }),
      error: (obj, msg) => r.lines.push({ level: 'error', obj, msg }),
      debug: (obj, msg) => r.lines.push({ level: 'debug', obj, msg }),
    },
    reset() {
      r.calls.length = 0;
      r.lines.length = 0;
    },
  };
  return r;
}

/** Benin number with the given scenario suffix (last two digits). */
export const bj = (suffix: string): string => `22901670000${suffix}`;
