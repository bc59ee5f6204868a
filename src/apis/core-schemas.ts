/**
 * Schema fragments for the Kubernetes core types our CRDs embed. We check the fields the operator reads and keep
 * the rest (`x-kubernetes-preserve-unknown-fields`): the API server validates the Pods and Services we build from
 * them, so repeating Kubernetes' own 400 KB of schema here would only add a second place to be wrong.
 */
import type * as core from '../common/core-types';
import { arr, atomicArr, bool, int32, int64, intOrString, mapOf, Node, obj, opaque, openObj, str } from './schema-dsl';

/** A schema node typed as a hand-written core type: the listed fields are checked, the others kept. */
function coreType<T>(props: { [name: string]: Node<unknown, boolean> }): Node<T> {
  return openObj(props) as unknown as Node<T>;
}

function closedCoreType<T>(props: { [name: string]: Node<unknown, boolean> }): Node<T> {
  return obj(props) as unknown as Node<T>;
}

export const stringMap = (): Node<{ [key: string]: string }> => mapOf(str());

export const envVar = (): Node<core.EnvVar> => coreType({ name: str().req(), value: str(), valueFrom: opaque() });
export const envFromSource = (): Node<core.EnvFromSource> => opaque<core.EnvFromSource>();
export const volume = (): Node<core.Volume> => coreType({ name: str().req() });
export const volumeMount = (): Node<core.VolumeMount> =>
  coreType({ name: str().req(), mountPath: str().req(), readOnly: bool(), subPath: str() });

export const resources = (): Node<core.ResourceRequirements> => closedCoreType({
  claims: arr(obj({ name: str().req(), request: str() })).with({ 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'] }),
  limits: mapOf(intOrString().with({ pattern: QUANTITY_PATTERN })),
  requests: mapOf(intOrString().with({ pattern: QUANTITY_PATTERN })),
});

export const container = (): Node<core.Container> => coreType({ name: str().req(), image: str() });

export const toleration = (): Node<core.Toleration> => closedCoreType({
  effect: str(), key: str(), operator: str(), tolerationSeconds: int64(), value: str(),
});

export const labelSelector = (): Node<core.LabelSelector> => closedCoreType<core.LabelSelector>({
  matchExpressions: atomicArr(obj({ key: str().req(), operator: str().req(), values: atomicArr(str()) })),
  matchLabels: stringMap(),
}).with({ 'x-kubernetes-map-type': 'atomic' });

export const topologySpreadConstraint = (): Node<core.TopologySpreadConstraint> => coreType({
  maxSkew: int32().req(), topologyKey: str().req(), whenUnsatisfiable: str().req(), labelSelector: labelSelector(),
});

export const persistentVolumeClaim = (): Node<core.PersistentVolumeClaimTemplate> => closedCoreType({
  apiVersion: str(),
  kind: str(),
  metadata: openObj({ name: str(), namespace: str(), labels: stringMap(), annotations: stringMap(), finalizers: arr(str()) }),
  spec: opaque(),
  status: opaque(),
});

/** `corev1.ServicePort`, plus `hostPort` for the collector's `ports`. */
export const servicePortFields = {
  name: str(),
  port: int32().req(),
  protocol: str().default('TCP'),
  appProtocol: str(),
  targetPort: intOrString(),
  nodePort: int32(),
};

export const condition = (): Node<core.Condition> => closedCoreType({
  lastTransitionTime: str().with({ format: 'date-time' }).req(),
  message: str().with({ maxLength: 32768 }).req(),
  observedGeneration: int64().with({ minimum: 0 }),
  reason: str().with({ maxLength: 1024, minLength: 1, pattern: '^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$' }).req(),
  status: str().with({ enum: ['True', 'False', 'Unknown'] }).req(),
  type: str().with({ maxLength: 316 }).req(),
});

/** `metav1.Condition` lists are maps keyed by type, as upstream declares them. */
export const conditions = (): Node<core.Condition[]> =>
  arr(condition()).with({ 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['type'] });

export const affinity = (): Node<core.Affinity> => opaque();
export const securityContext = (): Node<core.SecurityContext> => opaque();
export const podSecurityContext = (): Node<core.PodSecurityContext> => opaque();
export const lifecycle = (): Node<core.Lifecycle> => opaque();
export const podDnsConfig = (): Node<core.PodDnsConfig> => opaque();
export const hostAlias = (): Node<core.HostAlias> => opaque();
export const sessionAffinityConfig = (): Node<core.SessionAffinityConfig> => opaque();
export const daemonSetUpdateStrategy = (): Node<core.DaemonSetUpdateStrategy> => opaque();
export const deploymentStrategy = (): Node<core.DeploymentStrategy> => opaque();
export const hpaBehavior = (): Node<core.HorizontalPodAutoscalerBehavior> => opaque();

/** Kubernetes' resource.Quantity syntax (the API server's own pattern for quantities). */
export const QUANTITY_PATTERN =
  '^(\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))))?$';

/** A full `corev1.Probe` (handler included), kept open. */
export const probe = (): Node<core.Probe> => opaque<core.Probe>();
