import { InvalidInputError } from '../../common/errors';

export const KUBERNETES_ROLES = ['pod', 'service', 'endpoints', 'endpointslice', 'node', 'ingress'] as const;
export type KubernetesRole = typeof KUBERNETES_ROLES[number];

export interface AttachMetadata {
  readonly node: boolean;
  readonly namespace: boolean;
  readonly deployment: boolean;
  readonly job: boolean;
  readonly cronjob: boolean;
}

/** One `selectors` entry: label and field selectors in the API server's syntax, for the objects of one role. */
export interface RoleSelector {
  readonly role: KubernetesRole;
  readonly label?: string;
  readonly field?: string;
}

/** A `kubernetes_sd_configs` entry, as far as it decides what is watched. */
export interface KubernetesSDConfig {
  readonly role: KubernetesRole;
  /** namespaces to watch; empty = all (ignored by the node role, which is cluster-scoped) */
  readonly namespaces: readonly string[];
  readonly selectors: readonly RoleSelector[];
  /**
   * `attach_metadata`: the labels of the target's node (roles pod, endpoints, endpointslice) and namespace (every
   * role but node) on its targets, and of the pod's Deployment, Job and CronJob (pod, endpoints, endpointslice),
   * as Prometheus writes them.
   */
  readonly attachMetadata: AttachMetadata;
  /** keys this allocator accepts but does not act on (it talks to its own cluster with its own credentials) */
  readonly ignored: readonly string[];
}

/** Which roles may carry a selector of which role, as Prometheus validates them (the pod role's node selector filters the Nodes of `attach_metadata.node`). */
const ALLOWED_SELECTOR_ROLES: Record<KubernetesRole, readonly KubernetesRole[]> = {
  pod: ['pod', 'node'],
  service: ['service'],
  endpoints: ['pod', 'service', 'endpoints'],
  endpointslice: ['pod', 'service', 'endpointslice'],
  node: ['node'],
  ingress: ['ingress'],
};

/** Prometheus's `attach_metadata` keys. */
const ATTACH_METADATA_KEYS = ['node', 'namespace', 'deployment', 'job', 'cronjob'];

const KNOWN_KEYS = new Set(['role', 'namespaces', 'selectors', 'attach_metadata', 'api_server', 'kubeconfig_file', 'follow_redirects',
  'enable_http2', 'tls_config', 'authorization', 'basic_auth', 'oauth2', 'bearer_token', 'bearer_token_file', 'proxy_url', 'no_proxy',
  'proxy_from_environment', 'proxy_connect_header', 'http_headers']);

/**
 * Parses a job's `kubernetes_sd_configs` as Prometheus validates them: a known role, `namespaces.names` and
 * `namespaces.own_namespace` (the allocator's namespace, `ownNamespace`), `selectors` only for roles the config's
 * role watches and at most one per role.
 */
export function parseKubernetesSDConfigs(raw: unknown, file: string, path: string, ownNamespace: string | undefined): KubernetesSDConfig[] {
  const bad = (where: string, problem: string, fix: string): never => {
    throw new InvalidInputError(file, where, problem, fix);
  };
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) return bad(path, 'must be a list', 'write - role: pod');
  return raw.map((entry, i): KubernetesSDConfig => {
    const p = `${path}[${i}]`;
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return bad(p, 'must be a mapping', 'write {role: pod}');
    const o = entry as Record<string, unknown>;
    for (const key of Object.keys(o)) if (!KNOWN_KEYS.has(key)) bad(`${p}.${key}`, 'unknown key', `use one of ${Array.from(KNOWN_KEYS).join(', ')}`);
    const role = o.role;
    if (!(KUBERNETES_ROLES as readonly unknown[]).includes(role)) {
      bad(`${p}.role`, role === undefined ? 'required' : `unknown Kubernetes SD role ${JSON.stringify(role)}`, `use one of ${KUBERNETES_ROLES.join(', ')}`);
    }
    const namespaces: string[] = [];
    if (o.namespaces !== undefined && o.namespaces !== null) {
      if (typeof o.namespaces !== 'object' || Array.isArray(o.namespaces)) bad(`${p}.namespaces`, 'must be a mapping', 'write namespaces: {names: [ns]}');
      const ns = o.namespaces as Record<string, unknown>;
      for (const key of Object.keys(ns)) if (key !== 'names' && key !== 'own_namespace') bad(`${p}.namespaces.${key}`, 'unknown key', 'use names and own_namespace');
      const names = ns.names ?? [];
      if (!Array.isArray(names) || names.some((n) => typeof n !== 'string' || n === '')) bad(`${p}.namespaces.names`, 'must be a list of namespace names', 'write names: [default]');
      namespaces.push(...(names as string[]));
      if (ns.own_namespace === true) {
        if (!ownNamespace) bad(`${p}.namespaces.own_namespace`, 'the allocator\'s own namespace is not known', 'set collector_namespace or OTELCOL_NAMESPACE');
        namespaces.push(ownNamespace!);
      }
    }
    const selectors: RoleSelector[] = [];
    if (o.selectors !== undefined && o.selectors !== null) {
      if (!Array.isArray(o.selectors)) bad(`${p}.selectors`, 'must be a list', 'write - {role: pod, label: app=x}');
      (o.selectors as unknown[]).forEach((s, j) => {
        const sp = `${p}.selectors[${j}]`;
        if (typeof s !== 'object' || s === null) bad(sp, 'must be a mapping', 'write {role: pod, label: app=x}');
        const so = s as Record<string, unknown>;
        for (const key of Object.keys(so)) if (!['role', 'label', 'field'].includes(key)) bad(`${sp}.${key}`, 'unknown key', 'use role, label and field');
        const allowed = ALLOWED_SELECTOR_ROLES[role as KubernetesRole];
        if (!(allowed as readonly unknown[]).includes(so.role)) {
          bad(`${sp}.role`, `${JSON.stringify(so.role)} is not allowed for role ${role}`, `use one of ${allowed.join(', ')}`);
        }
        if (selectors.some((x) => x.role === so.role)) bad(`${sp}.role`, `duplicated selector role: ${String(so.role)}`, 'merge the selectors of one role into one entry');
        for (const key of ['label', 'field']) if (so[key] !== undefined && typeof so[key] !== 'string') bad(`${sp}.${key}`, 'must be a string', 'write e.g. app=web');
        selectors.push({ role: so.role as KubernetesRole, label: (so.label as string) || undefined, field: (so.field as string) || undefined });
      });
    }
    const ignored = ['api_server', 'kubeconfig_file'].filter((k) => o[k] !== undefined && o[k] !== null);
    const attach: Record<keyof AttachMetadata, boolean> = { node: false, namespace: false, deployment: false, job: false, cronjob: false };
    if (o.attach_metadata !== undefined && o.attach_metadata !== null) {
      const am = o.attach_metadata;
      if (typeof am !== 'object' || Array.isArray(am)) bad(`${p}.attach_metadata`, 'must be a mapping', 'write attach_metadata: {node: true}');
      for (const [key, value] of Object.entries(am as Record<string, unknown>)) {
        const where = `${p}.attach_metadata.${key}`;
        if (!ATTACH_METADATA_KEYS.includes(key)) bad(where, 'unknown key', `use one of ${ATTACH_METADATA_KEYS.join(', ')}`);
        if (value !== null && typeof value !== 'boolean') bad(where, 'must be true or false', `write ${key}: true`);
        attach[key as keyof AttachMetadata] = value === true;
      }
    }
    return { role: role as KubernetesRole, namespaces: Array.from(new Set(namespaces)), selectors, attachMetadata: attach, ignored };
  });
}
