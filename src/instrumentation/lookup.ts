import { InstrumentationResource, MetaObject } from './types';

/**
 * Everything the pod mutators need to know about the cluster, asked synchronously.
 *
 * The mutators are pure: the webhook server answers these from its informer caches, `cdk8s-otel inject`
 * from the objects in the input file, build-time injection from what the construct was given, tests from
 * literals. Synchronous on purpose, so the same mutators run inside a cdk8s `toJson()`.
 */
export interface MutationLookup {
  /** The namespace object (only its annotations are read); undefined when unknown. */
  namespace(name: string): MetaObject | undefined;
  /** An Instrumentation by namespace and name; undefined when it does not exist. */
  instrumentation(namespace: string, name: string): InstrumentationResource | undefined;
  /** All Instrumentations of a namespace (for the annotation value "true"). */
  instrumentations(namespace: string): InstrumentationResource[];
  /** An OpenTelemetryCollector (v1beta1 or v1alpha1 JSON) by namespace and name; undefined when missing. */
  collector(namespace: string, name: string): MetaObject | undefined;
  /** All OpenTelemetryCollectors of a namespace (for `sidecar.opentelemetry.io/inject: "true"`). */
  collectors(namespace: string): MetaObject[];
  /**
   * The object an ownerReference points to (a ReplicaSet, to find its Deployment; a Job, to find its
   * CronJob); undefined when unknown, in which case only the direct owner's name is used.
   */
  owner(namespace: string, kind: string, name: string): MetaObject | undefined;
  /** Whether a Secret exists (exporter TLS). When absent from the lookup, the Secret is assumed to exist. */
  secretExists?(namespace: string, name: string): boolean;
  /** Whether a ConfigMap exists (exporter TLS CA). When absent from the lookup, it is assumed to exist. */
  configMapExists?(namespace: string, name: string): boolean;
}

/** Objects from a list (e.g. a parsed YAML file) served as a MutationLookup. */
export function lookupFromObjects(objects: readonly MetaObject[], defaultNamespace = 'default'): MutationLookup {
  const nsOf = (o: MetaObject) => o.metadata?.namespace ?? defaultNamespace;
  const byKind = (kind: string) => objects.filter((o) => o.kind === kind);
  const find = (kind: string, ns: string, name: string) =>
    byKind(kind).find((o) => nsOf(o) === ns && o.metadata?.name === name);
  return {
    namespace: (name) => byKind('Namespace').find((o) => o.metadata?.name === name),
    instrumentation: (ns, name) => find('Instrumentation', ns, name) as InstrumentationResource | undefined,
    instrumentations: (ns) => byKind('Instrumentation').filter((o) => nsOf(o) === ns) as InstrumentationResource[],
    collector: (ns, name) => find('OpenTelemetryCollector', ns, name),
    collectors: (ns) => byKind('OpenTelemetryCollector').filter((o) => nsOf(o) === ns),
    owner: (ns, kind, name) => find(kind, ns, name),
    secretExists: (ns, name) => find('Secret', ns, name) !== undefined,
    configMapExists: (ns, name) => find('ConfigMap', ns, name) !== undefined,
  };
}
