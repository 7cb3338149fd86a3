/**
 * A loopback TCP proxy the fault tests put between the service and PostgreSQL or Redis, so an
 * outage can be staged without touching the shared server:
 * - `cut()` drops every connection and refuses new ones (a crashed server: the client sees resets);
 * - `silence()` keeps every connection open and accepts new ones, but passes no byte either way
 *   (packets dropped by a network: the client sees nothing at all, only its own timeouts);
 * - `restore()` ends either. Bytes sent during a silence are lost, as on a real network.
 */
import net from 'node:net';

export interface TcpProxy {
  port: number;
  cut(): void;
  silence(): void;
  restore(): void;
  /** Connections accepted so far (a client that reconnects shows here). */
  readonly accepted: number;
  close(): Promise<void>;
}

export async function startTcpProxy(targetHost: string, targetPort: number): Promise<TcpProxy> {
  let mode: 'open' | 'cut' | 'silent' = 'open';
  let accepted = 0;
  const live = new Set<net.Socket>();
  const server = net.createServer((client) => {
    if (mode === 'cut') {
      client.destroy();
      return;
    }
    accepted++;
    const upstream = net.connect(targetPort, targetHost);
    for (const s of [client, upstream]) {
      live.add(s);
      s.on('close', () => live.delete(s));
      // Either side failing ends both, as a crashed server would.
      s.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    // By hand rather than pipe(): in a silence the bytes are read and thrown away, and the
    // connection stays up, which is what a network dropping packets looks like to both ends.
    const forward = (from: net.Socket, to: net.Socket) => {
      from.on('data', (chunk: Buffer) => {
        if (mode === 'open' && !to.destroyed) to.write(chunk);
      });
      from.on('end', () => {
        if (mode === 'open') to.end();
      });
    };
    forward(client, upstream);
    forward(upstream, client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    get accepted() {
      return accepted;
    },
    cut() {
      mode = 'cut';
      for (const s of live) s.destroy();
    },
    silence() {
      mode = 'silent';
    },
    restore() {
      mode = 'open';
    },
    close: async () => {
      mode = 'cut';
      for (const s of live) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
