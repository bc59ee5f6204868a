/**
 * How the constructs hold the objects the pure rooms build: one `ApiObject` per manifest (exact wire JSON), keyed
 * `Kind/name`, synthesized in the order `kubectl apply` needs.
 */
import { ApiObject, Chart, JsonPatch } from 'cdk8s';
import { Construct } from 'constructs';
import { Json } from '../common/json';
import { compareObjects, KubeObject, withoutIncompleteOwnerReferences as dropIncompleteOwnerReferences } from '../common/kube';

/** The namespace of the chart a construct is in; undefined outside a chart or in a chart without one. */
export function chartNamespace(scope: Construct): string | undefined {
  try {
    return Chart.of(scope).namespace;
  } catch {
    return undefined; // not inside a chart
  }
}

/**
 * Adds one `ApiObject` per manifest under `scope` and records it in `into` by `Kind/name` (`Kind/namespace/name`
 * for objects outside `namespace`, such as the Roles a collector gets in the namespaces it scrapes).
 */
export function addObjects(scope: Construct, manifests: readonly Json[], into: { [kindAndName: string]: ApiObject }, namespace: string): void {
  const inNamespacedChart = chartNamespace(scope) !== undefined;
  for (const m of manifests) {
    const ns = m.metadata.namespace;
    const key = ns && ns !== namespace ? `${m.kind}/${ns}/${m.metadata.name}` : `${m.kind}/${m.metadata.name}`;
    const obj = new ApiObject(scope, `${m.kind}-${ns ?? 'cluster'}-${m.metadata.name}`, m as any);
    // cdk8s stamps the chart's namespace on every object; cluster-scoped ones must not carry one
    if (inNamespacedChart && ns === undefined) obj.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
    into[key] = obj;
  }
}

/**
 * Makes the objects synthesize in `kubectl apply` order (what others reference first, see `sortObjects`), also
 * across child constructs (a collector's target allocator objects sit between its own): each object depends on
 * the one before it, and cdk8s writes dependencies first.
 */
export function orderObjects(objects: readonly ApiObject[]): void {
  const sorted = [...objects].sort((a, b) => compareObjects(identity(a), identity(b)));
  for (let i = 1; i < sorted.length; i++) sorted[i].node.addDependency(sorted[i - 1]);
}

function identity(o: ApiObject): { kind: string; metadata: { name?: string; namespace?: string } } {
  return { kind: o.kind, metadata: { name: o.name, namespace: o.metadata.namespace } };
}

/** `withoutIncompleteOwnerReferences` of common/kube for the manifests the builders return. */
export function withoutIncompleteOwnerReferences(obj: Json): Json {
  return dropIncompleteOwnerReferences(obj as KubeObject);
}
