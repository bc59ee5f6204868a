/**
 * A small schema language: every CRD field is declared once, and both the OpenAPI v3 schema the API server
 * loads and the TypeScript type of the field are derived from that declaration (`TypeOf<typeof node>`), so the
 * two cannot drift apart.
 *
 * Everything it emits is a *structural* schema as the API server requires: every node has a `type` (or is
 * int-or-string), `properties` and `additionalProperties` never meet, and open objects say so with
 * `x-kubernetes-preserve-unknown-fields`.
 */

/** The subset of `apiextensions.k8s.io/v1` JSONSchemaProps we emit. */
export interface JSONSchemaProps {
  type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';
  format?: string;
  description?: string;
  properties?: { [name: string]: JSONSchemaProps };
  additionalProperties?: JSONSchemaProps;
  items?: JSONSchemaProps;
  required?: string[];
  enum?: unknown[];
  default?: unknown;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  nullable?: boolean;
  anyOf?: JSONSchemaProps[];
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-embedded-resource'?: boolean;
  'x-kubernetes-list-type'?: 'atomic' | 'set' | 'map';
  'x-kubernetes-list-map-keys'?: string[];
  'x-kubernetes-map-type'?: 'atomic' | 'granular';
  'x-kubernetes-validations'?: CelRule[];
}

/** A CEL rule as the API server evaluates it. */
export interface CelRule {
  rule: string;
  message: string;
}

/**
 * A CEL rule with its meaning in JavaScript, so our offline validation (`validateCustomResource`) enforces the
 * same thing as the API server. `self` is the value of the node the rule is attached to.
 */
export interface CelCheck extends CelRule {
  holds: (self: any) => boolean;
}

const celChecks = new Map<string, CelCheck['holds']>();

/** The JavaScript predicate registered for a CEL rule string, if any (used by the validator). */
export function celPredicate(rule: string): CelCheck['holds'] | undefined {
  return celChecks.get(rule);
}

/**
 * One schema node. `T` is the TypeScript type of a value, `R` whether the field is required in its parent.
 * Nodes are immutable: every modifier returns a new node.
 */
export class Node<T, R extends boolean = false> {
  /** Carries the TypeScript type; never set at runtime. */
  declare readonly __type?: T;

  constructor(public readonly json: JSONSchemaProps, public readonly isRequired: R) {}

  /** The field must be present in its parent object. */
  public req(): Node<T, true> {
    return new Node<T, true>(this.json, true);
  }

  public desc(description: string): Node<T, R> {
    return this.with({ description });
  }

  /** A server-side default (the API server applies it; `applySchemaDefaults` does the same offline). */
  public default(value: T): Node<T, R> {
    return this.with({ default: value });
  }

  /** CEL validation on this node, with its JavaScript twin for offline validation. */
  public cel(...checks: CelCheck[]): Node<T, R> {
    for (const c of checks) celChecks.set(c.rule, c.holds);
    const rules = [...(this.json['x-kubernetes-validations'] ?? []), ...checks.map(c => ({ rule: c.rule, message: c.message }))];
    return this.with({ 'x-kubernetes-validations': rules });
  }

  /** Any other schema keywords (minimum, pattern, list type...). */
  public with(extra: JSONSchemaProps): Node<T, R> {
    return new Node<T, R>({ ...this.json, ...extra }, this.isRequired);
  }
}

/** The TypeScript type a node describes. */
export type TypeOf<N> = N extends Node<infer T, boolean> ? T : never;

type AnyNode = Node<any, boolean>;
type Props = { [name: string]: AnyNode };
type RequiredKeys<P extends Props> = { [K in keyof P]: P[K] extends Node<any, true> ? K : never }[keyof P];
type Simplify<T> = { [K in keyof T]: T[K] } & {};
/** The object type of a property map: required nodes become required fields, the rest optional. */
export type ObjectOf<P extends Props> = Simplify<
  { -readonly [K in RequiredKeys<P>]: TypeOf<P[K]> } & { -readonly [K in Exclude<keyof P, RequiredKeys<P>>]?: TypeOf<P[K]> }
>;

export function str(): Node<string> {
  return new Node({ type: 'string' }, false);
}

/** A string restricted to the given values; the type is their union. */
export function enumOf<const V extends readonly string[]>(values: V): Node<V[number]> {
  return new Node({ type: 'string', enum: [...values] }, false);
}

/** A Go duration string such as `30s` or `1m30s`. */
export function duration(): Node<string> {
  return new Node({ type: 'string', format: 'duration' }, false);
}

export function int32(): Node<number> {
  return new Node({ type: 'integer', format: 'int32' }, false);
}

export function int64(): Node<number> {
  return new Node({ type: 'integer', format: 'int64' }, false);
}

export function bool(): Node<boolean> {
  return new Node({ type: 'boolean' }, false);
}

/** `intstr.IntOrString`: the structural way is `x-kubernetes-int-or-string` with this exact anyOf. */
export function intOrString(): Node<number | string> {
  return new Node({ 'anyOf': [{ type: 'integer' }, { type: 'string' }], 'x-kubernetes-int-or-string': true }, false);
}

export function arr<T>(items: Node<T, boolean>): Node<T[]> {
  return new Node({ type: 'array', items: items.json }, false);
}

/** A list whose order does not matter to merges: replaced as a whole by server-side apply. */
export function atomicArr<T>(items: Node<T, boolean>): Node<T[]> {
  return new Node({ 'type': 'array', 'items': items.json, 'x-kubernetes-list-type': 'atomic' }, false);
}

/** `map[string]V`. */
export function mapOf<T>(values: Node<T, boolean>): Node<{ [key: string]: T }> {
  return new Node({ type: 'object', additionalProperties: values.json }, false);
}

/** A closed object: unknown fields are pruned by the API server and reported by our validator. */
export function obj<P extends Props>(props: P): Node<ObjectOf<P>> {
  return new Node(objectSchema(props, false), false);
}

/**
 * An object whose listed fields are checked and whose other fields are kept as they are; the type is open too.
 * Used for Kubernetes core types we pass through (Container, Volume...) and for the collector config.
 */
export function openObj<P extends Props>(props: P): Node<ObjectOf<P> & { [key: string]: unknown }> {
  return new Node(objectSchema(props, true), false);
}

/** Free-form JSON object typed as `T` (a hand-written description of a Kubernetes core type). */
export function opaque<T = { [key: string]: unknown }>(): Node<T> {
  return new Node({ 'type': 'object', 'x-kubernetes-preserve-unknown-fields': true }, false);
}

function objectSchema(props: Props, open: boolean): JSONSchemaProps {
  const properties: { [name: string]: JSONSchemaProps } = {};
  const required: string[] = [];
  for (const [name, node] of Object.entries(props)) {
    properties[name] = node.json;
    if (node.isRequired) required.push(name);
  }
  const schema: JSONSchemaProps = { type: 'object', properties };
  if (required.length > 0) schema.required = required;
  if (open) schema['x-kubernetes-preserve-unknown-fields'] = true;
  return schema;
}
