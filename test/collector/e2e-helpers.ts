import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { CollectorRenderOptions, collectorModelFromCustomResource, renderCollector } from '../../src/collector';

export const E2E = path.resolve(__dirname, '../../../shared/upstream-e2e');
export const TEST_IMAGE_VERSION = '0.158.0';

/** YAML documents of an e2e file, with chainsaw template bindings replaced by fixed values. */
export function loadDocs(rel: string): any[] {
  const text = fs.readFileSync(path.join(E2E, rel), 'utf8')
    .replace(/\(join\('', \['([^']+)', \$collectorVersion\]\)\)/g, `$1${TEST_IMAGE_VERSION}`)
    .replace(/\(\$collectorVersion\)/g, TEST_IMAGE_VERSION);
  const docs = parseAllDocuments(text).map((d) => d.toJS()).filter((d) => d);
  return docs.flatMap((d: any) => (d.kind === 'List' ? d.items : [d]));
}

/** Renders every OpenTelemetryCollector of an install file (namespace from the file or `chainsaw-test`). */
export function renderInstall(rel: string, namespace = 'chainsaw-test', options: CollectorRenderOptions = {}): any[] {
  return loadDocs(rel)
    .filter((d) => d.kind === 'OpenTelemetryCollector')
    .flatMap((cr) => {
      cr.metadata.namespace ??= namespace;
      return renderCollector(collectorModelFromCustomResource(cr), options);
    });
}

/** Fields the API server fills in; an assert may name them although our manifests leave them to the server. */
const SERVER_DEFAULTED = new Set([
  'clusterIPs', 'type', 'sessionAffinity', 'scheme', 'failureThreshold', 'periodSeconds', 'successThreshold',
  'timeoutSeconds', 'selectPolicy', 'policies', 'scaleUp', 'scaleDown', 'ipFamilies', 'ipFamilyPolicy', 'blockOwnerDeletion', 'defaultMode', 'volumeMode',
]);
/** Fields of live objects only. */
const LIVE_ONLY = new Set(['status', 'ownerReferences', 'resourceVersion', 'uid', 'creationTimestamp']);

/**
 * Chainsaw-like subset match: every field the expected object names must be equal in the actual one; arrays
 * match element by element with equal length; JMESPath keys `(...)` are skipped. Returns mismatch paths.
 */
export function subsetMismatches(actual: unknown, expected: unknown, at = ''): string[] {
  if (expected !== null && typeof expected === 'object' && !Array.isArray(expected)) {
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) return [`${at}: expected an object, got ${JSON.stringify(actual)}`];
    const out: string[] = [];
    for (const [k, v] of Object.entries(expected)) {
      if (k.startsWith('(') || LIVE_ONLY.has(k)) continue;
      const a = (actual as any)[k];
      if (a === undefined && SERVER_DEFAULTED.has(k)) continue;
      out.push(...subsetMismatches(a, v, `${at}.${k}`));
    }
    return out;
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return [`${at}: expected a list, got ${JSON.stringify(actual)}`];
    if (actual.length !== expected.length) return [`${at}: expected ${expected.length} items, got ${actual.length}: ${JSON.stringify(actual)}`];
    return expected.flatMap((e, i) => subsetMismatches(actual[i], e, `${at}[${i}]`));
  }
  // YAML asserts may quote numbers; the API compares them after conversion
  if (String(actual) !== String(expected)) return [`${at}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`];
  return [];
}

/** Kinds the collector room creates (asserts on other kinds — pods, CR status, jobs — are not ours). */
export const COLLECTOR_KINDS = new Set([
  'Deployment', 'DaemonSet', 'StatefulSet', 'Service', 'ConfigMap', 'ServiceAccount', 'ClusterRole', 'ClusterRoleBinding',
  'HorizontalPodAutoscaler', 'PodDisruptionBudget', 'Ingress', 'ServiceMonitor', 'PodMonitor', 'NetworkPolicy', 'Route', 'HTTPRoute',
]);

/** Compares each asserted object of our kinds with the rendered object of the same kind and name. */
export function assertMismatches(rendered: any[], assertFile: string, ignoreNames?: RegExp): string[] {
  const problems: string[] = [];
  for (const expected of loadDocs(assertFile)) {
    if (!COLLECTOR_KINDS.has(expected.kind)) continue;
    const name = expected.metadata?.name;
    if (ignoreNames && name && ignoreNames.test(name)) continue;
    if (name === undefined) {
      // chainsaw matches unnamed asserts against every object of the kind; one must match
      const candidates = rendered.filter((o) => o.kind === expected.kind);
      const results = candidates.map((o) => subsetMismatches(o, expected, `${expected.kind}/${o.metadata.name}`));
      if (!results.some((r) => r.length === 0)) problems.push(`${expected.kind} (unnamed): no object matches: ${results.map((r) => r[0]).join(' | ')}`);
      continue;
    }
    const actual = rendered.find((o) => o.kind === expected.kind && o.metadata.name === name);
    if (!actual) {
      problems.push(`${expected.kind}/${name}: not rendered (have ${rendered.map((o) => `${o.kind}/${o.metadata.name}`).join(', ')})`);
      continue;
    }
    problems.push(...subsetMismatches(actual, expected, `${expected.kind}/${name}`));
  }
  return problems;
}
