import { goJsonMarshal } from '../common/gojson';
import { ScrapeJob } from './config';

/** What Prometheus prints in place of a secret (`config.Secret` marshalling). */
export const SECRET_PLACEHOLDER = '<secret>';
const SECRET_KEYS = new Set(['password', 'credentials', 'client_secret', 'bearer_token']);

/**
 * The body of `GET /scrape_configs`: job name → scrape config, keys sorted at every level. Like upstream:
 * - `regex` is removed from `keepequal`/`dropequal` rules (the receiver fails to load them otherwise,
 *   prometheus#12534);
 * - with `redact`, secrets (`basic_auth.password`, `authorization.credentials`, `oauth2.client_secret`,
 *   `bearer_token`, `tls_config.key`, header `secrets`, `proxy_connect_header` values) show as `<secret>`; upstream serves the real values only
 *   over TLS or with `allow_insecure_auth_secrets`.
 */
export function scrapeConfigsBody(jobs: readonly ScrapeJob[], redact: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const job of jobs) {
    const config = transform(job.served, redact, '') as Record<string, unknown>;
    for (const key of ['relabel_configs', 'metric_relabel_configs']) {
      const rules = config[key];
      if (Array.isArray(rules)) {
        config[key] = rules.map((r) => {
          if (r && typeof r === 'object' && /^(keep|drop)equal$/i.test(String((r as Record<string, unknown>).action))) {
            const { regex: _dropped, ...rest } = r as Record<string, unknown>;
            return rest;
          }
          return r;
        });
      }
    }
    out[job.jobName] = config;
  }
  return out;
}

/**
 * `scrapeConfigsBody` as the bytes upstream serves: a Go map marshalled to JSON, so job names (like every key
 * below them) come sorted by their bytes, not in config order, and integer-like names (`"10"`, `"9"`) sort as
 * strings, where a JavaScript object would put them first in numeric order. HTML-escaped as upstream's last step
 * (goccy/go-json's Marshal, like encoding/json) escapes it: `<secret>` is sent as `\u003csecret\u003e`.
 */
export function scrapeConfigsJson(jobs: readonly ScrapeJob[], redact: boolean): string {
  return goJsonMarshal(scrapeConfigsBody(jobs, redact));
}

function transform(value: unknown, redact: boolean, parentKey: string): unknown {
  if (Array.isArray(value)) {
    if (redact && parentKey === 'secrets') return value.map(() => SECRET_PLACEHOLDER);
    return value.map((v) => transform(v, redact, ''));
  }
  if (value === null || typeof value !== 'object') return value;
  // keys sorted, as upstream's YAML→JSON conversion (a Go map marshalled to JSON) writes them
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const secret = SECRET_KEYS.has(key) || (parentKey === 'tls_config' && key === 'key');
    if (redact && parentKey === 'proxy_connect_header' && Array.isArray(v)) {
      // proxy_connect_header maps a header name to a list of secrets
      out[key] = v.map(() => SECRET_PLACEHOLDER);
      continue;
    }
    out[key] = redact && secret && typeof v === 'string' && v !== '' ? SECRET_PLACEHOLDER : transform(v, redact, key);
  }
  return out;
}
