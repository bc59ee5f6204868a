import { ApiObject, Lazy } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { InvalidInputError } from '../common/errors';
import { requestInstrumentation } from './build-time-injection';
import { Language, languageDefinition, EnvVar, InstrumentationResource, InstrumentationSpec, ResourceRequirements, WebServerAttr, validateInstrumentation } from '../instrumentation';

/** Trace context propagators (`spec.propagators`). */
export enum Propagator {
  TRACECONTEXT = 'tracecontext',
  BAGGAGE = 'baggage',
  B3 = 'b3',
  B3MULTI = 'b3multi',
  JAEGER = 'jaeger',
  XRAY = 'xray',
  OTTRACE = 'ottrace',
  NONE = 'none',
}

/** Sampler types the Instrumentation CRD accepts (`spec.sampler.type`). */
export enum SamplerType {
  ALWAYS_ON = 'always_on',
  ALWAYS_OFF = 'always_off',
  TRACE_ID_RATIO = 'traceidratio',
  PARENT_BASED_ALWAYS_ON = 'parentbased_always_on',
  PARENT_BASED_ALWAYS_OFF = 'parentbased_always_off',
  PARENT_BASED_TRACE_ID_RATIO = 'parentbased_traceidratio',
  JAEGER_REMOTE = 'jaeger_remote',
  XRAY = 'xray',
}

/** An environment variable: a literal value or a downward-API field. */
export interface InstrumentationEnvVar {
  /** Variable name. */
  readonly name: string;
  /** Literal value. @default - none (use fieldPath) */
  readonly value?: string;
  /** Pod field for the value (`metadata.name`, `status.hostIP`, ...). @default - none (use value) */
  readonly fieldPath?: string;
}

/** TLS for the OTLP exporter (`spec.exporter.tls`). File names are relative to the mounted Secret/ConfigMap unless absolute. */
export interface ExporterTlsProps {
  /** Secret (in the pod's namespace) with the client certificate, key and possibly the CA. @default - none */
  readonly secretName?: string;
  /** ConfigMap (in the pod's namespace) with the CA certificate. @default - none */
  readonly configMapName?: string;
  /** CA certificate file. @default - none */
  readonly caFile?: string;
  /** Client certificate file. @default - none */
  readonly certFile?: string;
  /** Client key file. @default - none */
  readonly keyFile?: string;
}

/** Settings of one language's agent. */
export interface LanguageInstrumentationProps {
  /** Agent image. @default - the operator's default for the language */
  readonly image?: string;
  /** Env for instrumented containers of this language (wins over the common env). @default - none */
  readonly env?: InstrumentationEnvVar[];
  /** Resources of the injected init container (Go: of the agent sidecar). @default - limits 500m/256Mi, requests per language */
  readonly resources?: ResourceRequirements;
  /** emptyDir size limit of the agent volume (deprecated upstream in favour of volumeClaimTemplate). @default '200Mi' */
  readonly volumeLimitSize?: string;
  /** An ephemeral volume claim template for the agent volume instead of an emptyDir. @default - an emptyDir */
  readonly volumeClaimTemplate?: { [key: string]: unknown };
}

/** A Java agent extension: its image and the directory holding the extension JARs. */
export interface JavaExtension {
  /** Image containing the extension. */
  readonly image: string;
  /** Directory in the image with the extension JARs. */
  readonly dir: string;
}

export interface JavaInstrumentationProps extends LanguageInstrumentationProps {
  /** Extensions copied next to the agent. @default - none */
  readonly extensions?: JavaExtension[];
}

export interface GoInstrumentationProps extends LanguageInstrumentationProps {
  /** Security context of the eBPF agent sidecar. @default - privileged, runAsUser 0 */
  readonly securityContext?: { [key: string]: unknown };
}

export interface WebServerInstrumentationProps extends LanguageInstrumentationProps {
  /** Extra agent settings, added to or overriding the generated ones. @default - none */
  readonly attrs?: WebServerAttr[];
}

export interface ApacheHttpdInstrumentationProps extends WebServerInstrumentationProps {
  /** Apache HTTPD version: "2.4" or "2.2". @default '2.4' */
  readonly version?: string;
  /** Apache configuration directory. @default '/usr/local/apache2/conf' */
  readonly configPath?: string;
}

export interface NginxInstrumentationProps extends WebServerInstrumentationProps {
  /** nginx main configuration file. @default '/etc/nginx/nginx.conf' */
  readonly configFile?: string;
}

/** Where the SDKs export to (`spec.exporter`). */
export interface InstrumentationExporterProps {
  /** OTLP endpoint (OTEL_EXPORTER_OTLP_ENDPOINT). @default - the SDKs' own default */
  readonly endpoint?: string;
  /** TLS for the exporter. @default - none */
  readonly tls?: ExporterTlsProps;
}

/** Trace sampling (`spec.sampler`). */
export interface InstrumentationSamplerProps {
  /** Sampler type (OTEL_TRACES_SAMPLER). @default - the SDKs' default */
  readonly type?: SamplerType;
  /** Sampler argument (OTEL_TRACES_SAMPLER_ARG), e.g. a ratio. @default - none */
  readonly argument?: string;
}

/** Resource attributes of instrumented containers (`spec.resource`). */
export interface InstrumentationResourceProps {
  /** Attributes for every instrumented container. @default - none */
  readonly resourceAttributes?: { [key: string]: string };
  /** Add k8s.*.uid resource attributes (`addK8sUIDAttributes`). @default false */
  readonly addK8sUidAttributes?: boolean;
}

/** Defaults of the resource attributes (`spec.defaults`). */
export interface InstrumentationDefaultsProps {
  /** Derive service.name/version from the app.kubernetes.io labels. @default false */
  readonly useLabelsForResourceAttributes?: boolean;
}

/**
 * Props of `Instrumentation`: the `opentelemetry.io/v1alpha1` Instrumentation spec, typed, in the CR's shape
 * (`exporter.endpoint`, `sampler.type`), so upstream's documentation reads straight across. Identity as for the
 * other constructs: `name`, `namespace`, `labels`, `annotations`.
 */
export interface InstrumentationProps {
  /** The Instrumentation's name. @default - the construct id, lower-cased */
  readonly name?: string;
  /** @default - the chart's namespace (none outside a namespaced chart) */
  readonly namespace?: string;
  /** labels of the Instrumentation @default - none */
  readonly labels?: { [key: string]: string };
  /** annotations of the Instrumentation @default - none */
  readonly annotations?: { [key: string]: string };
  /** Where the SDKs export to. @default - the SDKs' own default */
  readonly exporter?: InstrumentationExporterProps;
  /** Propagators (OTEL_PROPAGATORS). @default - the SDKs' default */
  readonly propagators?: Propagator[];
  /** Trace sampling. @default - the SDKs' default */
  readonly sampler?: InstrumentationSamplerProps;
  /** Resource attributes for every instrumented container. @default - none */
  readonly resource?: InstrumentationResourceProps;
  /** Defaults of the resource attributes. @default - none */
  readonly defaults?: InstrumentationDefaultsProps;
  /** Env for every instrumented container. @default - none */
  readonly env?: InstrumentationEnvVar[];
  /** Pull policy of the injected init containers and Go sidecar. @default - the cluster default */
  readonly imagePullPolicy?: string;
  /** Security context of the injected init containers. @default - a copy of the first target container's */
  readonly initContainerSecurityContext?: { [key: string]: unknown };
  /** @default - operator defaults */
  readonly java?: JavaInstrumentationProps;
  /** @default - operator defaults */
  readonly nodejs?: LanguageInstrumentationProps;
  /** @default - operator defaults */
  readonly python?: LanguageInstrumentationProps;
  /** @default - operator defaults */
  readonly dotnet?: LanguageInstrumentationProps;
  /** @default - operator defaults */
  readonly go?: GoInstrumentationProps;
  /** @default - operator defaults */
  readonly apacheHttpd?: ApacheHttpdInstrumentationProps;
  /** @default - operator defaults */
  readonly nginx?: NginxInstrumentationProps;
}

/** Options of `Instrumentation.inject`. */
export interface InjectInstrumentationOptions {
  /** The language agent to inject. */
  readonly language: Language;
  /** Containers (regular or init) to instrument. @default - the first container */
  readonly containerNames?: string[];
}

/**
 * An `opentelemetry.io/v1alpha1` Instrumentation: how auto-instrumented pods export telemetry. Deploy it for
 * the operator's webhook, and/or `inject()` it into workloads at synth time (no webhook needed).
 */
export class Instrumentation extends Construct {
  /** The construct for an existing Instrumentation custom resource (plain JSON). */
  public static fromCustomResource(scope: Construct, id: string, cr: InstrumentationResource): Instrumentation {
    const m = cr.metadata ?? { name: '' };
    const inst = new Instrumentation(scope, id, {
      name: m.name, namespace: m.namespace, labels: m.labels as { [k: string]: string } | undefined, annotations: m.annotations,
    });
    inst.spec = JSON.parse(JSON.stringify(cr.spec ?? {}));
    inst.warnings.splice(0);
    inst.check();
    return inst;
  }

  /** The underlying API object. */
  public readonly apiObject: ApiObject;
  /** What the validating webhook would warn about (also attached as construct metadata). */
  public readonly warnings: string[] = [];
  private spec: InstrumentationSpec;

  constructor(scope: Construct, id: string, props: InstrumentationProps = {}) {
    super(scope, id);
    this.spec = propsToSpec(props);
    this.apiObject = new ApiObject(this, 'Resource', {
      apiVersion: 'opentelemetry.io/v1alpha1',
      kind: 'Instrumentation',
      metadata: { name: props.name ?? id.toLowerCase(), namespace: props.namespace, labels: props.labels, annotations: props.annotations },
      spec: Lazy.any({ produce: () => this.spec }),
    });
    this.check();
  }

  /** The Instrumentation's name. */
  public get name(): string {
    return this.apiObject.name;
  }

  /** The resource as plain JSON (what the webhook's lookup would return). */
  public toResource(): InstrumentationResource {
    const metadata: InstrumentationResource['metadata'] = { name: this.apiObject.name };
    if (this.apiObject.metadata.namespace) metadata.namespace = this.apiObject.metadata.namespace;
    return { apiVersion: 'opentelemetry.io/v1alpha1', kind: 'Instrumentation', metadata, spec: JSON.parse(JSON.stringify(this.spec)) };
  }

  /**
   * Injects this Instrumentation's agent into a workload's pod template when the app is synthesized, exactly as
   * the operator's webhook would inject it into the pods. `workload` is a cdk8s-plus workload, an L1
   * `KubeDeployment`/`KubePod`/..., or any construct whose default child is one.
   */
  public inject(workload: IConstruct, options: InjectInstrumentationOptions): void {
    languageDefinition(options.language);
    for (const name of options.containerNames ?? []) {
      if (!/^[a-zA-Z0-9-]+$/.test(name)) {
        throw new InvalidInputError(`Instrumentation ${this.name}`, 'inject.containerNames', `'${name}' is not a container name`,
          'use names of containers of the workload (letters, digits and "-")');
      }
    }
    requestInstrumentation(workload, { language: options.language, instrumentation: this.toResource(), containerNames: options.containerNames ?? [] });
  }

  private check(): void {
    const result = validateInstrumentation(this.toResource());
    if (result.errors.length > 0) {
      throw new InvalidInputError(`Instrumentation ${this.name}`, 'spec', result.errors.join('; '), 'fix the listed fields');
    }
    for (const w of result.warnings) {
      this.warnings.push(w);
      this.node.addMetadata('warning', w);
    }
  }
}

function envToSpec(env: InstrumentationEnvVar[] | undefined): EnvVar[] | undefined {
  return env?.map((e) => (e.fieldPath ? { name: e.name, valueFrom: { fieldRef: { fieldPath: e.fieldPath } } } : { name: e.name, value: e.value ?? '' }));
}

function languageToSpec(p: LanguageInstrumentationProps | undefined, resourcesKey: 'resources' | 'resourceRequirements'): { [k: string]: unknown } | undefined {
  if (!p) return undefined;
  const out: { [k: string]: unknown } = {};
  const set = (k: string, v: unknown) => { if (v !== undefined) out[k] = v; };
  set('image', p.image);
  set('env', envToSpec(p.env));
  set(resourcesKey, p.resources);
  set('volumeLimitSize', p.volumeLimitSize);
  set('volumeClaimTemplate', p.volumeClaimTemplate);
  const extra = p as JavaInstrumentationProps & GoInstrumentationProps & ApacheHttpdInstrumentationProps & NginxInstrumentationProps;
  set('extensions', extra.extensions);
  set('securityContext', extra.securityContext);
  set('attrs', extra.attrs);
  set('version', extra.version);
  set('configPath', extra.configPath);
  set('configFile', extra.configFile);
  return out;
}

function propsToSpec(props: InstrumentationProps): InstrumentationSpec {
  const spec: { [k: string]: unknown } = {};
  const set = (k: string, v: unknown) => { if (v !== undefined) spec[k] = v; };
  const defined = (o: { [k: string]: unknown }) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
  const { exporter, sampler, resource, defaults } = props;
  if (exporter) {
    const tls = exporter.tls && defined({
      secretName: exporter.tls.secretName, configMapName: exporter.tls.configMapName,
      ca_file: exporter.tls.caFile, cert_file: exporter.tls.certFile, key_file: exporter.tls.keyFile,
    });
    spec.exporter = defined({ endpoint: exporter.endpoint, tls });
  }
  set('propagators', props.propagators ? [...props.propagators] : undefined);
  if (sampler) spec.sampler = defined({ type: sampler.type, argument: sampler.argument });
  if (resource) spec.resource = defined({ resourceAttributes: resource.resourceAttributes, addK8sUIDAttributes: resource.addK8sUidAttributes });
  if (defaults) spec.defaults = defined({ useLabelsForResourceAttributes: defaults.useLabelsForResourceAttributes });
  set('env', envToSpec(props.env));
  set('imagePullPolicy', props.imagePullPolicy);
  set('initContainerSecurityContext', props.initContainerSecurityContext);
  set('java', languageToSpec(props.java, 'resources'));
  for (const lang of ['nodejs', 'python', 'dotnet', 'go', 'apacheHttpd', 'nginx'] as const) {
    set(lang, languageToSpec(props[lang], 'resourceRequirements'));
  }
  return spec as InstrumentationSpec;
}
