/**
 * The operator's plain HTTP endpoints: `/healthz` and `/readyz` on the health probe address, `/metrics` on the
 * metrics address (both may be the same). `0` as an address turns an endpoint off, as in controller-runtime.
 */
import * as http from 'node:http';
import { AddressInfo } from 'node:net';
import { Registry } from 'prom-client';

export interface Stoppable {
  stop(): Promise<void>;
}

/** `:8081`, `127.0.0.1:8081`, `[::1]:8081` → host and port; undefined for `0` (off). */
export function parseAddress(addr: string, flag: string): { host?: string; port: number } | undefined {
  if (addr === '0') return undefined;
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(addr);
  if (!m || Number(m[3]) > 65535) throw new Error(`${flag} ${addr}: expected [host]:port (e.g. :8081 or 127.0.0.1:8081), or 0 to turn it off`);
  return { host: m[1] ?? (m[2] || undefined), port: Number(m[3]) };
}

export interface EndpointsServer extends Stoppable {
  readonly port: number;
}

/** Serves the given routes (path → handler returning status and text). */
export async function serveEndpoints(addr: { host?: string; port: number },
  routes: Record<string, () => Promise<{ status: number; body: string; contentType?: string }>>): Promise<EndpointsServer> {
  const server = http.createServer((req, res) => {
    const route = routes[(req.url ?? '/').split('?')[0]];
    if (!route || req.method !== 'GET') {
      res.writeHead(404).end('not found\n');
      return;
    }
    route().then(
      (r) => res.writeHead(r.status, { 'Content-Type': r.contentType ?? 'text/plain; charset=utf-8' }).end(r.body),
      (e) => res.writeHead(500).end(String((e as Error).message)),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(addr.port, addr.host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    stop: () => new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}

export function metricsRoute(registry: Registry) {
  return async () => ({ status: 200, body: await registry.metrics(), contentType: registry.contentType });
}
