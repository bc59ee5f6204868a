/**
 * The one place where the integration tests reach into the library. Entry points that other rooms are
 * still building are looked up at run time, so a missing one turns into a named, skipped test instead of a
 * compile error everywhere. Once they exist, replace the look-ups with plain imports.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { KubeObject } from '../../src/devcluster';

const ROOT = path.resolve(__dirname, '../..');

/** The reference data of the upstream e2e suite (shared, read-only). */
export const UPSTREAM_E2E = process.env.UPSTREAM_E2E_DIR ?? path.resolve(ROOT, '../shared/upstream-e2e');

/** A library entry point, or the reason it is not there. */
export type Entry<T> = { ok: true; value: T; from: string } | { ok: false; missing: string };

function lookup<T>(candidates: { module: string; exports: string[] }[], describe: string): Entry<T> {
  const tried: string[] = [];
  for (const c of candidates) {
    let mod: Record<string, unknown>;
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      mod = require(path.join(ROOT, c.module));
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      // A module that exists but fails to load is a real error, not a missing entry point.
      if (err.code !== 'MODULE_NOT_FOUND' || !String(err.message).includes(c.module.replace(/^src\//, ''))) throw e;
      tried.push(`${c.module} (module not found)`);
      continue;
    }
    for (const name of c.exports) {
      if (typeof mod[name] === 'function') return { ok: true, value: mod[name] as T, from: `${c.module}#${name}` };
    }
    tried.push(`${c.module} (no export ${c.exports.join(' / ')})`);
  }
  return { ok: false, missing: `${describe}; tried ${tried.join(', ')}` };
}

/** Our CustomResourceDefinitions as plain JSON objects. */
export function crdEntry(): Entry<() => KubeObject[]> {
  return lookup<() => KubeObject[]>(
    [
      { module: 'src/apis', exports: ['allCrds', 'crds', 'allCustomResourceDefinitions', 'customResourceDefinitions'] },
      { module: 'src/apis/crds', exports: ['allCrds', 'crds'] },
      { module: 'src', exports: ['allCrds'] },
    ],
    'TODO: export allCrds(): KubeObject[] (the CRD objects as plain JSON) from src/apis',
  );
}

/** Renders one custom resource (collector, instrumentation, target allocator) to the objects the operator creates. */
export type RenderFn = (cr: KubeObject) => KubeObject[] | { objects: KubeObject[] } | Promise<KubeObject[]>;

export function renderEntry(): Entry<RenderFn> {
  const top = lookup<RenderFn>(
    [
      { module: 'src/render', exports: ['render', 'renderObjects', 'renderCustomResource'] },
      { module: 'src/cli/render', exports: ['render', 'renderObjects', 'renderCustomResource'] },
      { module: 'src', exports: ['render'] },
    ],
    'TODO: export render(cr): KubeObject[] (pure, the objects the operator would create) from src/render.ts',
  );
  if (top.ok) return top;
  // Until a top-level render exists: the collector room's pieces, composed as the operator does
  // (convert v1alpha1, default, build). Prometheus-operator CRDs are absent from the test cluster.
  const renderCollector = lookup<(model: unknown, options?: object) => KubeObject[]>(
    [{ module: 'src/collector/render', exports: ['renderCollector'] }], 'renderCollector');
  const modelFromCr = lookup<(cr: unknown) => unknown>(
    [{ module: 'src/collector/render', exports: ['collectorModelFromCustomResource'] }], 'collectorModelFromCustomResource');
  const defaults = lookup<(cr: KubeObject) => KubeObject>([{ module: 'src/apis', exports: ['defaultCollector'] }], 'defaultCollector');
  const convert = lookup<(cr: KubeObject) => KubeObject>(
    [{ module: 'src/apis', exports: ['convertCollectorV1alpha1ToV1beta1'] }], 'convertCollectorV1alpha1ToV1beta1');
  if (!renderCollector.ok || !modelFromCr.ok || !defaults.ok || !convert.ok) return top;
  const fn: RenderFn = (cr) => {
    if (cr.kind !== 'OpenTelemetryCollector') return [];
    const v1beta1 = cr.apiVersion.endsWith('/v1alpha1') ? convert.value(cr) : cr;
    return renderCollector.value(modelFromCr.value(defaults.value(v1beta1)), { prometheusCrdsAvailable: false });
  };
  return { ok: true, value: fn, from: 'src/collector/render#renderCollector + src/apis#defaultCollector' };
}

/** Calls render and normalises its result to a list of objects. */
export async function renderObjects(render: RenderFn, cr: KubeObject): Promise<KubeObject[]> {
  const out = await render(cr);
  const list = Array.isArray(out) ? out : (out as { objects?: KubeObject[] }).objects;
  if (!Array.isArray(list)) throw new Error(`render returned neither an array nor { objects }: ${typeof out}`);
  return list;
}

// ---- upstream e2e data ----------------------------------------------------------------------------------

export const CR_KINDS = ['OpenTelemetryCollector', 'Instrumentation', 'TargetAllocator'];

export interface E2eObject {
  /** Path relative to UPSTREAM_E2E. */
  readonly file: string;
  /** The test case folder, relative to UPSTREAM_E2E. */
  readonly caseDir: string;
  readonly object: KubeObject;
}

function walk(dir: string, out: string[] = []): string[] {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(p, out);
    else out.push(p);
  }
  return out;
}

/** The chainsaw binding `($namespace)` and the `${NAMESPACE}` of script steps, replaced by our namespace. */
function substitute(value: unknown, namespace: string): unknown {
  if (typeof value === 'string') {
    return value === '($namespace)' ? namespace : value.replace(/\$\{NAMESPACE\}|\(\$namespace\)/g, namespace);
  }
  if (Array.isArray(value)) return value.map((v) => substitute(v, namespace));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, namespace)]));
  }
  return value;
}

/**
 * Objects of our kinds from the install and update steps of the upstream suite, in file order per case,
 * without the OpenShift folders. `namespaceFor(caseDir)` names the namespace that stands in for chainsaw's
 * per-test namespace.
 */
export function upstreamCustomResources(opts: {
  include: (relFile: string) => boolean;
  namespaceFor: (caseDir: string) => string;
}): E2eObject[] {
  const result: E2eObject[] = [];
  for (const file of walk(UPSTREAM_E2E)) {
    const rel = path.relative(UPSTREAM_E2E, file);
    const base = path.basename(file);
    if (rel.includes('openshift') || !base.endsWith('.yaml')) continue;
    if (!/install|update/.test(base) || !opts.include(rel)) continue;
    const caseDir = path.dirname(rel);
    const namespace = opts.namespaceFor(caseDir);
    for (const doc of parseAllDocuments(fs.readFileSync(file, 'utf8'))) {
      const obj = doc.toJS() as KubeObject | null;
      if (!obj || typeof obj !== 'object' || !CR_KINDS.includes(obj.kind)) continue;
      result.push({ file: rel, caseDir, object: substitute(obj, namespace) as KubeObject });
    }
  }
  return result;
}

/** Names of the install files that e2e-crd-validations/<case>/chainsaw-test.yaml expects to be rejected. */
export function expectedRejections(): { file: string; objects: KubeObject[]; expectedMessage: string }[] {
  const dir = path.join(UPSTREAM_E2E, 'e2e-crd-validations');
  const out: { file: string; objects: KubeObject[]; expectedMessage: string }[] = [];
  for (const caseName of fs.readdirSync(dir).sort()) {
    const testFile = path.join(dir, caseName, 'chainsaw-test.yaml');
    if (!fs.existsSync(testFile)) continue;
    const test = parseAllDocuments(fs.readFileSync(testFile, 'utf8'))[0].toJS() as {
      spec: {
        steps: {
          bindings?: { name: string; value: string }[];
          try: { apply?: { file: string; expect?: { check: Record<string, unknown> }[] } }[];
        }[];
      };
    };
    for (const step of test.spec.steps) {
      // The CEL message for Kubernetes >= 1.35 is the one our server (1.36) gives.
      const message = step.bindings?.find((b) => /CELv135$/.test(b.name))?.value ?? '';
      for (const op of step.try) {
        const expectsError = op.apply?.expect?.some((e) => e.check['($error != null)'] === true);
        if (!op.apply || !expectsError) continue;
        const file = path.join(dir, caseName, op.apply.file);
        const objects = parseAllDocuments(fs.readFileSync(file, 'utf8'))
          .map((d) => d.toJS() as KubeObject)
          .filter((o) => o && CR_KINDS.includes(o.kind));
        out.push({ file: path.relative(UPSTREAM_E2E, file), objects, expectedMessage: message });
      }
    }
  }
  return out;
}
