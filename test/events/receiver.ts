/**
 * A merchant's receiver on loopback: a real HTTP server that records every delivery and answers
 * as the test says (status, delay, a huge body, a redirect, or never).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  path: string;
  headers: Record<string, string>;
  body: string;
  at: number;
}

export type Behaviour = { kind: 'status'; status: number; delayMs?: number } | { kind: 'huge'; bytes: number } | { kind: 'redirect'; location: string } | { kind: 'hang' };

export interface Receiver {
  url: string;
  received: Received[];
  /** TCP connections accepted (a refused delivery must not even connect). */
  connections(): number;
  /** Deliveries to one path. */
  at(path: string): Received[];
  behave(path: string, b: Behaviour): void;
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const received: Received[] = [];
  const behaviours = new Map<string, Behaviour>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = req.url ?? '/';
      received.push({ path, headers: req.headers as Record<string, string>, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() });
      const b = behaviours.get(path) ?? { kind: 'status', status: 200 };
      if (b.kind === 'hang') return;
      if (b.kind === 'redirect') {
        res.writeHead(302, { location: b.location }).end();
        return;
      }
      if (b.kind === 'huge') {
        res.writeHead(200, { 'content-type': 'text/plain' });
        const block = Buffer.alloc(64 * 1024, 'x');
        let sent = 0;
        const pump = () => {
          while (sent < b.bytes && res.write(block)) sent += block.length;
          if (sent >= b.bytes) res.end();
          else res.once('drain', pump);
        };
        pump();
        return;
      }
      setTimeout(() => {
        if (!res.destroyed) res.writeHead(b.status, { 'content-type': 'text/plain' }).end(`answer ${b.status}`);
      }, b.delayMs ?? 0);
    });
  });
  let connections = 0;
  server.on('connection', () => (connections += 1));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    connections: () => connections,
    at: (path) => received.filter((r) => r.path === path),
    behave: (path, b) => behaviours.set(path, b),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
