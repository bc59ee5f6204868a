/**
 * A plain TCP forwarder (I/O edge): the API server listens on 127.0.0.1 only, and a real node reaches it on the
 * root-side veth address through this, at the same port, so the `kubernetes` Service's endpoint (advertise
 * address + secure port) is right. TLS passes through untouched.
 */
import * as net from 'node:net';

export interface TcpForward {
  readonly address: string;
  close(): Promise<void>;
}

/** Listens on `listenHost:port` and pipes every connection to `targetHost:port`. */
export async function forwardTcp(listenHost: string, port: number, targetHost: string): Promise<TcpForward> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(port, targetHost);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, listenHost, () => resolve());
  });
  server.unref();
  return {
    address: `${listenHost}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
