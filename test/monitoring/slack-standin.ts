/** A Slack incoming-webhook stand-in on loopback: records each JSON body POSTed, answers "ok". */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SlackStandIn<T> {
  url: string;
  posts: T[];
  close(): Promise<void>;
}

export async function startSlackStandIn<T = unknown>(): Promise<SlackStandIn<T>> {
  const posts: T[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      posts.push(JSON.parse(body) as T);
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    posts,
    close: () => new Promise((r) => server.close(() => r())),
  };
}
