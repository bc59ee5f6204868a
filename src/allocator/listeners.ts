import { readFileSync, unwatchFile, watchFile } from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import { AddressInfo } from 'node:net';
import { TLSSocket } from 'node:tls';
import { HttpsConfig } from './config';

/** OID of the clientAuth extended key usage. */
const CLIENT_AUTH_EKU = '1.3.6.1.5.5.7.3.2';

/** Splits Go-style listen addresses: `:8080` (all interfaces), `127.0.0.1:0`, `[::1]:8080`. */
export function parseListenAddr(addr: string): { host: string | undefined; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/.exec(addr);
  if (!m) throw new Error(`invalid listen address ${JSON.stringify(addr)}: use host:port or :port`);
  const host = m[1] ?? m[2];
  const port = Number(m[3]);
  if (port > 65535) throw new Error(`invalid port in listen address ${JSON.stringify(addr)}`);
  return { host: host === '' ? undefined : host, port };
}

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

export interface Listener {
  /** the bound address, e.g. 127.0.0.1:38123 */
  readonly address: string;
  close(): Promise<void>;
}

function listen(server: http.Server | https.Server, addr: string): Promise<Listener> {
  const { host, port } = parseListenAddr(addr);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const a = server.address() as AddressInfo;
      const hostText = a.family === 'IPv6' ? `[${a.address}]` : a.address;
      resolve({
        address: `${hostText}:${a.port}`,
        close: () => new Promise<void>((done) => {
          server.close(() => done());
          server.closeAllConnections();
        }),
      });
    });
  });
}

/** The plain HTTP listener. */
export function listenHttp(addr: string, handler: Handler): Promise<Listener> {
  return listen(http.createServer({ keepAliveTimeout: 65_000 }, handler), addr);
}

/**
 * The mTLS listener, as upstream's: TLS ≥ 1.2, a client certificate is required and must chain to the CA in
 * `ca_file_path` and allow client authentication (a certificate without extended key usage allows any use, as in
 * Go). The CA, certificate and key files are re-read when they change, so rotated certificates apply without a
 * restart.
 */
export async function listenMtls(config: HttpsConfig, handler: Handler, onError: (err: Error) => void): Promise<Listener> {
  const load = () => ({
    ca: readFileSync(config.caFilePath),
    cert: readFileSync(config.tlsCertFilePath),
    key: readFileSync(config.tlsKeyFilePath),
  });
  const server = https.createServer({ ...load(), requestCert: true, rejectUnauthorized: true, minVersion: 'TLSv1.2' }, handler);
  server.on('secureConnection', (socket: TLSSocket) => {
    const eku = socket.getPeerX509Certificate()?.keyUsage;
    if (eku && eku.length > 0 && !eku.includes(CLIENT_AUTH_EKU)) socket.destroy();
  });
  const files = [config.caFilePath, config.tlsCertFilePath, config.tlsKeyFilePath];
  const reload = () => {
    try {
      server.setSecureContext({ ...load(), minVersion: 'TLSv1.2' });
    } catch (err) {
      onError(new Error(`https: reloading certificates failed, keeping the previous ones: ${(err as Error).message}`));
    }
  };
  for (const f of files) watchFile(f, { interval: 2000, persistent: false }, reload);
  const listener = await listen(server, config.listenAddr);
  return {
    address: listener.address,
    close: async () => {
      for (const f of files) unwatchFile(f, reload);
      await listener.close();
    },
  };
}
