/** Small request helpers for tests: a fetch wrapper (JSON in, status + JSON out) and a node:http one. */
import http from 'node:http';

export interface Answer<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export async function call<T = any>(
  base: string,
  method: string,
  path: string,
  opts: { body?: unknown; rawBody?: string | Uint8Array; apiKey?: string; headers?: Record<string, string> } = {},
): Promise<Answer<T>> {
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  if (opts.apiKey) headers.authorization = `Bearer ${opts.apiKey}`;
  let body: string | Uint8Array | undefined;
  if (opts.rawBody !== undefined) body = opts.rawBody;
  else if (opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    headers['content-type'] ??= 'application/json';
  }
  const res = await fetch(base + path, { method, headers, body: body as BodyInit | undefined });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, body: parsed as T, headers: res.headers };
}

let counter = 0;
export const newKey = (prefix = 'key') => `${prefix}-${process.pid}-${Date.now()}-${++counter}`;

/**
 * One request over node:http through the caller's agent: fetch hides the `Connection` header and
 * pools its own sockets, and the drain tests need both, to see a keep-alive connection closed.
 */
export function requestOnAgent(
  url: string,
  agent: http.Agent,
  opts: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; connection: string | undefined; body: string }> {
  return new Promise((resolve, reject) => {
    const headers = { ...opts.headers, ...(opts.body !== undefined ? { 'content-length': String(Buffer.byteLength(opts.body)) } : {}) };
    const req = http.request(url, { method: opts.method ?? 'GET', agent, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, connection: res.headers.connection, body: text }));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}
