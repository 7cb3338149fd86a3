/**
 * A stand-in for Sentry on loopback: accepts envelopes (and the legacy store endpoint), counts
 * them and answers 200, so the instrumented service pays the real SDK cost of sending events and
 * traces without any traffic leaving the machine.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeSentry {
  dsn: string;
  envelopes(): number;
  close(): Promise<void>;
}

export async function startFakeSentry(): Promise<FakeSentry> {
  let count = 0;
  const server = http.createServer((req, res) => {
    req.on('data', () => undefined);
    req.on('end', () => {
      if (req.method === 'POST' && /\/api\/\d+\/(envelope|store)\//.test(req.url ?? '')) count += 1;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    dsn: `http://publickey@127.0.0.1:${port}/1`,
    envelopes: () => count,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
