/**
 * Reading Kubernetes objects from (multi-document) YAML, with errors that name the file and the document.
 */
import { parseAllDocuments } from 'yaml';
import { InvalidInputError } from '../common/errors';
import type { KubeObject } from '../common/kube';

/** Where each parsed object came from (`<source> document <n>`), for messages about the object later on. */
const origins = new WeakMap<object, string>();

/**
 * `<source> document <n>` (with `items[<i>]` for a List item) of an object {@link parseCustomResources} returned;
 * undefined for objects made otherwise or copied since.
 */
export function sourceOf(obj: object): string | undefined {
  return origins.get(obj);
}

/**
 * Parses every document of `yamlText` into a Kubernetes object. Empty documents are skipped; a document that is
 * not valid YAML, not a mapping, or lacks `apiVersion`/`kind` is an `InvalidInputError` whose resource is
 * `<source> document <n>` (1-based, counting empty documents too, as an editor would). `List` objects are
 * expanded into their items.
 *
 * @param source the file name (or any label) used in error messages
 */
export function parseCustomResources(yamlText: string, source: string): KubeObject[] {
  const docs = parseAllDocuments(yamlText, { merge: true });
  const out: KubeObject[] = [];
  const list = Array.isArray(docs) ? docs : [docs];
  list.forEach((doc, i) => {
    const where = `${source} document ${i + 1}`;
    if (doc.errors.length > 0) {
      const err = doc.errors[0];
      const line = err.linePos?.[0]?.line;
      throw new InvalidInputError(where, line ? `line ${line}` : '(document)', `invalid YAML: ${err.message.split('\n')[0]}`,
        'fix the YAML syntax (indentation, quoting, tabs)');
    }
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: 100 });
    } catch (e) {
      // e.g. "Excessive alias count" (a YAML alias bomb) or an alias to an undefined anchor
      throw new InvalidInputError(where, '(document)', `cannot read the YAML: ${(e as Error).message.split('\n')[0]}`,
        'expand the aliases (*name) or give the document without them');
    }
    if (value === null || value === undefined) return;
    out.push(...toObjects(value, where));
  });
  return out;
}

function toObjects(value: unknown, where: string): KubeObject[] {
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new InvalidInputError(where, '(document)', `expected a Kubernetes object, got ${Array.isArray(value) ? 'a list' : typeof value}`,
      'each YAML document must be a mapping with apiVersion, kind and metadata');
  }
  const obj = value as { [key: string]: unknown };
  for (const field of ['apiVersion', 'kind']) {
    if (typeof obj[field] !== 'string' || obj[field] === '') {
      throw new InvalidInputError(where, field, 'required field is missing or not a string', `add ${field} to the object`);
    }
  }
  if (obj.metadata !== undefined && (typeof obj.metadata !== 'object' || obj.metadata === null || Array.isArray(obj.metadata))) {
    throw new InvalidInputError(where, 'metadata', 'must be a mapping', 'give metadata as name/namespace/labels fields');
  }
  if ((obj.kind as string).endsWith('List') && Array.isArray(obj.items)) {
    return obj.items.flatMap((item, j) => toObjects(item, `${where} items[${j}]`));
  }
  const out = { ...obj, metadata: (obj.metadata as object | undefined) ?? {} } as KubeObject;
  origins.set(out, where);
  return [out];
}
