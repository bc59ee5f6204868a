/**
 * Plain-JSON shapes the pod mutators work on: a Pod as the API server hands it to the webhook, and the
 * `opentelemetry.io/v1alpha1` Instrumentation resource. Only the fields the mutators read or write are named;
 * the index signatures keep everything else so a mutation never drops a field it does not know.
 */

import { EnvVar, ResourceRequirements } from '../common/core-types';

/** The core shapes are shared with the CRD types (src/apis); `imagePullPolicy`, probes etc. pass through their index signatures. */
export type { Container, EnvVar, ResourceRequirements, Volume, VolumeMount } from '../common/core-types';

export type { PodSpec, OwnerReference, PodMeta, Pod, MetaObject } from '../common/pod';

export interface TLSSpec {
  secretName?: string;
  configMapName?: string;
  ca_file?: string;
  cert_file?: string;
  key_file?: string;
}

export interface LanguageSpec {
  image?: string;
  env?: EnvVar[];
  volumeClaimTemplate?: { [key: string]: unknown };
  volumeLimitSize?: string;
  /** The resources field of every language except Java. */
  resourceRequirements?: ResourceRequirements;
}

export interface JavaSpec extends LanguageSpec {
  /** Java alone names the field `resources` (an upstream quirk the CRD keeps). */
  resources?: ResourceRequirements;
  extensions?: Array<{ image: string; dir: string }>;
}

export interface GoSpec extends LanguageSpec {
  securityContext?: { [key: string]: unknown };
}

export interface WebServerAttr {
  name: string;
  value: string;
}

export interface ApacheHttpdSpec extends LanguageSpec {
  attrs?: WebServerAttr[];
  version?: string;
  configPath?: string;
}

export interface NginxSpec extends LanguageSpec {
  attrs?: WebServerAttr[];
  configFile?: string;
}

export interface InstrumentationSpec {
  exporter?: { endpoint?: string; tls?: TLSSpec };
  propagators?: string[];
  sampler?: { type?: string; argument?: string };
  resource?: { resourceAttributes?: { [key: string]: string }; addK8sUIDAttributes?: boolean };
  defaults?: { useLabelsForResourceAttributes?: boolean };
  env?: EnvVar[];
  imagePullPolicy?: string;
  initContainerSecurityContext?: { [key: string]: unknown };
  java?: JavaSpec;
  nodejs?: LanguageSpec;
  python?: LanguageSpec;
  dotnet?: LanguageSpec;
  go?: GoSpec;
  apacheHttpd?: ApacheHttpdSpec;
  nginx?: NginxSpec;
  [key: string]: unknown;
}

/** The `opentelemetry.io/v1alpha1` Instrumentation custom resource. */
export interface InstrumentationResource {
  apiVersion?: string;
  kind?: string;
  metadata: { name: string; namespace?: string; annotations?: { [key: string]: string }; [key: string]: unknown };
  spec: InstrumentationSpec;
  [key: string]: unknown;
}
