/**
 * The checks prometheus/common (v0.69) makes when it loads an HTTP client config (scrape configs and the SD
 * configs that inline one): upstream's allocator does not start with a config that fails them, and the served
 * config (see served-scrape-config.ts) would otherwise carry combinations Prometheus never marshals, e.g. an
 * `authorization` next to `basic_auth`. Pure; `bad` reports the key path, the problem and the fix.
 */

type Obj = Record<string, unknown>;
export type Bad = (path: string, problem: string, fix: string) => never;

export function checkHttpClient(c: Readonly<Obj>, path: string, bad: Bad): void {
  const has = (o: Obj | undefined, key: string) => o !== undefined && typeof o[key] === 'string' && o[key] !== '';
  const basic = obj(c.basic_auth);
  const oauth2 = obj(c.oauth2);
  const auth = obj(c.authorization);
  const token = has(c as Obj, 'bearer_token');
  const tokenFile = has(c as Obj, 'bearer_token_file');
  const keep = 'keep one of them';
  if (token && tokenFile) bad(`${path}.bearer_token_file`, 'at most one of bearer_token & bearer_token_file must be configured', keep);
  if ((basic || oauth2) && (token || tokenFile)) bad(path, 'at most one of basic_auth, oauth2, bearer_token & bearer_token_file must be configured', keep);
  if (basic) {
    atMostOne(basic, ['username', 'username_file', 'username_ref'], `${path}.basic_auth`, bad);
    atMostOne(basic, ['password', 'password_file', 'password_ref'], `${path}.basic_auth`, bad);
  }
  if (auth) {
    if (token || tokenFile) bad(`${path}.authorization`, 'authorization is not compatible with bearer_token & bearer_token_file', 'move the token into authorization.credentials');
    atMostOne(auth, ['credentials', 'credentials_file', 'credentials_ref'], `${path}.authorization`, bad);
    if (typeof auth.type === 'string' && auth.type.trim().toLowerCase() === 'basic') {
      bad(`${path}.authorization.type`, 'authorization type cannot be set to "basic"', 'use basic_auth instead');
    }
    if (basic || oauth2) bad(path, 'at most one of basic_auth, oauth2 & authorization must be configured', keep);
  }
  if (oauth2) {
    if (basic) bad(path, 'at most one of basic_auth, oauth2 & authorization must be configured', keep);
    if (!has(oauth2, 'client_id')) bad(`${path}.oauth2.client_id`, 'must be configured', 'set the OAuth2 client id');
    if (!has(oauth2, 'token_url')) bad(`${path}.oauth2.token_url`, 'must be configured', 'set the OAuth2 token URL');
    if (oauth2.grant_type !== 'urn:ietf:params:oauth:grant-type:jwt-bearer') {
      atMostOne(oauth2, ['client_secret', 'client_secret_file', 'client_secret_ref'], `${path}.oauth2`, bad);
    }
    checkTls(oauth2.tls_config, `${path}.oauth2.tls_config`, bad);
  }
  checkTls(c.tls_config, `${path}.tls_config`, bad);
  const proxyUrl = has(c as Obj, 'proxy_url');
  const fromEnv = c.proxy_from_environment === true;
  const connectHeader = obj(c.proxy_connect_header);
  if (connectHeader && Object.keys(connectHeader).length > 0 && !fromEnv && !proxyUrl) {
    bad(`${path}.proxy_connect_header`, 'needs proxy_url or proxy_from_environment', 'set proxy_url, or remove proxy_connect_header');
  }
  if (fromEnv && proxyUrl) bad(`${path}.proxy_url`, 'must not be configured with proxy_from_environment', 'keep one of them');
  if (fromEnv && has(c as Obj, 'no_proxy')) bad(`${path}.no_proxy`, 'must not be configured with proxy_from_environment', 'keep one of them');
  if (!proxyUrl && has(c as Obj, 'no_proxy')) bad(`${path}.no_proxy`, 'needs proxy_url', 'set proxy_url, or remove no_proxy');
}

function checkTls(raw: unknown, path: string, bad: Bad): void {
  const t = obj(raw);
  if (!t) return;
  atMostOne(t, ['ca', 'ca_file', 'ca_ref'], path, bad);
  atMostOne(t, ['cert', 'cert_file', 'cert_ref'], path, bad);
  atMostOne(t, ['key', 'key_file', 'key_ref'], path, bad);
  const cert = ['cert', 'cert_file', 'cert_ref'].some((k) => isSet(t[k]));
  const key = ['key', 'key_file', 'key_ref'].some((k) => isSet(t[k]));
  if (cert && !key) bad(path, 'a client certificate needs a key: exactly one of key or key_file must be configured', 'add key or key_file, or remove the certificate');
  if (key && !cert) bad(path, 'a client key needs a certificate: exactly one of cert or cert_file must be configured', 'add cert or cert_file, or remove the key');
}

function atMostOne(o: Obj, keys: readonly string[], path: string, bad: Bad): void {
  const set = keys.filter((k) => isSet(o[k]));
  if (set.length > 1) bad(`${path}.${set[1]}`, `at most one of ${keys.join(', ')} must be configured`, `keep only ${set[0]} or ${set[1]}`);
}

function isSet(v: unknown): boolean {
  return typeof v === 'string' ? v !== '' : v !== undefined && v !== null;
}

function obj(v: unknown): Obj | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : undefined;
}
