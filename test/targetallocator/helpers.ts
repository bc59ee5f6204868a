import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { defaultCollector, defaultTargetAllocator } from '../../src/apis';
import { applyConfigDefaults } from '../../src/collector';
import { KubeObject } from '../../src/common/kube';
import { assertTree } from '../../src/conformance/matcher';
import { applyDefaults } from '../../src/conformance/workloads';
import {
  buildTargetAllocatorObjects, buildTargetAllocatorObjectsFromCr, isGeneratedByCollectorIn,
  TargetAllocatorRenderOptions,
} from '../../src/targetallocator';

export const E2E = path.resolve(__dirname, '../../../shared/upstream-e2e');
export const NS = 'chainsaw-test';

/** YAML documents of an e2e file (chainsaw `($namespace)` values replaced by the test namespace). */
export function loadDocs(rel: string): any[] {
  const text = fs.readFileSync(path.join(E2E, rel), 'utf8').replace(/\(\$namespace\)/g, NS);
  return parseAllDocuments(text).map((d) => d.toJS()).filter((d) => d !== null && d !== undefined);
}

/** A collector as stored: namespace set, converted already (v1beta1 files only), defaulted by the webhook. */
export function storedCollector(cr: any): any {
  const withNs = { ...cr, metadata: { ...cr.metadata, namespace: cr.metadata.namespace ?? NS } };
  return defaultCollector(withNs, { applyConfigDefaults: applyConfigDefaults as never });
}

/**
 * What the operator creates for the target allocators of a set of CRs, as the lead's render will do it: a
 * collector's embedded allocator, and standalone TargetAllocators (linked to a collector by label).
 */
export function renderTargetAllocators(crs: any[], options: TargetAllocatorRenderOptions = {}): any[] {
  const all = crs.map((cr) => ({ ...cr, metadata: { ...cr.metadata, namespace: cr.metadata?.namespace ?? NS } }));
  const collectors = all.filter((c) => c.kind === 'OpenTelemetryCollector').map(storedCollector);
  const out: any[] = [];
  for (const c of collectors) out.push(...buildTargetAllocatorObjects(c, options));
  for (const ta of all.filter((c) => c.kind === 'TargetAllocator')) {
    if (isGeneratedByCollectorIn(ta, all)) continue;
    out.push(...buildTargetAllocatorObjectsFromCr(defaultTargetAllocator(ta) as any, collectors, options));
  }
  return out.map((o) => applyDefaults(o as KubeObject));
}

export function renderFiles(...files: string[]): any[] {
  return renderTargetAllocators(files.flatMap(loadDocs));
}

/** Kinds the target-allocator room creates; asserts on other kinds (collector objects, pods, jobs) are not ours. */
const OUR_KINDS = new Set(['Deployment', 'Service', 'ConfigMap', 'ServiceAccount', 'PodDisruptionBudget', 'ServiceMonitor', 'NetworkPolicy', 'Certificate', 'Issuer']);

function ours(doc: any): boolean {
  return OUR_KINDS.has(doc?.kind) && typeof doc.metadata?.name === 'string' && /-(targetallocator|targetallocator-networkpolicy|ca-cert|ta-server-cert|ta-client-cert|issuer)$/.test(doc.metadata.name);
}

/**
 * Matches every asserted object of ours with chainsaw's semantics (the conformance matcher), `status` and
 * fields written by other controllers excepted. Returns readable differences (empty ⇒ all match).
 */
export function assertDocs(rendered: any[], expectedDocs: any[], ignore: (doc: any) => void = () => {}): string[] {
  const problems: string[] = [];
  for (const raw of expectedDocs.filter(ours)) {
    const expected = structuredClone(raw);
    ignore(expected);
    const actual = rendered.find((o) => o.kind === expected.kind && o.metadata.name === expected.metadata.name);
    if (!actual) {
      problems.push(`${expected.kind}/${expected.metadata.name}: not rendered`);
      continue;
    }
    for (const d of assertTree(expected, actual, { bindings: { namespace: NS } }, { skipTopLevel: ['status'] })) {
      problems.push(`${expected.kind}/${expected.metadata.name}: ${d.path}: ${d.message}`);
    }
  }
  return problems;
}

export function assertFile(rendered: any[], rel: string, ignore?: (doc: any) => void): string[] {
  return assertDocs(rendered, loadDocs(rel), ignore);
}

/** The Deployment controller writes `deployment.kubernetes.io/revision`; the operator does not. */
export function dropRevision(doc: any): void {
  const a = doc.metadata?.annotations;
  if (a) delete a['deployment.kubernetes.io/revision'];
  if (a && Object.keys(a).length === 0) delete doc.metadata.annotations;
}

export function find(objects: any[], kind: string, name: string): any {
  const o = objects.find((x) => x.kind === kind && x.metadata.name === name);
  if (!o) throw new Error(`${kind}/${name} not rendered; have ${objects.map((x) => `${x.kind}/${x.metadata.name}`).join(', ')}`);
  return o;
}
