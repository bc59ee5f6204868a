/**
 * The webhook HTTPS server (node:https): routes a POST by path to an admission or conversion handler, with a
 * bounded body, a clear 400 for a body that is not a review, and a certificate that can be swapped while serving
 * (`setSecureContext`: new connections get the new certificate, open ones finish with theirs).
 */
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import { admissionReviewProblem, AdmissionHandler, AdmissionReview, AsyncAdmissionHandler } from '../../webhook';
import { ConversionReview, conversionReviewProblem, convertReview } from '../../webhook';
import type { Logger } from '../../common/log';

/** What serves one path. */
export type WebhookRoute =
  | { readonly type: 'admission'; readonly handler: AdmissionHandler | AsyncAdmissionHandler }
  | { readonly type: 'conversion'; readonly handler?: (review: ConversionReview) => unknown };

export interface WebhookServerOptions {
  /** path → handler */
  readonly routes: ReadonlyMap<string, WebhookRoute>;
  readonly cert: string;
  readonly key: string;
  /** @default 9443 (upstream's --webhook-port); 0 picks a free port */
  readonly port?: number;
  /** Listen address. @default '0.0.0.0' (all interfaces, as controller-runtime) */
  readonly listenHost?: string;
  /**
   * Largest request body accepted, bytes: an AdmissionReview carries the object and, on UPDATE, the old object, each
   * up to the API server's 3 MiB limit. @default 8 MiB
   */
  readonly maxBodyBytes?: number;
  readonly log: Logger;
  /** Told about every request once answered (metrics): path, HTTP status, seconds taken. @default - nothing */
  readonly onRequest?: (path: string, status: number, seconds: number) => void;
}

const DEFAULT_MAX_BODY = 8 * 1024 * 1024;

class HttpError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

export class WebhookServer {
  private readonly server: https.Server;
  private readonly maxBody: number;

  constructor(private readonly options: WebhookServerOptions) {
    this.maxBody = options.maxBodyBytes ?? DEFAULT_MAX_BODY;
    // TLS 1.2+ only, as controller-runtime's default.
    this.server = https.createServer({ cert: options.cert, key: options.key, minVersion: 'TLSv1.2' }, (req, res) => this.serve(req, res));
    this.server.keepAliveTimeout = 65_000;
  }

  /** Starts listening; resolves with the bound port. */
  async listen(): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.options.port ?? 9443, this.options.listenHost ?? '0.0.0.0', () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    return (this.server.address() as AddressInfo).port;
  }

  /** Serves `cert`/`key` to every new connection from now on, without a restart. */
  setCertificate(cert: string, key: string): void {
    this.server.setSecureContext({ cert, key });
  }

  /**
   * Stops accepting connections and closes idle ones; resolves when all are closed. The API server keeps its
   * keep-alive connections open (and TLS connections that never sent a request are not "idle" to Node), so what is
   * still open after `graceMs` (answers in flight have had time to finish) is closed too.
   */
  async close(graceMs = 2000): Promise<void> {
    await new Promise<void>((resolve) => {
      const force = setTimeout(() => this.server.closeAllConnections(), graceMs);
      force.unref();
      this.server.close(() => {
        clearTimeout(force);
        resolve();
      });
      this.server.closeIdleConnections();
    });
  }

  private serve(req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse): void {
    const started = process.hrtime.bigint();
    const path = (req.url ?? '/').split('?')[0];
    const finish = (status: number, body: string, contentType = 'application/json') => {
      res.writeHead(status, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(body) });
      res.end(body);
      this.options.onRequest?.(path, status, Number(process.hrtime.bigint() - started) / 1e9);
    };
    const route = this.options.routes.get(path);
    if (!route) return finish(404, `no webhook at ${path}; served: ${[...this.options.routes.keys()].join(', ')}\n`, 'text/plain');
    if (req.method !== 'POST') {
      res.setHeader('Allow', 'POST');
      return finish(405, `${req.method} is not allowed at ${path}; the API server POSTs reviews\n`, 'text/plain');
    }
    this.readBody(req).then((text) => {
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch (e) {
        throw new HttpError(400, `the body is not JSON: ${(e as Error).message}`);
      }
      if (route.type === 'admission') {
        const problem = admissionReviewProblem(body);
        if (problem) throw new HttpError(400, `not an AdmissionReview: ${problem}`);
        return route.handler(body as AdmissionReview);
      }
      const problem = conversionReviewProblem(body);
      if (problem) throw new HttpError(400, `not a ConversionReview: ${problem}`);
      return (route.handler ?? convertReview)(body as ConversionReview);
    }).then((answer) => finish(200, JSON.stringify(answer)), (e: unknown) => {
      if (e instanceof HttpError) {
        this.options.log.warn({ path, status: e.status }, e.message);
        return finish(e.status, `${e.message}\n`, 'text/plain');
      }
      this.options.log.error({ path, err: (e as Error).stack ?? String(e) }, 'webhook handler failed');
      return finish(500, `webhook handler failed: ${(e as Error).message}\n`, 'text/plain');
    });
  }

  private readBody(req: import('node:http').IncomingMessage): Promise<string> {
    return new Promise((resolve, reject) => {
      const declared = Number(req.headers['content-length']);
      if (declared > this.maxBody) {
        req.resume();
        return reject(new HttpError(413, `the body has ${declared} bytes, more than the ${this.maxBody} accepted`));
      }
      const chunks: Buffer[] = [];
      let size = 0;
      req.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > this.maxBody) {
          req.removeAllListeners('data');
          req.resume();
          reject(new HttpError(413, `the body is larger than the ${this.maxBody} bytes accepted`));
          return;
        }
        chunks.push(chunk);
      });
      req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      req.on('error', reject);
    });
  }
}
