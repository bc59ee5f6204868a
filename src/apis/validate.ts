/**
 * Offline validation of our custom resources against the very schemas the CRDs carry, compiled once per
 * version with ajv. Beyond what the API server's OpenAPI check does, it also
 *  - rejects unknown fields of closed objects (as `kubectl apply`'s strict field validation does), and
 *  - evaluates the CEL rules through the JavaScript twin each rule was declared with.
 */
import Ajv, { ErrorObject, ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { InvalidInputError } from '../common/errors';
import { describeObject, KubeObject } from '../common/kube';
import { versionSchema } from './crds';
import { dropNullFields } from './defaults';
import { celPredicate, CelRule, JSONSchemaProps, Node } from './schema-dsl';
import { collectorSpecV1alpha1, collectorStatusV1alpha1 } from './v1alpha1/collector-schema';
import { instrumentationSpecV1alpha1, instrumentationStatusV1alpha1 } from './v1alpha1/instrumentation-schema';
import { targetAllocatorSpecV1alpha1, targetAllocatorStatusV1alpha1 } from './v1alpha1/targetallocator-schema';
import { collectorSpecV1beta1, collectorStatusV1beta1 } from './v1beta1/collector-schema';
import { cloneJson } from '../common/json';

/** How many problems an error message lists before it says "and N more". */
const MAX_LISTED_PROBLEMS = 5;

const SCHEMAS: { [apiVersionKind: string]: [Node<unknown, boolean>, Node<unknown, boolean>] } = {
  'opentelemetry.io/v1beta1/OpenTelemetryCollector': [collectorSpecV1beta1, collectorStatusV1beta1],
  'opentelemetry.io/v1alpha1/OpenTelemetryCollector': [collectorSpecV1alpha1, collectorStatusV1alpha1],
  'opentelemetry.io/v1alpha1/Instrumentation': [instrumentationSpecV1alpha1, instrumentationStatusV1alpha1],
  'opentelemetry.io/v1alpha1/TargetAllocator': [targetAllocatorSpecV1alpha1, targetAllocatorStatusV1alpha1],
};

/** Whether `validateCustomResource` knows this apiVersion and kind. */
export function isOurCustomResource(obj: { apiVersion?: unknown; kind?: unknown }): boolean {
  return `${obj.apiVersion}/${obj.kind}` in SCHEMAS;
}

/** Whether an apiVersion is of the `opentelemetry.io` group, whose every document we must be able to read. */
export function isOpenTelemetryGroup(apiVersion: unknown): boolean {
  return typeof apiVersion === 'string' && apiVersion.startsWith('opentelemetry.io/');
}

/** The apiVersion and kind of every custom resource `validateCustomResource` knows. */
export function knownCustomResources(): Array<{ apiVersion: string; kind: string }> {
  return Object.keys(SCHEMAS).map((key) => {
    const cut = key.lastIndexOf('/');
    return { apiVersion: key.slice(0, cut), kind: key.slice(cut + 1) };
  });
}

/** One problem found in a resource. */
export interface SchemaProblem {
  /** dotted path, e.g. `spec.targetAllocator.allocationStrategy` or `spec.ports[0].port` */
  readonly path: string;
  readonly message: string;
}

let ajv: Ajv | undefined;
const compiled = new Map<string, ValidateFunction>();
const envelopes = new Map<string, JSONSchemaProps>();

function getAjv(): Ajv {
  if (ajv) return ajv;
  ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  // Kubernetes' `duration` is Go's time.Duration syntax, not ISO 8601 as in ajv-formats.
  ajv.addFormat('duration', /^(0|[-+]?(\d+(\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)((\d+(\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h))*)$/);
  ajv.addKeyword({
    keyword: 'x-kubernetes-validations',
    errors: true,
    validate: function celRules(rules: CelRule[], data: unknown) {
      const failed = rules.filter(r => {
        const holds = celPredicate(r.rule);
        return holds !== undefined && !holds(data);
      });
      (celRules as any).errors = failed.map(r => ({ keyword: 'x-kubernetes-validations', message: r.message, params: { rule: r.rule } }));
      return failed.length === 0;
    },
  });
  for (const keyword of [
    'x-kubernetes-preserve-unknown-fields', 'x-kubernetes-int-or-string', 'x-kubernetes-list-type',
    'x-kubernetes-list-map-keys', 'x-kubernetes-map-type', 'x-kubernetes-embedded-resource',
  ]) ajv.addKeyword({ keyword });
  return ajv;
}

/** The API server prunes unknown fields; kubectl's strict validation rejects them. We do the latter. */
function closeObjects(schema: JSONSchemaProps): object {
  const out: any = { ...schema };
  if (schema.properties) {
    out.properties = Object.fromEntries(Object.entries(schema.properties).map(([k, v]) => [k, closeObjects(v)]));
    if (!schema['x-kubernetes-preserve-unknown-fields'] && !schema.additionalProperties) out.additionalProperties = false;
  }
  if (schema.items) out.items = closeObjects(schema.items);
  if (schema.additionalProperties) out.additionalProperties = closeObjects(schema.additionalProperties);
  return out;
}

function validatorFor(key: string): ValidateFunction | undefined {
  const cached = compiled.get(key);
  if (cached) return cached;
  const nodes = SCHEMAS[key];
  if (!nodes) return undefined;
  const envelope = versionSchema(nodes[0], nodes[1]);
  const fn = getAjv().compile(closeObjects(envelope));
  compiled.set(key, fn);
  envelopes.set(key, envelope);
  return fn;
}

function toPath(instancePath: string): string {
  return instancePath.split('/').slice(1).map(s => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((acc, seg) => (/^\d+$/.test(seg) ? `${acc}[${seg}]` : acc ? `${acc}.${seg}` : seg), '');
}

function describeProblem(e: ErrorObject): SchemaProblem {
  const base = toPath(e.instancePath);
  const p = e.params as any;
  switch (e.keyword) {
    case 'additionalProperties':
      return { path: base ? `${base}.${p.additionalProperty}` : p.additionalProperty, message: 'unknown field' };
    case 'required':
      return { path: base ? `${base}.${p.missingProperty}` : p.missingProperty, message: 'required field is missing' };
    case 'enum':
      return { path: base, message: `must be one of ${(p.allowedValues as unknown[]).map(v => JSON.stringify(v)).join(', ')}` };
    case 'type':
      return { path: base, message: `must be of type ${p.type}` };
    default:
      return { path: base, message: e.message ?? e.keyword };
  }
}

/** All schema problems of a resource (empty when valid). Unknown kinds give one problem. */
export function schemaProblems(obj: KubeObject): SchemaProblem[] {
  const key = `${obj.apiVersion}/${obj.kind}`;
  const validate = validatorFor(key);
  if (!validate) {
    return [{ path: 'apiVersion', message: `${obj.apiVersion} ${obj.kind} is not a resource of this operator` }];
  }
  const problems: SchemaProblem[] = [];
  if (!obj.metadata?.name && !obj.metadata?.generateName) problems.push({ path: 'metadata.name', message: 'required field is missing' });
  // The API server drops nulls of non-nullable fields before it validates; so do we (on a copy).
  const pruned = dropNullFields(envelopes.get(key)!, cloneJson(obj));
  if (!validate(pruned)) {
    const seen = new Set<string>();
    for (const e of validate.errors ?? []) {
      // int-or-string is an anyOf of two types: report it once, not as three errors.
      if (e.keyword === 'type' && /\/anyOf\/\d+\/type$/.test(e.schemaPath)) continue;
      const prob = e.keyword === 'anyOf' ? { path: toPath(e.instancePath), message: 'must be an integer or a string' } : describeProblem(e);
      const id = `${prob.path}: ${prob.message}`;
      if (!seen.has(id)) {
        seen.add(id);
        problems.push(prob);
      }
    }
  }
  return problems;
}

/**
 * Throws an `InvalidInputError` naming the resource and the first problems when `obj` does not match its CRD
 * schema (including the CEL rules); returns the object unchanged otherwise.
 */
export function validateCustomResource<T extends KubeObject>(obj: T): T {
  const problems = schemaProblems(obj);
  if (problems.length === 0) return obj;
  const listed = problems.slice(0, MAX_LISTED_PROBLEMS).map(p => `${p.path || '(root)'}: ${p.message}`);
  const more = problems.length > MAX_LISTED_PROBLEMS ? `; and ${problems.length - MAX_LISTED_PROBLEMS} more` : '';
  const first = problems[0];
  throw new InvalidInputError(
    describeObject(obj),
    first.path || '(root)',
    `${first.message}${problems.length > 1 ? ` (all problems: ${listed.join('; ')}${more})` : ''}`,
    `fix the field${problems.length > 1 ? 's' : ''} to match the ${obj.apiVersion} ${obj.kind} schema (see docs/crds.md)`,
  );
}
