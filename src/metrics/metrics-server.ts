/** /metrics on its own port, so the NetworkPolicy can open it to Prometheus only. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type client from 'prom-client';

export async function startMetricsServer(registry: client.Registry, host: string, port: number) {
  let closing = false;
  const server = http.createServer((req, res) => {
    if (req.method !== 'GET' || req.url?.split('?')[0] !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    registry.metrics().then(
      (body) => res.writeHead(200, { 'content-type': registry.contentType, ...(closing ? { connection: 'close' } : {}) }).end(body),
      () => res.writeHead(500).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  return {
    port: (server.address() as AddressInfo).port,
    // server.close() ends the idle connections only: a scrape in flight closes its own once
    // answered, instead of holding the shutdown (which waits for this before the API's drain)
    // for the keep-alive timeout.
    close: () =>
      new Promise<void>((resolve) => {
        closing = true;
        server.close(() => resolve());
      }),
  };
}
