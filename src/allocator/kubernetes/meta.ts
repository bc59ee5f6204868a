import { ObjectMeta } from './objects';

/** A label set as Prometheus's discovery writes it: empty values included (they read as absent later). */
export type LabelSet = Record<string, string>;

/** A target group with Prometheus's source key (`pod/<ns>/<name>`, `svc/…`, `endpoints/…`, `node/<name>`). */
export interface DiscoveredGroup {
  readonly source: string;
  readonly labels: LabelSet;
  readonly targets: LabelSet[];
}

export const META = '__meta_kubernetes_';
export const NAMESPACE_LABEL = `${META}namespace`;
const PRESENT = 'true';

/** Prometheus's `strutil.SanitizeLabelName`: every character outside `[a-zA-Z0-9_]` becomes `_`. */
export function sanitizeLabelName(name: string): string {
  return name.replace(/[^a-zA-Z0-9_]/gu, '_');
}

/**
 * Prometheus's `addObjectMetaLabels`: `<role>_name`, and per label and annotation `<role>_label_<name>`,
 * `<role>_labelpresent_<name>` (`true`), `<role>_annotation_<name>` and `<role>_annotationpresent_<name>`, names
 * sanitized.
 */
export function addObjectMetaLabels(ls: LabelSet, meta: ObjectMeta | undefined, role: string): void {
  ls[`${META}${role}_name`] = meta?.name ?? '';
  addLabelsAndAnnotations(ls, meta, role);
}

/** Prometheus's `addObjectAnnotationsAndLabels`: {@link addObjectMetaLabels} without the name. */
export function addLabelsAndAnnotations(ls: LabelSet, meta: ObjectMeta | undefined, role: string): void {
  const prefix = `${META}${role}_`;
  for (const [k, v] of Object.entries(meta?.labels ?? {})) {
    const ln = sanitizeLabelName(k);
    ls[`${prefix}label_${ln}`] = v;
    ls[`${prefix}labelpresent_${ln}`] = PRESENT;
  }
  for (const [k, v] of Object.entries(meta?.annotations ?? {})) {
    const ln = sanitizeLabelName(k);
    ls[`${prefix}annotation_${ln}`] = v;
    ls[`${prefix}annotationpresent_${ln}`] = PRESENT;
  }
}

/** Go's `net.JoinHostPort`: an IPv6 host (it has a colon) is bracketed. */
export function joinHostPort(host: string, port: string | number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
