/**
 * Which ServiceMonitors and PodMonitors the allocator turns into jobs, as upstream's allocator asks the
 * Prometheus Operator's resource selector for its synthetic Prometheus: the monitor's labels must match the
 * kind's selector (absent or null selects nothing, `{}` everything), its namespace's labels the kind's namespace
 * selector (absent or null: every namespace), and the namespace must pass `allow_namespaces`/`deny_namespaces`.
 */
import { LabelSelector, selectorMatches } from '../label-selector';

export interface MonitorSelection {
  readonly selector: LabelSelector | null;
  readonly namespaceSelector: LabelSelector | null;
}

export interface NamespaceFilter {
  /** only these namespaces (empty: all) */
  readonly allow: readonly string[];
  /** never these */
  readonly deny: readonly string[];
}

interface Meta {
  readonly metadata?: { readonly name?: string; readonly namespace?: string; readonly labels?: Readonly<Record<string, string>> };
}

/** The selected monitors, sorted by namespace and name (job order is then stable). */
export function selectMonitors<T extends Meta>(monitors: Iterable<T>, sel: MonitorSelection, namespaceLabels: (ns: string) => Readonly<Record<string, string>> | undefined, filter: NamespaceFilter): T[] {
  if (!sel.selector) return [];
  const out: T[] = [];
  for (const m of monitors) {
    const ns = m.metadata?.namespace ?? '';
    if (filter.allow.length > 0 && !filter.allow.includes(ns)) continue;
    if (filter.deny.includes(ns)) continue;
    if (!selectorMatches(sel.selector, m.metadata?.labels)) continue;
    if (sel.namespaceSelector && !selectorMatches(sel.namespaceSelector, namespaceLabels(ns) ?? {})) continue;
    out.push(m);
  }
  const key = (m: T) => `${m.metadata?.namespace ?? ''}/${m.metadata?.name ?? ''}`;
  return out.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}
