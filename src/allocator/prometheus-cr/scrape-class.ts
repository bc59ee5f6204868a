/**
 * Scrape classes (`prometheus_cr.scrape_classes`, the Prometheus CR's `scrapeClasses`): named defaults for TLS,
 * authorization, relabelings, metric relabelings, attach_metadata and the fallback scrape protocol that a
 * monitor or ScrapeConfig picks with `scrapeClassName`, or gets from the class marked `default: true`. The merge
 * rules are the Prometheus Operator's (promcfg.go `merge*WithScrapeClass`), quirks included. Pure.
 */
import { InvalidInputError } from '../../common/errors';

type Json = Record<string, any>;

export interface ScrapeClasses {
  readonly byName: ReadonlyMap<string, Json>;
  /** the class with `default: true`, if any */
  readonly defaultName?: string;
}

export const NO_SCRAPE_CLASSES: ScrapeClasses = { byName: new Map() };

const CLASS_KEYS = new Set(['name', 'default', 'fallbackScrapeProtocol', 'tlsConfig', 'authorization', 'relabelings', 'metricRelabelings', 'attachMetadata']);

/**
 * Parses `scrape_classes` as upstream's allocator decodes them (the CR's camelCase field names): each needs a
 * unique name, at most one is the default (the operator's ConfigGenerator refuses two, so the allocator does
 * not start).
 */
export function parseScrapeClasses(raw: unknown, file: string, path: string): ScrapeClasses {
  const bad = (where: string, problem: string, fix: string): never => {
    throw new InvalidInputError(file, where, problem, fix);
  };
  if (raw === undefined || raw === null) return NO_SCRAPE_CLASSES;
  if (!Array.isArray(raw)) return bad(path, 'must be a list', 'write - {name: my-class, default: true, ...}');
  const byName = new Map<string, Json>();
  let defaultName: string | undefined;
  raw.forEach((entry, i) => {
    const p = `${path}[${i}]`;
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) bad(p, 'must be a mapping', 'write {name: my-class, ...}');
    const c = entry as Json;
    for (const key of Object.keys(c)) if (!CLASS_KEYS.has(key)) bad(`${p}.${key}`, 'unknown key', `use one of ${Array.from(CLASS_KEYS).join(', ')}`);
    if (typeof c.name !== 'string' || c.name === '') bad(`${p}.name`, 'required', 'name the scrape class');
    if (byName.has(c.name)) bad(`${p}.name`, `duplicate scrape class ${JSON.stringify(c.name)}`, 'give each scrape class a unique name');
    for (const key of ['relabelings', 'metricRelabelings']) {
      if (c[key] !== undefined && c[key] !== null && !Array.isArray(c[key])) bad(`${p}.${key}`, 'must be a list of relabel rules', `write ${key}: [{action: replace, ...}]`);
    }
    if (c.default !== undefined && c.default !== null && typeof c.default !== 'boolean') bad(`${p}.default`, 'must be true or false', 'write default: true');
    if (c.default === true) {
      if (defaultName !== undefined) bad(`${p}.default`, 'multiple default scrape classes defined', `keep default: true on one class only (${defaultName} is already the default)`);
      defaultName = c.name;
    }
    byName.set(c.name, c);
  });
  return { byName, defaultName };
}

/**
 * The class a resource uses: the named one, else the default, else none (`{}`). Undefined when `name` is set
 * but no such class exists, which the operator's resource selector rejects.
 */
export function scrapeClassFor(classes: ScrapeClasses, name: string | undefined | null): Json | undefined {
  if (name) {
    const found = classes.byName.get(name);
    if (!found) return undefined;
    return found;
  }
  return (classes.defaultName !== undefined ? classes.byName.get(classes.defaultName) : undefined) ?? {};
}

const isEmpty = (o: Json | undefined | null): boolean => !o || Object.values(o).every((v) => v === undefined || v === null);
const hasRef = (v: Json | undefined): boolean => !!(v?.secret || v?.configMap);

/** `mergeSafeTLSConfigWithScrapeClass`: the class's TLS when the resource has none; else its files fill gaps. */
export function mergeTlsConfig(tls: Json | undefined, cls: Json): Json | undefined {
  if (isEmpty(tls)) return cls.tlsConfig;
  if (!cls.tlsConfig) return tls;
  const out = { ...tls };
  if (!out.caFile && !hasRef(out.ca)) out.caFile = cls.tlsConfig.caFile;
  if (!out.certFile && !hasRef(out.cert)) out.certFile = cls.tlsConfig.certFile;
  if (!out.keyFile && !out.keySecret) out.keyFile = cls.tlsConfig.keyFile;
  return out;
}

/** `mergeSafeAuthorizationWithScrapeClass`: the class's authorization when the resource has none; else its credentials fill gaps. */
export function mergeAuthorization(authz: Json | undefined, cls: Json): Json | undefined {
  if (isEmpty(authz)) return cls.authorization;
  if (!cls.authorization) return authz;
  const out = { ...authz };
  if (!out.credentials) out.credentials = cls.authorization.credentials;
  if (!out.credentials && !out.credentialsFile) {
    out.credentials = cls.authorization.credentials;
    out.credentialsFile = cls.authorization.credentialsFile;
  }
  return out;
}

/** `mergeAttachMetadataWithScrapeClass`: the resource's attachMetadata, else the class's. */
export function mergeAttachMetadata(attach: Json | undefined | null, cls: Json): Json | undefined {
  return attach ?? cls.attachMetadata ?? undefined;
}
