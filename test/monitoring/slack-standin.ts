/**
 * A Slack incoming-webhook stand-in on loopback: records each JSON body POSTed and when it came,
 * answers "ok". Serves as any webhook receiver too (the heartbeat's external service).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SlackStandIn<T> {
  url: string;
  posts: T[];
  /** Date.now() at each post's arrival, in step with `posts`. */
  times: number[];
  close(): Promise<void>;
}

export async function startSlackStandIn<T = unknown>(): Promise<SlackStandIn<T>> {
  const posts: T[] = [];
  const times: number[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      posts.push(JSON.parse(body) as T);
      times.push(Date.now());
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    posts,
    times,
    close: () => new Promise((r) => server.close(() => r())),
  };
}
