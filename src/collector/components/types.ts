/** A Service/container port inferred from a component's configuration, in Kubernetes wire form. */
export interface InferredPort {
  readonly name: string;
  readonly port: number;
  /** TCP unless the component listens on UDP */
  readonly protocol?: string;
  readonly appProtocol?: string;
  /** set when upstream sets it: equal to `port` for components with a known default port */
  readonly targetPort?: number;
}

/** An RBAC policy rule in wire form. */
export interface PolicyRule {
  readonly apiGroups: string[];
  readonly resources: string[];
  readonly verbs: string[];
}

/** An environment variable in wire form (`valueFrom` kept as JSON). */
export interface EnvVarJson {
  readonly name: string;
  readonly value?: string;
  readonly valueFrom?: Record<string, unknown>;
}

/** An HTTP probe derived from an extension (health_check). */
export interface ProbeJson {
  readonly httpGet: { path: string; port: number };
}

/**
 * What the operator knows about one component type. Every function receives the component's configuration as
 * written (possibly `null`) and its id (`otlp/2`).
 */
export interface ComponentParser {
  /** ports the component opens; may throw `Error` with a message for an unusable configuration */
  ports?(id: string, config: unknown): InferredPort[];
  /** configuration defaults applied by the defaulting webhook (endpoints `0.0.0.0:<port>`) */
  defaults?(config: unknown): unknown;
  clusterRoleRules?(config: unknown): PolicyRule[];
  env?(config: unknown): EnvVarJson[];
  probe?(config: unknown): ProbeJson | undefined;
}

/** The component type of an id: `otlp/2` → `otlp`. */
export function componentType(id: string): string {
  const slash = id.indexOf('/');
  return slash >= 0 ? id.slice(0, slash) : id;
}

/** The port of the first `:<digits>` in an endpoint, or undefined (`${env:PORT}` has none). */
export function portFromEndpoint(endpoint: unknown): number | undefined {
  if (typeof endpoint !== 'string') return undefined;
  const m = /:([0-9]+)/.exec(endpoint);
  if (!m) return undefined;
  const port = Number(m[1]);
  return port > 0 && port <= 2147483647 ? port : undefined;
}
