/** What an install of the runtime operator can be told; read by `OperatorInstall` and `cdk8s-otel install`. */
export interface OperatorInstallProps {
  /** namespace of the operator's objects @default 'opentelemetry-operator-system' */
  readonly namespace?: string;
  /** create the Namespace object (false when it is managed elsewhere) @default true */
  readonly createNamespace?: boolean;
  /**
   * Namespaces the operator watches (its `WATCH_NAMESPACE`). The operator then gets Roles in these namespaces
   * instead of a ClusterRole for what it creates, and its webhooks only see these namespaces.
   * @default - all namespaces
   */
  readonly watchNamespaces?: string[];
  /** the operator's image @default DEFAULT_OPERATOR_IMAGE, what `npm run image` builds */
  readonly image?: string;
  /** @default 'IfNotPresent' */
  readonly imagePullPolicy?: string;
  /** operator pods; more than one spreads them over nodes and relies on leader election @default 1 */
  readonly replicas?: number;
  /**
   * Let cert-manager issue the webhook certificate and inject the CA bundles (upstream's kustomize setup:
   * an Issuer, a Certificate and `cert-manager.io/inject-ca-from`). Without it the operator makes its own
   * certificate and patches the CA bundles itself, and cert-manager is not needed.
   * @default false
   */
  readonly certManager?: boolean;
  /** include the CustomResourceDefinitions @default true */
  readonly crds?: boolean;
  /** a Prometheus Operator ServiceMonitor for the operator's metrics (needs its CRDs) @default false */
  readonly serviceMonitor?: boolean;
  /**
   * Let the operator create ClusterRoles/Bindings for collectors whose config reads the Kubernetes API (upstream's
   * automatic RBAC). The operator can only grant rules it holds itself.
   * @default true
   */
  readonly autoRbac?: boolean;
  /** the collector image where a collector's `spec.image` is empty (`--collector-image`) @default - the operator's default */
  readonly collectorImage?: string;
  /** more operator flags, e.g. `--labels-filter=...` @default - none */
  readonly extraArgs?: string[];
  /** the manager container's resources @default - requests cpu 100m, memory 128Mi; limit memory 512Mi */
  readonly resources?: OperatorResources;
  /** node selector of the operator pods @default - none */
  readonly nodeSelector?: { [key: string]: string };
  /** priority class of the operator pods @default - none */
  readonly priorityClassName?: string;
}

export interface OperatorResources {
  /** @default - none */
  readonly limits?: { [name: string]: string };
  /** @default - none */
  readonly requests?: { [name: string]: string };
}
