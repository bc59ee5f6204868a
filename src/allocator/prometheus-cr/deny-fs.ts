/**
 * `prometheus_cr.deny_fs_access_through_sms`: upstream's allocator drops every generated scrape config whose
 * HTTP client reads a file of the collector's file system (a bearer token or credentials file, a TLS CA,
 * certificate or key file), so that a tenant cannot make the collector send its service account token to a
 * target of their choosing; the other jobs, even of the same monitor, are kept. Prometheus turns
 * `bearer_token_file` into `authorization.credentials_file` when it loads a config, so both are checked. Pure.
 */
type Json = Record<string, any>;

/** The file-reading fields a scrape config sets, as `key.path`s (empty when it reads none). */
export function fileReferences(cfg: Json): string[] {
  const out: string[] = [];
  if (cfg.bearer_token_file) out.push('bearer_token_file');
  if (cfg.authorization?.credentials_file) out.push('authorization.credentials_file');
  for (const key of ['ca_file', 'cert_file', 'key_file']) if (cfg.tls_config?.[key]) out.push(`tls_config.${key}`);
  return out;
}

/** The configs that read no file; `onDrop` hears each dropped job and the fields that made it so. */
export function denyFileAccess(configs: readonly Json[], onDrop: (jobName: string, fields: string[]) => void): Json[] {
  return configs.filter((cfg) => {
    const refs = fileReferences(cfg);
    if (refs.length === 0) return true;
    onDrop(String(cfg.job_name ?? ''), refs);
    return false;
  });
}
