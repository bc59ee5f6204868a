import { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { goJsonMarshal } from '../common/gojson';
import { Allocator } from './allocator';
import { bodiesOf, targetGroupsJson } from './bodies';
import { ScrapeJob } from './config';
import { AllocatorMetrics } from './metrics';
import { scrapeConfigsBody, scrapeConfigsJson } from './scrape-configs';

/** What the HTTP API reads. */
export interface ApiState {
  readonly allocator: Allocator;
  readonly jobs: readonly ScrapeJob[];
  readonly ready: boolean;
  readonly metrics: AllocatorMetrics;
}

/** Go's `url.QueryEscape`: like encodeURIComponent, but also escapes `!'()*` and writes spaces as `+`. */
export function queryEscape(s: string): string {
  return encodeURIComponent(s)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');
}

/** Go's `url.QueryUnescape`; undefined on a malformed escape. */
export function queryUnescape(s: string): string | undefined {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
}

/** upstream's exact type (Prometheus HTTP SD accepts it with or without `; charset=utf-8`) */
const JSON_TYPE = 'application/json';
const JOB_TARGETS = /^\/jobs\/([^/]+)\/targets$/;

/**
 * The `collector_id` query parameter (the first one, as gin's `Query` takes it); null when absent. The common
 * shape, `collector_id=<name>` with nothing to unescape, is read without building URLSearchParams.
 */
function collectorIdOf(query: string): string | null {
  if (query.startsWith('collector_id=') && !/[&%+]/.test(query)) return query.slice('collector_id='.length);
  return new URLSearchParams(query).get('collector_id');
}

/**
 * Builds the request handler of upstream's API (spec §1). `redactSecrets` is true on the plain-HTTP listener
 * unless `allow_insecure_auth_secrets` is set. Responses for `/jobs/{job}/targets?collector_id=`, which every
 * collector polls, are kept between allocation changes ({@link bodiesOf}), so such a request is a look-up (the first
 * one after its bucket changed makes that one body).
 */
export function createApiHandler(state: ApiState, redactSecrets: boolean): (req: IncomingMessage, res: ServerResponse) => void {
  const bodies = bodiesOf(state.allocator);
  let scrapeCache: string | undefined;
  let scrapeCacheJobs: readonly ScrapeJob[] | undefined;
  // one bound histogram child per route: observing through labels would hash them on every request
  const durations = new Map<string, { observe(seconds: number): void }>();
  const observe = (route: string, seconds: number) => {
    let child = durations.get(route);
    if (!child) {
      child = state.metrics.httpDuration.labels({ path: route });
      durations.set(route, child);
    }
    child.observe(seconds);
  };

  const send = (res: ServerResponse, status: number, body: string, type = JSON_TYPE) => {
    res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
  };

  return (req, res) => {
    const start = performance.now();
    const rawUrl = req.url ?? '/';
    const q = rawUrl.indexOf('?');
    const rawPath = q < 0 ? rawUrl : rawUrl.slice(0, q);
    const query = q < 0 ? '' : rawUrl.slice(q + 1);
    let route = rawPath;
    try {
      // upstream's router (gin, defaults) registers GET only and answers anything else as an unknown route
      if (req.method !== 'GET') {
        route = 'unknown';
        send(res, 404, '404 page not found', 'text/plain');
        return;
      }
      if (rawPath === '/livez') {
        send(res, 200, '', 'text/plain');
        return;
      }
      if (rawPath === '/readyz') {
        send(res, state.ready ? 200 : 503, '', 'text/plain');
        return;
      }
      if (rawPath === '/metrics') {
        void state.metrics.registry.metrics().then(
          (body) => send(res, 200, body, state.metrics.registry.contentType),
          (err: Error) => send(res, 500, `${JSON.stringify({ error: err.message })}\n`),
        );
        return;
      }
      if (rawPath === '/scrape_configs') {
        if (!state.ready) {
          send(res, 503, `${JSON.stringify({ error: 'scrape configs are not ready yet' })}\n`);
          return;
        }
        if ((req.headers.accept ?? '').includes('text/html')) {
          send(res, 200, scrapeConfigsHtml(scrapeConfigsBody(state.jobs, redactSecrets)), 'text/html; charset=utf-8');
          return;
        }
        // jobs generated from Prometheus CRs replace the array when they change
        if (scrapeCacheJobs !== state.jobs) scrapeCache = undefined;
        scrapeCacheJobs = state.jobs;
        // upstream writes the marshalled bytes as they are: no trailing newline
        scrapeCache ??= scrapeConfigsJson(state.jobs, redactSecrets);
        send(res, 200, scrapeCache);
        return;
      }
      if (rawPath === '/jobs') {
        // a Go map marshals with its keys sorted
        const body: Record<string, { _link: string }> = {};
        for (const job of state.allocator.jobNames()) body[job] = { _link: `/jobs/${queryEscape(job)}/targets` };
        // written in Go's order: a JavaScript object would put integer-like job names first
        send(res, 200, `${goJsonMarshal(body, { escapeHtml: false })}\n`);
        return;
      }
      const m = JOB_TARGETS.exec(rawPath);
      if (m) {
        route = '/jobs/:job_id/targets';
        const job = /[%+]/.test(m[1]) ? queryUnescape(m[1]) : m[1];
        if (job === undefined) {
          send(res, 500, `${JSON.stringify({ error: `invalid job id escape ${JSON.stringify(m[1])}` })}\n`);
          return;
        }
        const collector = collectorIdOf(query);
        const allocator = state.allocator;
        // any collector_id, even an empty one, asks for that collector's list (upstream: `[]` for an unknown id)
        if (collector !== null) {
          const body = bodies.body(job, collector);
          res.writeHead(200, ['Content-Type', JSON_TYPE, 'Content-Length', String(body.length)]);
          res.end(body);
          return;
        }
        // debug view: every collector, with its targets of this job (`[]` when it has none), sorted by name as a
        // Go map marshals; upstream writes the collector name into the link unescaped
        const parts: string[] = [];
        const collectors = allocator.collectors.map((c) => c.name).sort();
        for (const name of collectors) {
          const items = allocator.targetsFor(job, name);
          const link = `/debug/jobs/${queryEscape(job)}/targets?collector_id=${name}`;
          parts.push(`${JSON.stringify(name)}:{"_link":${JSON.stringify(link)},"targets":${targetGroupsJson(items)}}`);
        }
        send(res, 200, `{${parts.join(',')}}\n`);
        return;
      }
      route = 'unknown';
      send(res, 404, '404 page not found', 'text/plain');
    } catch (err) {
      send(res, 500, `${JSON.stringify({ error: (err as Error).message })}\n`);
    } finally {
      observe(route, (performance.now() - start) / 1000);
    }
  };
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function scrapeConfigsHtml(body: Record<string, unknown>): string {
  const rows = Object.entries(body)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([job, config]) => `<tr><td>${escapeHtml(job)}</td><td><pre>${escapeHtml(JSON.stringify(config, null, 2))}</pre></td></tr>`)
    .join('\n');
  return `<!DOCTYPE html><html><head><title>Scrape configs</title></head><body><h1>Scrape configs</h1>\n<table><tr><th>Job</th><th>Scrape config</th></tr>\n${rows}\n</table></body></html>\n`;
}
