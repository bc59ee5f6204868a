import { InvalidInputError } from '../common/errors';
import { parseDuration } from './duration';

/** The HTTP client settings of an `http_sd_configs` entry that this allocator applies. */
export interface HttpSDClient {
  readonly basicAuth?: { readonly username: string; readonly password?: string; readonly passwordFile?: string };
  /** `authorization` (also `bearer_token`/`bearer_token_file`, which Prometheus turns into it) */
  readonly authorization?: { readonly type: string; readonly credentials?: string; readonly credentialsFile?: string };
  readonly tls: {
    readonly ca?: string; readonly caFile?: string; readonly cert?: string; readonly certFile?: string;
    readonly key?: string; readonly keyFile?: string; readonly serverName?: string; readonly insecureSkipVerify: boolean;
  };
  readonly followRedirects: boolean;
}

/** One `http_sd_configs` entry. */
export interface HttpSDConfig {
  readonly url: string;
  readonly refreshIntervalMs: number;
  readonly client: HttpSDClient;
}

/** Client keys this allocator does not apply: a config that sets one is refused rather than fetched differently. */
const UNSUPPORTED = ['oauth2', 'proxy_url', 'proxy_from_environment', 'proxy_connect_header', 'http_headers'];
const KNOWN = new Set(['url', 'refresh_interval', 'basic_auth', 'authorization', 'bearer_token', 'bearer_token_file', 'tls_config',
  'follow_redirects', 'enable_http2', 'no_proxy', ...UNSUPPORTED]);

type Obj = Record<string, unknown>;

/**
 * Parses a job's `http_sd_configs` as Prometheus validates them: a `url` with scheme http or https and a host,
 * `refresh_interval` (default 60s), and the HTTP client: basic auth, authorization or bearer token (inline or
 * from a file), TLS (CA, certificate, key inline or from files, server name, insecure_skip_verify) and
 * follow_redirects. OAuth2, proxies and extra headers are refused with the reason.
 */
export function parseHttpSDConfigs(raw: unknown, file: string, path: string): HttpSDConfig[] {
  const bad = (where: string, problem: string, fix: string): never => {
    throw new InvalidInputError(file, where, problem, fix);
  };
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) return bad(path, 'must be a list', 'write - url: http://host/sd.json');
  return raw.map((entry, i): HttpSDConfig => {
    const p = `${path}[${i}]`;
    const o = obj(entry, p, bad);
    for (const key of Object.keys(o)) {
      if (!KNOWN.has(key)) bad(`${p}.${key}`, 'unknown key', `use one of ${Array.from(KNOWN).join(', ')}`);
      if (UNSUPPORTED.includes(key) && o[key] !== null && o[key] !== undefined) {
        bad(`${p}.${key}`, 'not supported by this allocator\'s HTTP service discovery', 'serve the target list without it, or use file_sd_configs');
      }
    }
    const url = str(o, 'url', p, bad);
    let parsed: URL | undefined;
    try {
      parsed = url ? new URL(url) : undefined;
    } catch {
      parsed = undefined;
    }
    if (!url) bad(`${p}.url`, 'URL is missing', 'set url: http://host/sd.json');
    if (!parsed) return bad(`${p}.url`, `${JSON.stringify(url)} is not a URL`, 'write e.g. http://host:8080/sd.json');
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') bad(`${p}.url`, 'URL scheme must be \'http\' or \'https\'', 'use an http:// or https:// URL');
    if (!parsed.host) bad(`${p}.url`, 'host is missing in URL', 'write e.g. http://host:8080/sd.json');
    const interval = str(o, 'refresh_interval', p, bad);
    const refreshIntervalMs = interval === undefined ? 60_000 : parseDuration(interval);
    if (refreshIntervalMs === undefined) bad(`${p}.refresh_interval`, `${JSON.stringify(interval)} is not a duration`, 'e.g. 30s or 5m');
    return { url: url!, refreshIntervalMs: refreshIntervalMs!, client: parseClient(o, p, bad) };
  });
}

type Bad = (where: string, problem: string, fix: string) => never;

function obj(v: unknown, p: string, bad: Bad): Obj {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) bad(p, 'must be a mapping', 'write key: value pairs');
  return v as Obj;
}

function str(o: Obj, key: string, p: string, bad: Bad): string | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') bad(`${p}.${key}`, 'must be a string', 'quote the value');
  return v as string;
}

function parseClient(o: Obj, p: string, bad: Bad): HttpSDClient {
  let basicAuth: HttpSDClient['basicAuth'];
  if (o.basic_auth !== undefined && o.basic_auth !== null) {
    const b = obj(o.basic_auth, `${p}.basic_auth`, bad);
    basicAuth = { username: str(b, 'username', `${p}.basic_auth`, bad) ?? '', password: str(b, 'password', `${p}.basic_auth`, bad),
      passwordFile: str(b, 'password_file', `${p}.basic_auth`, bad) };
  }
  let authorization: HttpSDClient['authorization'];
  if (o.authorization !== undefined && o.authorization !== null) {
    const a = obj(o.authorization, `${p}.authorization`, bad);
    authorization = { type: str(a, 'type', `${p}.authorization`, bad) || 'Bearer', credentials: str(a, 'credentials', `${p}.authorization`, bad),
      credentialsFile: str(a, 'credentials_file', `${p}.authorization`, bad) };
  } else if (o.bearer_token || o.bearer_token_file) {
    authorization = { type: 'Bearer', credentials: str(o, 'bearer_token', p, bad), credentialsFile: str(o, 'bearer_token_file', p, bad) };
  }
  if (basicAuth && authorization) bad(`${p}.authorization`, 'at most one of basic_auth, authorization and bearer_token may be configured', 'keep one');
  const t = o.tls_config === undefined || o.tls_config === null ? {} : obj(o.tls_config, `${p}.tls_config`, bad);
  const tp = `${p}.tls_config`;
  const tls = {
    ca: str(t, 'ca', tp, bad), caFile: str(t, 'ca_file', tp, bad), cert: str(t, 'cert', tp, bad), certFile: str(t, 'cert_file', tp, bad),
    key: str(t, 'key', tp, bad), keyFile: str(t, 'key_file', tp, bad), serverName: str(t, 'server_name', tp, bad), insecureSkipVerify: t.insecure_skip_verify === true,
  };
  return { basicAuth, authorization, tls, followRedirects: o.follow_redirects !== false };
}
