/**
 * {@link KubeApi} over @kubernetes/client-node 1.4: its KubeConfig finds the cluster and the credentials
 * (`--kubeconfig`, in-cluster service account, $KUBECONFIG, ~/.kube/config, exec plugins and token refresh
 * included) and its Watch streams changes. Plain requests go through node:https with the options the KubeConfig
 * produces, over one keep-alive agent, because the generic object API of client-node has no subresources
 * (status) nor JSON patch. ESM-only: only the operator process loads this file (lazily), never a jest test.
 */
import * as https from 'node:https';
import { KubeConfig, Watch } from '@kubernetes/client-node';
import {
  apiPrefix, ApplyOptions, DeleteOptions, KubeApi, KubeApiError, KubeObject, ListOptions, ObjectList, ObjectRef,
  PatchOptions, PatchType, ServedResource, WatchEvent, WatchHandle, WatchOptions,
} from './api';

const PATCH_CONTENT_TYPES: Record<PatchType, string> = {
  merge: 'application/merge-patch+json',
  json: 'application/json-patch+json',
  strategic: 'application/strategic-merge-patch+json',
};

/** Where the KubeConfig comes from: an explicit file, else in-cluster, else the defaults ($KUBECONFIG, ~/.kube/config). */
export function loadKubeConfig(kubeconfig?: string): KubeConfig {
  const kc = new KubeConfig();
  if (kubeconfig) kc.loadFromFile(kubeconfig);
  else kc.loadFromDefault();
  if (!kc.getCurrentCluster()) {
    throw new Error(kubeconfig
      ? `${kubeconfig}: no current cluster in this kubeconfig (set current-context)`
      : 'no cluster to talk to: pass --kubeconfig, set $KUBECONFIG, or run in a pod with a service account');
  }
  return kc;
}

export class ClientNodeKubeApi implements KubeApi {
  private readonly server: URL;
  private agent?: https.Agent;
  private readonly discovery = new Map<string, Promise<Map<string, ServedResource>>>();
  private readonly watcher: Watch;

  constructor(readonly kubeConfig: KubeConfig, private readonly userAgent = 'cdk8s-otel-operator') {
    this.server = new URL(kubeConfig.getCurrentCluster()!.server);
    this.watcher = new Watch(kubeConfig);
  }

  /** Closes pooled connections. */
  close(): void {
    this.agent?.destroy();
  }

  private async options(method: string, path: string, headers: Record<string, string | number>): Promise<https.RequestOptions> {
    const opts: https.RequestOptions = { method, headers: { ...headers } };
    // credentials (client certificate, bearer token refreshed by exec plugins) come from the KubeConfig each time
    await this.kubeConfig.applyToHTTPSOptions(opts);
    if (!this.agent) {
      this.agent = new https.Agent({
        ca: opts.ca, cert: opts.cert, key: opts.key, pfx: opts.pfx, passphrase: opts.passphrase,
        rejectUnauthorized: opts.rejectUnauthorized, servername: opts.servername, keepAlive: true, maxSockets: 16,
      });
    }
    const url = new URL(path, this.server);
    return {
      ...opts, agent: this.agent, protocol: url.protocol, hostname: url.hostname, port: url.port,
      path: url.pathname + url.search, timeout: 60_000,
    };
  }

  /** One request; JSON (or text) back. Throws {@link KubeApiError} on a non-2xx status. */
  async request<T>(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<T> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const headers: Record<string, string | number> = { 'Accept': 'application/json', 'User-Agent': this.userAgent };
    if (payload !== undefined) {
      headers['Content-Type'] = contentType;
      headers['Content-Length'] = Buffer.byteLength(payload);
    }
    const opts = await this.options(method, path, headers);
    const operation = `${method} ${path.split('?')[0]}`;
    return new Promise<T>((resolve, reject) => {
      const req = https.request(opts, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown = text;
          try {
            parsed = text ? JSON.parse(text) : undefined;
          } catch {
            // not JSON (/metrics, /healthz): keep the text
          }
          const code = res.statusCode ?? 0;
          if (code >= 200 && code < 300) return resolve(parsed as T);
          const status = parsed as { reason?: string; message?: string } | undefined;
          reject(new KubeApiError(operation, code, status?.reason ?? res.statusMessage ?? '', status?.message ?? String(text).slice(0, 500), parsed));
        });
      });
      req.on('timeout', () => req.destroy(new Error(`${operation}: no answer within 60 s`)));
      req.on('error', reject);
      if (payload !== undefined) req.write(payload);
      req.end();
    });
  }

  async served(apiVersion: string, kind: string): Promise<ServedResource | undefined> {
    let found = (await this.resources(apiVersion, false)).get(kind);
    // a CRD installed after our last look: ask once more
    if (!found) found = (await this.resources(apiVersion, true)).get(kind);
    return found;
  }

  private resources(apiVersion: string, refresh: boolean): Promise<Map<string, ServedResource>> {
    const cached = this.discovery.get(apiVersion);
    if (cached && !refresh) return cached;
    const loading = (async () => {
      const byKind = new Map<string, ServedResource>();
      try {
        const list = await this.request<{ resources: Array<ServedResource & { kind: string }> }>('GET', apiPrefix(apiVersion));
        for (const r of list.resources) if (!r.name.includes('/')) byKind.set(r.kind, { name: r.name, namespaced: r.namespaced });
      } catch (e) {
        if (!(e instanceof KubeApiError && e.statusCode === 404)) {
          this.discovery.delete(apiVersion);
          throw e;
        }
      }
      return byKind;
    })();
    this.discovery.set(apiVersion, loading);
    return loading;
  }

  private async collectionPath(apiVersion: string, kind: string, namespace: string | undefined): Promise<string> {
    const r = await this.served(apiVersion, kind);
    if (!r) throw new KubeApiError(`resolve ${kind} ${apiVersion}`, 404, 'NotFound', `the server does not serve ${kind} in ${apiVersion} (CRD not installed?)`);
    const ns = r.namespaced && namespace ? `/namespaces/${encodeURIComponent(namespace)}` : '';
    return `${apiPrefix(apiVersion)}${ns}/${r.name}`;
  }

  private async objectPath(ref: ObjectRef, subresource?: string): Promise<string> {
    const r = await this.served(ref.apiVersion, ref.kind);
    if (r?.namespaced && !ref.namespace) throw new Error(`${ref.kind} ${ref.name}: namespaced kind without a namespace`);
    return `${await this.collectionPath(ref.apiVersion, ref.kind, ref.namespace)}/${encodeURIComponent(ref.name)}${subresource ? `/${subresource}` : ''}`;
  }

  async get(ref: ObjectRef): Promise<KubeObject | undefined> {
    try {
      return await this.request<KubeObject>('GET', await this.objectPath(ref));
    } catch (e) {
      if (e instanceof KubeApiError && e.statusCode === 404) return undefined;
      throw e;
    }
  }

  async list(apiVersion: string, kind: string, options: ListOptions = {}): Promise<ObjectList> {
    const q = query({ labelSelector: options.labelSelector, fieldSelector: options.fieldSelector });
    const list = await this.request<{ items: KubeObject[]; metadata: { resourceVersion: string } }>(
      'GET', `${await this.collectionPath(apiVersion, kind, options.namespace)}${q}`);
    // list items carry no apiVersion/kind
    return { items: list.items.map((o) => ({ ...o, apiVersion, kind })), resourceVersion: list.metadata.resourceVersion };
  }

  async watch(apiVersion: string, kind: string, options: WatchOptions, onEvent: (event: WatchEvent) => void): Promise<WatchHandle> {
    const path = await this.collectionPath(apiVersion, kind, options.namespace);
    let settle!: { resolve: () => void; reject: (e: unknown) => void };
    const done = new Promise<void>((resolve, reject) => (settle = { resolve, reject }));
    let stopped = false;
    const controller = await this.watcher.watch(path, {
      resourceVersion: options.resourceVersion,
      labelSelector: options.labelSelector,
      fieldSelector: options.fieldSelector,
      allowWatchBookmarks: true,
      timeoutSeconds: options.timeoutSeconds ?? 300,
    }, (type, object) => onEvent({ type: type as WatchEvent['type'], object: type === 'ERROR' ? object : { ...object, apiVersion, kind } }),
    (err) => (err && !stopped && (err as { name?: string }).name !== 'AbortError' ? settle.reject(err) : settle.resolve()));
    return { stop: () => { stopped = true; controller.abort(); }, done };
  }

  async apply(obj: KubeObject, options: ApplyOptions): Promise<KubeObject> {
    const q = query({ fieldManager: options.fieldManager, force: options.force ?? true ? 'true' : undefined });
    const path = await this.objectPath({ apiVersion: obj.apiVersion, kind: obj.kind, namespace: obj.metadata.namespace, name: obj.metadata.name! }, options.subresource);
    return this.request('PATCH', path + q, obj, 'application/apply-patch+yaml');
  }

  async create(obj: KubeObject, options: { fieldManager?: string } = {}): Promise<KubeObject> {
    return this.request('POST', (await this.collectionPath(obj.apiVersion, obj.kind, obj.metadata.namespace)) + query({ fieldManager: options.fieldManager }), obj);
  }

  async replace(obj: KubeObject, options: { fieldManager?: string; subresource?: 'status' } = {}): Promise<KubeObject> {
    const path = await this.objectPath({ apiVersion: obj.apiVersion, kind: obj.kind, namespace: obj.metadata.namespace, name: obj.metadata.name! }, options.subresource);
    return this.request('PUT', path + query({ fieldManager: options.fieldManager }), obj);
  }

  async patch(ref: ObjectRef, patch: unknown, type: PatchType, options: PatchOptions = {}): Promise<KubeObject> {
    const path = await this.objectPath(ref, options.subresource);
    return this.request('PATCH', path + query({ fieldManager: options.fieldManager }), patch, PATCH_CONTENT_TYPES[type]);
  }

  async delete(ref: ObjectRef, options: DeleteOptions = {}): Promise<boolean> {
    const body: Record<string, unknown> = { apiVersion: 'v1', kind: 'DeleteOptions' };
    if (options.propagationPolicy) body.propagationPolicy = options.propagationPolicy;
    if (options.preconditions) body.preconditions = options.preconditions;
    try {
      await this.request('DELETE', await this.objectPath(ref), body);
      return true;
    } catch (e) {
      if (e instanceof KubeApiError && e.statusCode === 404) return false;
      throw e;
    }
  }

  async getRaw(path: string): Promise<string> {
    const body = await this.request<unknown>('GET', path);
    return typeof body === 'string' ? body : JSON.stringify(body);
  }
}

function query(params: Record<string, string | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, v);
  const s = q.toString();
  return s ? `?${s}` : '';
}
