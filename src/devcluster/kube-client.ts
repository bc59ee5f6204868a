/**
 * A deliberately small Kubernetes REST client over node:https, authenticating with a client certificate.
 * Used by the dev cluster (creating kwok nodes) and by the integration tests; the operator runtime has its
 * own adapter. It resolves `apiVersion`/`kind` to URL paths through API discovery, so it works for CRDs
 * as soon as they are served.
 */
import * as fs from 'node:fs';
import * as https from 'node:https';
import { KubeObject } from '../common/kube';

export type { KubeObject };

export interface KubeList<T = KubeObject> {
  apiVersion: string;
  kind: string;
  metadata: { resourceVersion?: string };
  items: T[];
}

export interface KubeClientOptions {
  /** e.g. https://127.0.0.1:6443 */
  readonly server: string;
  /** PEM file paths. */
  readonly caFile: string;
  readonly certFile: string;
  readonly keyFile: string;
}

/** A non-2xx answer of the API server, with its Status reason and message. */
export class KubeApiError extends Error {
  constructor(
    readonly method: string,
    readonly path: string,
    readonly statusCode: number,
    readonly reason: string,
    readonly body: unknown,
  ) {
    const message = (body as { message?: string } | undefined)?.message ?? String(body);
    super(`${method} ${path}: ${statusCode} ${reason}: ${message}`);
    this.name = 'KubeApiError';
  }
}

interface ApiResource {
  name: string;
  namespaced: boolean;
  kind: string;
}

export interface ApplyOptions {
  /** Field manager recorded in managedFields. @default 'cdk8s-otel-test' */
  readonly fieldManager?: string;
  /** Take ownership of conflicting fields. @default true */
  readonly force?: boolean;
  /** `dryRun=All`: validate and default without persisting. @default false */
  readonly dryRun?: boolean;
}

export class KubeClient {
  private readonly agent: https.Agent;
  private readonly base: URL;
  private readonly discovery = new Map<string, Map<string, ApiResource>>();

  constructor(readonly options: KubeClientOptions) {
    this.base = new URL(options.server);
    this.agent = new https.Agent({
      ca: fs.readFileSync(options.caFile),
      cert: fs.readFileSync(options.certFile),
      key: fs.readFileSync(options.keyFile),
      keepAlive: true,
      maxSockets: 8,
    });
  }

  /** Closes pooled connections. */
  close(): void {
    this.agent.destroy();
  }

  /** One HTTP request; JSON in and out. Throws {@link KubeApiError} on a non-2xx status. */
  async request<T = unknown>(
    method: string,
    path: string,
    body?: unknown,
    contentType = 'application/json',
  ): Promise<T> {
    const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    return new Promise<T>((resolve, reject) => {
      const req = https.request(
        {
          agent: this.agent,
          hostname: this.base.hostname,
          port: this.base.port,
          method,
          path,
          headers: {
            Accept: 'application/json',
            ...(payload !== undefined
              ? { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(payload) }
              : {}),
          },
          timeout: 60_000,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: unknown = text;
            try {
              parsed = text ? JSON.parse(text) : undefined;
            } catch {
              // not JSON (e.g. /readyz): keep the text
            }
            const status = res.statusCode ?? 0;
            if (status >= 200 && status < 300) resolve(parsed as T);
            else {
              const reason = (parsed as { reason?: string } | undefined)?.reason ?? res.statusMessage ?? '';
              reject(new KubeApiError(method, path, status, reason, parsed));
            }
          });
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error(`${method} ${path}: timed out`)));
      req.on('error', reject);
      if (payload !== undefined) req.write(payload);
      req.end();
    });
  }

  private async resources(apiVersion: string, refresh: boolean): Promise<Map<string, ApiResource>> {
    const cached = this.discovery.get(apiVersion);
    if (cached && !refresh) return cached;
    const url = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
    const byKind = new Map<string, ApiResource>();
    try {
      const list = await this.request<{ resources: ApiResource[] }>('GET', url);
      for (const r of list.resources) {
        if (!r.name.includes('/')) byKind.set(r.kind, r);
      }
    } catch (e) {
      if (!(e instanceof KubeApiError && e.statusCode === 404)) throw e;
    }
    this.discovery.set(apiVersion, byKind);
    return byKind;
  }

  /** Resource name and scope of a kind, via discovery (refreshed once on a miss, e.g. a CRD just installed). */
  async resourceFor(apiVersion: string, kind: string): Promise<ApiResource> {
    let r = (await this.resources(apiVersion, false)).get(kind);
    if (!r) r = (await this.resources(apiVersion, true)).get(kind);
    if (!r) throw new Error(`the server does not serve kind ${kind} in ${apiVersion}`);
    return r;
  }

  /** URL path of a collection (no name) or of one object. */
  async resourcePath(apiVersion: string, kind: string, namespace?: string, name?: string): Promise<string> {
    const r = await this.resourceFor(apiVersion, kind);
    const prefix = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
    let p = prefix;
    if (r.namespaced) p += `/namespaces/${encodeURIComponent(namespace ?? 'default')}`;
    p += `/${r.name}`;
    if (name !== undefined) p += `/${encodeURIComponent(name)}`;
    return p;
  }

  private async objectPath(obj: KubeObject, withName: boolean): Promise<string> {
    const name = obj.metadata?.name;
    if (withName && !name) throw new Error(`${obj.kind} has no metadata.name`);
    return this.resourcePath(obj.apiVersion, obj.kind, obj.metadata?.namespace, withName ? name : undefined);
  }

  async create<T extends KubeObject = KubeObject>(obj: KubeObject, opts: { dryRun?: boolean } = {}): Promise<T> {
    const q = opts.dryRun ? '?dryRun=All' : '';
    return this.request<T>('POST', (await this.objectPath(obj, false)) + q, obj);
  }

  async get<T extends KubeObject = KubeObject>(
    apiVersion: string,
    kind: string,
    name: string,
    namespace?: string,
  ): Promise<T> {
    return this.request<T>('GET', await this.resourcePath(apiVersion, kind, namespace, name));
  }

  /** Like {@link get}, but undefined on 404. */
  async tryGet<T extends KubeObject = KubeObject>(
    apiVersion: string,
    kind: string,
    name: string,
    namespace?: string,
  ): Promise<T | undefined> {
    try {
      return await this.get<T>(apiVersion, kind, name, namespace);
    } catch (e) {
      if (e instanceof KubeApiError && e.statusCode === 404) return undefined;
      throw e;
    }
  }

  /** Lists a kind, in one namespace or (namespace undefined, namespaced kind) across all namespaces. */
  async list<T extends KubeObject = KubeObject>(
    apiVersion: string,
    kind: string,
    opts: { namespace?: string; labelSelector?: string } = {},
  ): Promise<KubeList<T>> {
    const r = await this.resourceFor(apiVersion, kind);
    const prefix = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
    const ns = r.namespaced && opts.namespace ? `/namespaces/${encodeURIComponent(opts.namespace)}` : '';
    const q = opts.labelSelector ? `?labelSelector=${encodeURIComponent(opts.labelSelector)}` : '';
    return this.request<KubeList<T>>('GET', `${prefix}${ns}/${r.name}${q}`);
  }

  async delete(apiVersion: string, kind: string, name: string, namespace?: string): Promise<void> {
    try {
      await this.request('DELETE', await this.resourcePath(apiVersion, kind, namespace, name));
    } catch (e) {
      if (!(e instanceof KubeApiError && e.statusCode === 404)) throw e;
    }
  }

  /**
   * Server-side apply: `PATCH` with `application/apply-patch+yaml` (JSON is YAML), the given field manager
   * and, by default, `force=true`. Creates the object if it does not exist.
   */
  async apply<T extends KubeObject = KubeObject>(obj: KubeObject, opts: ApplyOptions = {}): Promise<T> {
    const params = new URLSearchParams({ fieldManager: opts.fieldManager ?? 'cdk8s-otel-test' });
    if (opts.force ?? true) params.set('force', 'true');
    if (opts.dryRun) params.set('dryRun', 'All');
    const path = `${await this.objectPath(obj, true)}?${params}`;
    return this.request<T>('PATCH', path, obj, 'application/apply-patch+yaml');
  }

  /** JSON merge patch (RFC 7386): `null` removes a field. */
  async mergePatch<T extends KubeObject = KubeObject>(obj: KubeObject): Promise<T> {
    return this.request<T>('PATCH', await this.objectPath(obj, true), obj, 'application/merge-patch+json');
  }

  /**
   * What `kubectl apply` / chainsaw's apply do to the server: create when absent, else a merge patch.
   * Unlike server-side apply, create and merge patch drop `null` values (e.g. `processors:` left empty in YAML)
   * before validation; a server-side apply body with such nulls fails the schema ("must be of type object").
   */
  async createOrMergePatch<T extends KubeObject = KubeObject>(obj: KubeObject): Promise<T> {
    try {
      return await this.create<T>(obj);
    } catch (e) {
      if (!(e instanceof KubeApiError && e.statusCode === 409)) throw e;
      return this.mergePatch<T>(obj);
    }
  }

  /** Polls `probe` until it returns a value other than undefined/false, or throws after `timeoutMs`. */
  async waitFor<T>(
    what: string,
    probe: () => Promise<T | undefined | false>,
    timeoutMs = 60_000,
    intervalMs = 250,
  ): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    let lastError: unknown;
    for (;;) {
      try {
        const v = await probe();
        if (v !== undefined && v !== false) return v;
      } catch (e) {
        lastError = e;
      }
      if (Date.now() > deadline) {
        const detail = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
        throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${detail}`);
      }
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  }
}
