/**
 * Upstream's e2e suite as test data: every OpenTelemetryCollector / Instrumentation / TargetAllocator object in the
 * install and update steps (openshift suites skipped).
 */
import * as fs from 'fs';
import * as path from 'path';
import { parse as parseYaml, parseAllDocuments } from 'yaml';

export const E2E_ROOT = path.resolve(__dirname, '../../../shared/upstream-e2e');
const KINDS = new Set(['OpenTelemetryCollector', 'Instrumentation', 'TargetAllocator']);

export interface E2eObject {
  readonly file: string;
  readonly index: number;
  readonly obj: any;
}

function walk(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(e => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name.includes('openshift') ? [] : walk(p);
    return /\.ya?ml$/.test(e.name) ? [p] : [];
  });
}

/** Files that chainsaw applies (not asserts/errors): named in `apply`, `create`, `update` or `patch` steps. */
function appliedFiles(): Set<string> {
  const files = new Set<string>();
  for (const test of walk(E2E_ROOT).filter(f => path.basename(f) === 'chainsaw-test.yaml')) {
    let doc: any;
    try {
      doc = parseYaml(fs.readFileSync(test, 'utf8'));
    } catch {
      continue;
    }
    for (const step of doc?.spec?.steps ?? []) {
      for (const op of [...(step.try ?? []), ...(step.finally ?? [])]) {
        for (const verb of ['apply', 'create', 'update', 'patch']) {
          const file = op?.[verb]?.file;
          if (typeof file === 'string') files.add(path.resolve(path.dirname(test), file));
        }
      }
    }
  }
  return files;
}

/** chainsaw binding expressions such as `($namespace)` are not real values. */
function hasTemplating(v: unknown): boolean {
  if (typeof v === 'string') return /^\(.*\)$/s.test(v.trim()) || v.includes('{{');
  if (Array.isArray(v)) return v.some(hasTemplating);
  if (v && typeof v === 'object') return Object.entries(v).some(([k, x]) => /^\(.*\)$/.test(k) || hasTemplating(x));
  return false;
}

export function e2eObjects(): E2eObject[] {
  const out: E2eObject[] = [];
  const applied = appliedFiles();
  for (const file of [...applied].filter(f => fs.existsSync(f)).sort()) {
    const rel = path.relative(E2E_ROOT, file);
    // e2e-crd-validations applies objects that must be rejected: tested on their own.
    if (rel.startsWith('..') || rel.startsWith('e2e-crd-validations')) continue;
    parseAllDocuments(fs.readFileSync(file, 'utf8')).forEach((d, index) => {
      if (d.errors.length) return;
      const obj = d.toJS();
      if (!obj || !KINDS.has(obj.kind) || !String(obj.apiVersion).startsWith('opentelemetry.io/')) return;
      if (hasTemplating(obj)) return;
      out.push({ file: rel, index, obj });
    });
  }
  return out;
}
