/** /metrics on its own port, so the NetworkPolicy can open it to Prometheus only. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type client from 'prom-client';

export async function startMetricsServer(registry: client.Registry, host: string, port: number) {
  const server = http.createServer((req, res) => {
    if (req.method !== 'GET' || req.url?.split('?')[0] !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    registry.metrics().then(
      (body) => res.writeHead(200, { 'content-type': registry.contentType }).end(body),
      () => res.writeHead(500).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
