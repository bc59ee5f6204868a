/**
 * The parts of Kubernetes objects that Prometheus's Kubernetes discovery reads, as they arrive from the API
 * server (plain JSON). Everything is optional, as in the API: a missing field reads as Go's zero value.
 */

export interface OwnerReference {
  readonly kind?: string;
  readonly name?: string;
  readonly controller?: boolean;
}

export interface ObjectMeta {
  readonly name?: string;
  readonly namespace?: string;
  readonly uid?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
  readonly ownerReferences?: readonly OwnerReference[];
}

export interface ContainerPort {
  readonly name?: string;
  readonly containerPort?: number;
  readonly protocol?: string;
}

export interface Container {
  readonly name?: string;
  readonly image?: string;
  readonly ports?: readonly ContainerPort[];
}

export interface ContainerStatus {
  readonly name?: string;
  readonly containerID?: string;
}

export interface Pod {
  readonly metadata?: ObjectMeta;
  readonly spec?: {
    readonly nodeName?: string;
    readonly containers?: readonly Container[];
    readonly initContainers?: readonly Container[];
  };
  readonly status?: {
    readonly phase?: string;
    readonly podIP?: string;
    readonly podIPs?: ReadonlyArray<{ readonly ip?: string }>;
    readonly hostIP?: string;
    readonly conditions?: ReadonlyArray<{ readonly type?: string; readonly status?: string }>;
    readonly containerStatuses?: readonly ContainerStatus[];
    readonly initContainerStatuses?: readonly ContainerStatus[];
  };
}

export interface ServicePort {
  readonly name?: string;
  readonly port?: number;
  readonly protocol?: string;
}

export interface Service {
  readonly metadata?: ObjectMeta;
  readonly spec?: {
    readonly type?: string;
    readonly clusterIP?: string;
    readonly externalName?: string;
    readonly loadBalancerIP?: string;
    readonly ports?: readonly ServicePort[];
    readonly ipFamilyPolicy?: string;
    readonly ipFamilies?: readonly string[];
  };
}

export interface NodeAddress {
  readonly type?: string;
  readonly address?: string;
}

export interface Node {
  readonly metadata?: ObjectMeta;
  readonly spec?: { readonly providerID?: string };
  readonly status?: {
    readonly addresses?: readonly NodeAddress[];
    readonly daemonEndpoints?: { readonly kubeletEndpoint?: { readonly Port?: number } };
  };
}

export interface ObjectReference {
  readonly kind?: string;
  readonly name?: string;
  readonly namespace?: string;
}

export interface EndpointAddress {
  readonly ip?: string;
  readonly hostname?: string;
  readonly nodeName?: string;
  readonly targetRef?: ObjectReference;
}

export interface EndpointPort {
  readonly name?: string;
  readonly port?: number;
  readonly protocol?: string;
}

export interface Endpoints {
  readonly metadata?: ObjectMeta;
  readonly subsets?: ReadonlyArray<{
    readonly addresses?: readonly EndpointAddress[];
    readonly notReadyAddresses?: readonly EndpointAddress[];
    readonly ports?: readonly EndpointPort[];
  }>;
}

export interface Namespace {
  readonly metadata?: ObjectMeta;
}

/** A ReplicaSet or Job: only its owner (the Deployment or CronJob) is read, for `attach_metadata`. */
export interface Workload {
  readonly metadata?: ObjectMeta;
}

/**
 * What a role's builder may look up: the objects the shared informers hold (keyed `namespace/name`, nodes and
 * namespaces by name). `node` and `namespace` are there only when the config's `attach_metadata` asks for them.
 */
export interface ObjectLookup {
  pod?(namespace: string, name: string): Pod | undefined;
  service?(namespace: string, name: string): Service | undefined;
  node?(name: string): Node | undefined;
  namespace?(name: string): Namespace | undefined;
  /** `attach_metadata.deployment`: a pod's ReplicaSet, whose controller names the Deployment */
  replicaSet?(namespace: string, name: string): Workload | undefined;
  /** `attach_metadata.cronjob`: a pod's Job, whose controller names the CronJob */
  job?(namespace: string, name: string): Workload | undefined;
  /** `attach_metadata.job`: write `pod_job_name` (needs no lookup) */
  readonly jobName?: boolean;
}

export interface EndpointSlice {
  readonly metadata?: ObjectMeta;
  readonly addressType?: string;
  readonly endpoints?: ReadonlyArray<{
    readonly addresses?: readonly string[];
    readonly conditions?: { readonly ready?: boolean; readonly serving?: boolean; readonly terminating?: boolean };
    readonly hostname?: string;
    readonly nodeName?: string;
    readonly zone?: string;
    readonly targetRef?: ObjectReference;
    readonly deprecatedTopology?: Readonly<Record<string, string>>;
  }>;
  readonly ports?: ReadonlyArray<{ readonly name?: string; readonly protocol?: string; readonly port?: number; readonly appProtocol?: string }>;
}

export interface Ingress {
  readonly metadata?: ObjectMeta;
  readonly spec?: {
    readonly ingressClassName?: string;
    readonly tls?: ReadonlyArray<{ readonly hosts?: readonly string[] }>;
    readonly rules?: ReadonlyArray<{ readonly host?: string; readonly http?: { readonly paths?: ReadonlyArray<{ readonly path?: string }> } }>;
  };
}
