/**
 * A stand-in for Sentry's ingestion endpoint on 127.0.0.1: accepts POST /api/<project>/envelope/,
 * parses the newline-delimited envelope (gzip or not) and keeps every item it carried.
 */
import http from 'node:http';
import { gunzipSync } from 'node:zlib';
import type { AddressInfo } from 'node:net';

export interface EnvelopeItem {
  type: string;
  payload: Record<string, unknown>;
  /** The payload as received, to search for leaks in what was really sent. */
  raw: string;
}

export interface FakeSentry {
  dsn: string;
  items: EnvelopeItem[];
  /** Every request body, decoded, as received. */
  bodies: string[];
  paths: string[];
  close(): Promise<void>;
}

export function parseEnvelope(body: Buffer): EnvelopeItem[] {
  const items: EnvelopeItem[] = [];
  let offset = body.indexOf(0x0a) + 1; // skip the envelope header
  while (offset > 0 && offset < body.length) {
    const headerEnd = body.indexOf(0x0a, offset);
    const header = JSON.parse(body.subarray(offset, headerEnd === -1 ? body.length : headerEnd).toString()) as { type: string; length?: number };
    const start = headerEnd + 1;
    let end: number;
    if (typeof header.length === 'number') end = start + header.length;
    else {
      const nl = body.indexOf(0x0a, start);
      end = nl === -1 ? body.length : nl;
    }
    const raw = body.subarray(start, end).toString();
    let payload: Record<string, unknown> = {};
    try {
      payload = JSON.parse(raw) as Record<string, unknown>;
    } catch {
      // binary attachments: kept raw only
    }
    items.push({ type: header.type, payload, raw });
    offset = end + 1;
  }
  return items;
}

export async function startFakeSentry(): Promise<FakeSentry> {
  const items: EnvelopeItem[] = [];
  const bodies: string[] = [];
  const paths: string[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      paths.push(`${req.method} ${req.url}`);
      if (req.method !== 'POST' || !/^\/api\/\d+\/envelope\/?/.test(req.url ?? '')) {
        res.writeHead(404).end();
        return;
      }
      let body = Buffer.concat(chunks);
      if (req.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
      bodies.push(body.toString());
      items.push(...parseEnvelope(body));
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    dsn: `http://public@127.0.0.1:${port}/1`,
    items,
    bodies,
    paths,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
