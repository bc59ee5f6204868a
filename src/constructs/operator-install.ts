import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import type { KubeObject } from '../common/kube';
import { buildOperatorInstallObjects, CONTROLLER_MANAGER, OPERATOR_NAMESPACE, WEBHOOK_SERVICE } from '../install';
import type { OperatorInstallProps } from '../install';

/**
 * The runtime operator installed in a cluster, next to the collectors of a cdk8s app: CRDs, namespace,
 * ServiceAccount, least-privilege RBAC, the operator Deployment, its Services, PodDisruptionBudget, the webhook
 * configurations and the CRD conversion wired to it. Names and labels are upstream's install's. Props are
 * checked before any child is created: a bad one throws `InvalidInputError` and leaves the scope untouched.
 *
 * Put it in a chart without a namespace: the install holds cluster-scoped objects and places its namespaced
 * ones in `props.namespace` itself.
 */
export class OperatorInstall extends Construct {
  /** the namespace the operator runs in */
  public readonly namespace: string;
  /** the operator's ServiceAccount (bind more rules to it to let auto-RBAC grant them) */
  public readonly serviceAccountName: string = CONTROLLER_MANAGER;
  /** the Service the API server calls the webhooks and the conversion through */
  public readonly webhookServiceName: string = WEBHOOK_SERVICE;
  /** the created objects, by `Kind/name` (namespaced Roles as `Role/<namespace>/<name>`) */
  public readonly objects: { [kindAndName: string]: ApiObject } = {};

  constructor(scope: Construct, id: string, props: OperatorInstallProps = {}) {
    const manifests = buildOperatorInstallObjects(props);
    super(scope, id);
    this.namespace = props.namespace ?? OPERATOR_NAMESPACE;
    for (const m of manifests) {
      const key = objectKey(m, this.namespace);
      this.objects[key] = new ApiObject(this, key.replace(/\//g, '-'), m as any);
    }
  }

  /** The manifests as plain JSON (what `cdk8s synth` writes), without synthesizing the app. */
  public toJson(): any[] {
    return Object.values(this.objects).map((o) => o.toJson());
  }
}

function objectKey(m: KubeObject, installNamespace: string): string {
  const ns = m.metadata.namespace;
  return ns && ns !== installNamespace ? `${m.kind}/${ns}/${m.metadata.name}` : `${m.kind}/${m.metadata.name}`;
}
