import { promises as fsp } from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import { InvalidInputError } from '../common/errors';
import { parseTargetGroup } from './config';
import { HttpSDClient, HttpSDConfig } from './http-sd-config';
import { TargetGroup } from './target';

const CONTENT_TYPE = /^application\/json(;\s*charset=("utf-8"|utf-8))?$/i;
const MAX_REDIRECTS = 10;

/**
 * Prometheus's HTTP SD answer check (discovery/http): status 200, `Content-Type: application/json` (charset
 * utf-8 at most), a JSON list of `{targets, labels}` groups; each group gets `__meta_url` and the source
 * `<url>:<index>`. Pure.
 */
export function parseHttpSDBody(url: string, status: number, statusText: string, contentType: string | undefined, body: string): TargetGroup[] {
  if (status !== 200) throw new Error(`server returned HTTP status ${status} ${statusText}`.trim());
  if (!CONTENT_TYPE.test((contentType ?? '').trim())) throw new Error(`unsupported content type ${JSON.stringify(contentType ?? '')}`);
  const bad = (p: string, problem: string, fix: string): never => {
    throw new InvalidInputError(url, p, problem, fix);
  };
  let doc: unknown;
  try {
    doc = JSON.parse(body);
  } catch (err) {
    return bad('(body)', `not JSON: ${(err as Error).message}`, 'answer a JSON list of {targets, labels} groups');
  }
  if (doc === null) return [];
  if (!Array.isArray(doc)) return bad('(body)', 'must be a list of target groups', 'answer [{"targets": ["host:port"], "labels": {}}]');
  return doc.map((raw, i) => {
    if (raw === null) bad(`[${i}]`, 'nil target group item found', 'remove the null entry');
    const group = parseTargetGroup(raw, `[${i}]`, bad, `${url}:${i}`);
    return { ...group, labels: { ...group.labels, __meta_url: url } };
  });
}

/**
 * `http_sd_configs` of one job: each URL is fetched at start and every `refresh_interval` with the job's HTTP
 * client settings and Prometheus's request headers; the job's groups are reported after every round. A URL
 * that fails keeps its last good groups (the error is reported), as Prometheus keeps a target set until a
 * refresh succeeds. Unchanged answers give the same group objects again, so the allocator skips them.
 */
export class HttpDiscovery {
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly lastGood = new Map<number, TargetGroup[]>();
  private readonly lastBody = new Map<number, string>();
  private stopped = false;

  constructor(
    private readonly configs: readonly HttpSDConfig[],
    private readonly onGroups: (groups: TargetGroup[]) => void,
    private readonly onError: (err: Error) => void,
  ) {}

  async start(): Promise<void> {
    await this.refresh();
    this.configs.forEach((c, i) => {
      const timer = setInterval(() => void this.refreshOne(i).then(() => this.report()), Math.max(1000, c.refreshIntervalMs));
      timer.unref();
      this.timers.push(timer);
    });
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers) clearInterval(t);
  }

  async refresh(): Promise<void> {
    await Promise.all(this.configs.map((_c, i) => this.refreshOne(i)));
    this.report();
  }

  private report(): void {
    if (this.stopped) return;
    this.onGroups(this.configs.flatMap((_c, i) => this.lastGood.get(i) ?? []));
  }

  private async refreshOne(i: number): Promise<void> {
    const c = this.configs[i];
    try {
      const res = await fetchSD(c.url, c.client, c.refreshIntervalMs);
      const key = `${res.status}\n${res.contentType ?? ''}\n${res.body}`;
      if (this.lastBody.get(i) === key) return;
      this.lastGood.set(i, parseHttpSDBody(c.url, res.status, res.statusText, res.contentType, res.body));
      this.lastBody.set(i, key);
    } catch (err) {
      this.onError(new Error(`http_sd ${c.url}: ${(err as Error).message}`));
    }
  }
}

interface SDResponse {
  readonly status: number;
  readonly statusText: string;
  readonly contentType?: string;
  readonly body: string;
}

/** GET `url` with Prometheus's headers and the client's credentials and TLS settings, following redirects. */
async function fetchSD(url: string, client: HttpSDClient, refreshIntervalMs: number): Promise<SDResponse> {
  const headers: Record<string, string> = {
    'User-Agent': 'Prometheus/3 (cdk8s-otel target allocator)',
    Accept: 'application/json',
    'X-Prometheus-Refresh-Interval-Seconds': String(refreshIntervalMs / 1000),
  };
  if (client.basicAuth) {
    const password = client.basicAuth.passwordFile ? (await fsp.readFile(client.basicAuth.passwordFile, 'utf8')).trim() : client.basicAuth.password ?? '';
    headers.Authorization = `Basic ${Buffer.from(`${client.basicAuth.username}:${password}`).toString('base64')}`;
  } else if (client.authorization) {
    const a = client.authorization;
    const credentials = a.credentialsFile ? (await fsp.readFile(a.credentialsFile, 'utf8')).trim() : a.credentials ?? '';
    headers.Authorization = `${a.type} ${credentials}`;
  }
  const t = client.tls;
  const read = async (inline: string | undefined, file: string | undefined) => inline ?? (file ? fsp.readFile(file, 'utf8') : undefined);
  const tls = { ca: await read(t.ca, t.caFile), cert: await read(t.cert, t.certFile), key: await read(t.key, t.keyFile),
    rejectUnauthorized: !t.insecureSkipVerify, servername: t.serverName };
  let target = url;
  for (let hop = 0; ; hop++) {
    const res = await get(target, headers, tls);
    const location = res.location;
    if (!client.followRedirects || location === undefined || ![301, 302, 303, 307, 308].includes(res.status)) return res;
    if (hop >= MAX_REDIRECTS) throw new Error(`stopped after ${MAX_REDIRECTS} redirects`);
    target = new URL(location, target).toString();
  }
}

function get(url: string, headers: Record<string, string>, tls: https.RequestOptions): Promise<SDResponse & { location?: string }> {
  const mod = url.startsWith('https:') ? https : http;
  return new Promise((resolve, reject) => {
    const req = mod.get(url, { headers, ...(url.startsWith('https:') ? tls : {}), timeout: 30_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => resolve({
        status: res.statusCode ?? 0, statusText: res.statusMessage ?? '', contentType: res.headers['content-type'],
        body: Buffer.concat(chunks).toString('utf8'), location: res.headers.location,
      }));
    });
    req.on('timeout', () => req.destroy(new Error('timed out after 30 s')));
    req.on('error', reject);
  });
}
