import { truncateName } from './naming';

export const LABEL_MANAGED_BY = 'app.kubernetes.io/managed-by';
export const LABEL_INSTANCE = 'app.kubernetes.io/instance';
export const LABEL_PART_OF = 'app.kubernetes.io/part-of';
export const LABEL_COMPONENT = 'app.kubernetes.io/component';
export const LABEL_NAME = 'app.kubernetes.io/name';
export const LABEL_VERSION = 'app.kubernetes.io/version';
export const COLLECTOR_COMPONENT = 'opentelemetry-collector';
export const SERVICE_TYPE_LABEL = 'operator.opentelemetry.io/collector-service-type';
export const CONFIG_HASH_ANNOTATION = 'opentelemetry-operator-config/sha256';

/** Annotations upstream never copies from the CR (`--annotations-filter` default). */
const DEFAULT_FILTERED_ANNOTATIONS = ['kubectl.kubernetes.io/last-applied-configuration'];

/**
 * The four labels every collector object and pod carries and every selector matches. `namespace.name` is cut to
 * 63 characters by shortening the namespace first (upstream's Truncate), so a long namespace plus name still gives a
 * valid label value instead of an object the API server rejects.
 */
export function selectorLabels(crName: string, crNamespace: string, component = COLLECTOR_COMPONENT): Record<string, string> {
  return {
    [LABEL_MANAGED_BY]: 'opentelemetry-operator',
    [LABEL_INSTANCE]: truncateName('%s.%s', crNamespace, crName),
    [LABEL_PART_OF]: 'opentelemetry',
    [LABEL_COMPONENT]: component,
  };
}

/**
 * `app.kubernetes.io/version` from an image reference: the tag (digest dropped), `latest` without a tag. Upstream
 * looks at `spec.image` only, so a collector using the operator's default image is labelled `latest`.
 *
 * Upstream splits the whole reference on ':', which we follow where it yields a usable label: an image pinned by
 * digest alone (`img@sha256:<hex>`) is labelled with the digest's hex (cut to 63 characters). Where a registry port
 * makes upstream's split go wrong (`host:5000/img` gives the invalid label `5000/img`, `host:5000/img:1.0` an empty
 * one) we read the tag of the last path segment instead, so the objects stay valid.
 */
export function versionLabel(image: string | undefined): string {
  if (!image) return 'latest';
  const [withoutDigest, digest] = image.split('@');
  const lastSegment = withoutDigest.slice(withoutDigest.lastIndexOf('/') + 1);
  const colon = lastSegment.lastIndexOf(':');
  const tag = colon >= 0 ? lastSegment.slice(colon + 1) : '';
  if (tag) return truncateName('%s', tag);
  const digestHex = digest?.slice(digest.indexOf(':') + 1);
  return digestHex ? truncateName('%s', digestHex) : 'latest';
}

/** Which CR labels/annotations are not propagated (regular expressions, like upstream's filter flags). */
export interface MetadataFilters {
  readonly labels?: string[];
  readonly annotations?: string[];
}

export function filtered(source: Record<string, string> | undefined, patterns: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  // unanchored, like Go's regexp.MatchString in upstream's filter
  const regexes = patterns.map((p) => new RegExp(p));
  for (const [k, v] of Object.entries(source ?? {})) {
    if (!regexes.some((r) => r.test(k))) out[k] = v;
  }
  return out;
}

/**
 * Labels of a collector-owned object: the CR's labels (minus filtered ones), `app.kubernetes.io/name` = the object's
 * name unless the CR sets it, the version label, then the selector labels (which always win).
 */
export function objectLabels(opts: {
  crName: string;
  crNamespace: string;
  crLabels?: Record<string, string>;
  objectName: string;
  image?: string;
  filters?: MetadataFilters;
  component?: string;
}): Record<string, string> {
  const base = filtered(opts.crLabels, opts.filters?.labels ?? []);
  const labels: Record<string, string> = { ...base };
  if (!(LABEL_NAME in base)) labels[LABEL_NAME] = opts.objectName;
  labels[LABEL_VERSION] = versionLabel(opts.image);
  return { ...labels, ...selectorLabels(opts.crName, opts.crNamespace, opts.component) };
}

/** The CR's annotations minus filtered ones (by default `kubectl.kubernetes.io/last-applied-configuration`). */
export function objectAnnotations(crAnnotations: Record<string, string> | undefined, filters?: MetadataFilters): Record<string, string> {
  return filtered(crAnnotations, [...DEFAULT_FILTERED_ANNOTATIONS.map(escapeRegExp), ...(filters?.annotations ?? [])]);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
