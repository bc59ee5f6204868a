import { applyPatch, Operation } from 'fast-json-patch';
import { KubeObject } from '../../src/common/kube';
import { lookupFromObjects } from '../../src/instrumentation/lookup';
import {
  admissionReviewProblem, collectorDefaultingWebhook, memoizedSidecarBuilder, collectorValidatingWebhook, conversionReviewProblem, convertReview,
  instrumentationAdmission, instrumentationDefaultingWebhook, instrumentationValidatingWebhook, podMutationWebhook,
  targetAllocatorDefaultingWebhook, targetAllocatorValidatingWebhook,
} from '../../src/webhook';
import type { AdmissionRequest, AdmissionReview } from '../../src/webhook';

const review = (request: Partial<AdmissionRequest>): AdmissionReview => ({
  apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request: { uid: 'u-1', operation: 'CREATE', ...request },
});

/** The object after applying the response's patch (the object itself when there is none). */
function patched(obj: object, response: { patch?: string }): any {
  if (!response.patch) return obj;
  const ops = JSON.parse(Buffer.from(response.patch, 'base64').toString()) as Operation[];
  return applyPatch(structuredClone(obj), ops, true, false).newDocument;
}

const config = {
  receivers: { otlp: { protocols: { grpc: {}, http: {} } } },
  exporters: { debug: {} },
  service: { pipelines: { traces: { receivers: ['otlp'], exporters: ['debug'] } } },
};
const collector = (spec: object = {}, apiVersion = 'opentelemetry.io/v1beta1'): KubeObject => ({
  apiVersion, kind: 'OpenTelemetryCollector', metadata: { name: 'simple', namespace: 'ns1' }, spec: { config, ...spec },
});

describe('collector defaulting webhook (mopentelemetrycollectorbeta.kb.io)', () => {
  const handler = collectorDefaultingWebhook();

  test('patches upstream\'s defaults and the config endpoints into a v1beta1 collector', () => {
    const obj = collector();
    const res = handler(review({ object: obj })).response;
    expect(res).toMatchObject({ uid: 'u-1', allowed: true, patchType: 'JSONPatch' });
    const out = patched(obj, res);
    expect(out.spec).toMatchObject({ mode: 'deployment', replicas: 1, upgradeStrategy: 'automatic', managementState: 'managed', networkPolicy: { enabled: true } });
    expect(out.spec.config.receivers.otlp.protocols.grpc.endpoint).toBe('0.0.0.0:4317');
    expect(out.metadata).toEqual(obj.metadata);
  });

  test('records upstream\'s Spec.Service.Telemetry.DefaultsApplied Event when it adds the telemetry reader, and only then', () => {
    const events: Array<[string, string, string, string]> = [];
    const recording = collectorDefaultingWebhook({ onEvent: (obj, e) => events.push([obj.metadata.name!, e.type, e.reason, e.message]) });
    const once = patched(collector(), recording(review({ object: collector() })).response);
    expect(events).toEqual([['simple', 'Normal', 'Spec.Service.Telemetry.DefaultsApplied', 'Applied default Prometheus telemetry configuration (host: 0.0.0.0, port: 8888)']]);
    recording(review({ object: once }));
    const ownAddress = collector({ config: { ...config, service: { ...config.service, telemetry: { metrics: { address: '0.0.0.0:9999' } } } } });
    recording(review({ object: ownAddress }));
    expect(events).toHaveLength(1);
    const partial = collector({ config: { ...config, service: { ...config.service, telemetry: { metrics: { level: 'detailed' } } } } });
    recording(review({ object: partial }));
    expect(events[1]).toEqual(['simple', 'Normal', 'Spec.Service.Telemetry.DefaultsApplied', 'Applied default Prometheus telemetry configuration (host: 0.0.0.0, port: 8888)']);
    recording(review({ object: collector({ config: { ...config, receivers: { otlp: { protocols: { carrier_pigeon: {} } } } } }) }));
    expect(events).toHaveLength(2);
    // no config at all: defaulted too, as upstream's zero-valued Config
    recording(review({ object: { ...collector(), spec: { mode: 'deployment' } } }));
    expect(events).toHaveLength(3);
  });

  test('an already defaulted collector gets no patch', () => {
    const once = patched(collector(), handler(review({ object: collector() })).response);
    expect(handler(review({ object: once })).response.patch).toBeUndefined();
  });

  test('a v1alpha1 collector is answered in v1alpha1 (config string rewritten with the defaults)', () => {
    const obj = collector({ config: 'receivers:\n  otlp:\n    protocols:\n      grpc: {}\nexporters:\n  debug: {}\nservice:\n  pipelines:\n    traces:\n      receivers: [otlp]\n      exporters: [debug]\n' }, 'opentelemetry.io/v1alpha1');
    const out = patched(obj, handler(review({ object: obj })).response);
    expect(out.apiVersion).toBe('opentelemetry.io/v1alpha1');
    expect(out.spec.mode).toBe('deployment');
    expect(typeof out.spec.config).toBe('string');
    expect(out.spec.config).toContain('endpoint: 0.0.0.0:4317');
  });

  test('an unknown receiver protocol is denied with the defaulter\'s message', () => {
    const res = handler(review({ object: collector({ config: { ...config, receivers: { otlp: { protocols: { carrier_pigeon: {} } } } } }) })).response;
    expect(res.allowed).toBe(false);
    expect(res.status?.message).toContain('carrier_pigeon');
    expect(res.status?.message).not.toMatch(/^OpenTelemetryCollector /);
  });

  test('a review without an object is a 400 denial naming what is missing', () => {
    const res = handler(review({ object: undefined })).response;
    expect(res).toMatchObject({ allowed: false, status: { code: 400, message: 'the AdmissionReview has no object to admit' } });
  });
});

describe('collector validating webhook (vopentelemetrycollector*beta.kb.io)', () => {
  const handler = collectorValidatingWebhook();

  test('denies with upstream\'s words alone (the API server prefixes the webhook name)', () => {
    const res = handler(review({ object: collector({ mode: 'deployment', targetAllocator: { enabled: true } }) })).response;
    expect(res).toMatchObject({
      allowed: false,
      status: { code: 403, message: 'the OpenTelemetry Collector mode is set to deployment, which does not support the target allocation deployment' },
    });
  });

  test('the mode cannot change on UPDATE', () => {
    const res = handler(review({ operation: 'UPDATE', object: collector({ mode: 'statefulset' }), oldObject: collector({ mode: 'deployment' }) })).response;
    expect(res.status?.message).toBe('the OpenTelemetry Collector mode is set to deployment, which does not support modification');
  });

  test('a valid collector is allowed, with the null-component warning', () => {
    const res = handler(review({ object: collector({ mode: 'deployment', config: { ...config, processors: { batch: null } } }) })).response;
    expect(res.allowed).toBe(true);
    expect(res.warnings?.[0]).toMatch(/^Collector config spec.config has null objects: processors.batch:\./);
  });

  test('DELETE validates the old object, as upstream', () => {
    expect(handler(review({ operation: 'DELETE', oldObject: collector({ mode: 'deployment' }) })).response.allowed).toBe(true);
    expect(handler(review({ operation: 'DELETE', object: null })).response.status?.code).toBe(400);
  });

  test('a v1alpha1 collector is validated as its v1beta1 conversion', () => {
    const res = handler(review({ object: collector({ mode: 'deployment', targetAllocator: { enabled: true }, config: '' }, 'opentelemetry.io/v1alpha1') })).response;
    expect(res.status?.message).toContain('does not support the target allocation deployment');
  });

  test('a receiver endpoint with an impossible port is denied with upstream\'s prefix', () => {
    const bad = { ...config, receivers: { otlp: { protocols: { grpc: { endpoint: '0.0.0.0:70000' } } } } };
    const res = handler(review({ object: collector({ mode: 'deployment', config: bad }) })).response;
    expect(res.allowed).toBe(false);
    expect(res.status?.message).toMatch(/^the OpenTelemetry config is incorrect\. The port numbers are invalid: /);
    expect(res.status?.message).toContain('70000');
  });

  test('another kind is a 400', () => {
    expect(handler(review({ object: { apiVersion: 'v1', kind: 'Pod', metadata: {} } })).response.status).toEqual({ code: 400, message: 'expected an OpenTelemetryCollector, received Pod' });
  });
});

describe('Instrumentation webhooks', () => {
  const inst = (spec: object): KubeObject => ({ apiVersion: 'opentelemetry.io/v1alpha1', kind: 'Instrumentation', metadata: { name: 'i', namespace: 'ns1' }, spec });

  test('defaulting fills images (the operator\'s flags), resources and the default-image annotations', () => {
    const obj = inst({ exporter: { endpoint: 'http://c:4318' } });
    const out = patched(obj, instrumentationDefaultingWebhook({ instrumentationImages: { java: 'my/java:1' } })(review({ object: obj })).response);
    expect(out.spec.java.image).toBe('my/java:1');
    expect(out.metadata.annotations['instrumentation.opentelemetry.io/default-auto-instrumentation-java-image']).toBe('my/java:1');
    expect(out.spec.nodejs.resourceRequirements.limits).toEqual({ cpu: '500m', memory: '256Mi' });
    expect(out.metadata.name).toBe('i');
  });

  test.each([
    [{ sampler: { type: 'traceidratio', argument: 'x' } }, 'spec.sampler.argument is not a number: x'],
    [{ sampler: { type: 'traceidratio', argument: '1.5' } }, 'spec.sampler.argument should be in rage [0..1]: 1.5'],
    [{ sampler: { type: 'jaeger_remote', argument: 'endpoint=' } }, 'spec.sampler.argument is not a valid argument for sampler jaeger_remote: endpoint cannot be empty'],
    [{ sampler: { type: 'jaeger_remote', argument: 'pollingIntervalMs' } }, 'spec.sampler.argument is not a valid argument for sampler jaeger_remote: invalid argument: pollingIntervalMs, the argument should be in the form of key=value'],
    [{ sampler: { type: 'nope' } }, 'spec.sampler.type is not valid: nope'],
    [{ sampler: { type: 'always_on' }, java: { volumeClaimTemplate: { spec: {} }, volumeLimitSize: '1Gi' } }, 'spec.java.volumeClaimTemplate and spec.java.volumeSizeLimit cannot both be defined: unable to resolve volume size'],
  ])('%j is denied with upstream\'s message', (spec, message) => {
    expect(instrumentationValidatingWebhook()(review({ object: inst(spec) })).response).toMatchObject({ allowed: false, status: { code: 403, message } });
  });

  test('warnings: no sampler, TLS without https and https without TLS', () => {
    expect(instrumentationAdmission(inst({}) as never).warnings).toEqual(['sampler type not set']);
    expect(instrumentationAdmission(inst({ sampler: { type: 'always_on' }, exporter: { endpoint: 'http://c', tls: { key_file: 'k' } } }) as never).warnings)
      .toEqual(['both exporter.tls.key and exporter.tls.cert mut be set', 'exporter.tls is configured but exporter.endpoint is not enabling TLS with https://']);
    expect(instrumentationAdmission(inst({ sampler: { type: 'xray' }, exporter: { endpoint: 'https://c' } }) as never).warnings).toEqual(['exporter is using https:// but exporter.tls is unset']);
  });
});

describe('TargetAllocator webhooks', () => {
  const ta = (spec: object): KubeObject => ({ apiVersion: 'opentelemetry.io/v1alpha1', kind: 'TargetAllocator', metadata: { name: 't', namespace: 'ns1' }, spec });

  test('defaulting: replicas 1 and the consistent-hashing PDB', () => {
    const obj = ta({});
    const out = patched(obj, targetAllocatorDefaultingWebhook()(review({ object: obj })).response);
    expect(out.spec).toMatchObject({ replicas: 1, allocationStrategy: 'consistent-hashing', podDisruptionBudget: { maxUnavailable: 1 } });
  });

  test('defaulting without a spec adds none (the API server would default inside it; upstream\'s webhook never runs)', () => {
    const obj: KubeObject = { apiVersion: 'opentelemetry.io/v1alpha1', kind: 'TargetAllocator', metadata: { name: 't', namespace: 'ns1' } };
    const out = patched(obj, targetAllocatorDefaultingWebhook()(review({ object: obj })).response);
    expect(out.spec).toBeUndefined();
    expect(out.metadata.labels).toEqual({});
  });

  test('validation: bad ports with upstream\'s message', () => {
    const res = targetAllocatorValidatingWebhook()(review({ object: ta({ ports: [{ name: 'Bad_Name', port: 80 }] }) })).response;
    expect(res.allowed).toBe(false);
    expect(res.status?.message).toMatch(/^the OpenTelemetry Spec Ports configuration is incorrect, port name 'Bad_Name' errors: \[/);
    expect(targetAllocatorValidatingWebhook()(review({ object: ta({ ports: [{ name: 'http', port: 80 }] }) })).response.allowed).toBe(true);
  });
});

describe('/convert (ConversionReview)', () => {
  const conversion = (desiredAPIVersion: string, objects: KubeObject[]) => ({
    apiVersion: 'apiextensions.k8s.io/v1', kind: 'ConversionReview', request: { uid: 'c-1', desiredAPIVersion, objects },
  });

  test('v1alpha1 → v1beta1 → v1alpha1 keeps metadata and the config', () => {
    const alpha = collector({ mode: 'statefulset', config: 'receivers:\n  otlp: {}\nexporters:\n  debug: {}\n' }, 'opentelemetry.io/v1alpha1');
    const toBeta = convertReview(conversion('opentelemetry.io/v1beta1', [alpha])).response;
    expect(toBeta.result).toEqual({ status: 'Success' });
    const beta = toBeta.convertedObjects[0] as any;
    expect(beta).toMatchObject({ apiVersion: 'opentelemetry.io/v1beta1', metadata: alpha.metadata, spec: { mode: 'statefulset', config: { receivers: { otlp: {} } } } });
    const back = convertReview(conversion('opentelemetry.io/v1alpha1', [beta])).response.convertedObjects[0] as any;
    expect(back.apiVersion).toBe('opentelemetry.io/v1alpha1');
    expect(back.spec.config).toContain('otlp: {}');
  });

  test('a v1beta1 ConversionReview (what upstream\'s CRD makes the API server send) is answered in v1beta1', () => {
    const res = convertReview({ ...conversion('opentelemetry.io/v1beta1', [collector({}, 'opentelemetry.io/v1alpha1')]), apiVersion: 'apiextensions.k8s.io/v1beta1' });
    expect(res.apiVersion).toBe('apiextensions.k8s.io/v1beta1');
    expect(res.response.result.status).toBe('Success');
  });

  test('an object of another kind fails the review with the reason', () => {
    const res = convertReview(conversion('opentelemetry.io/v1beta1', [{ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' } }])).response;
    expect(res.result.status).toBe('Failure');
    expect(res.result.message).toContain('only OpenTelemetryCollector');
    expect(convertReview(conversion('opentelemetry.io/v2', [])).response.result.status).toBe('Failure');
  });

  test('malformed reviews are named', () => {
    expect(conversionReviewProblem({ kind: 'ConversionReview', apiVersion: 'apiextensions.k8s.io/v2' })).toContain('expected one of "apiextensions.k8s.io/v1", "apiextensions.k8s.io/v1beta1"');
    expect(conversionReviewProblem({ kind: 'ConversionReview', apiVersion: 'apiextensions.k8s.io/v1', request: { uid: 'x', desiredAPIVersion: 'v' } })).toBe('request.objects is not a list');
    expect(conversionReviewProblem(conversion('opentelemetry.io/v1beta1', []))).toBeUndefined();
  });
});

describe('pod webhook (mpod.kb.io)', () => {
  const sidecarCollector: KubeObject = {
    apiVersion: 'opentelemetry.io/v1beta1', kind: 'OpenTelemetryCollector', metadata: { name: 'side', namespace: 'ns1' },
    spec: { mode: 'sidecar', config },
  };
  const pod = (annotations: Record<string, string>): KubeObject => ({
    apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', annotations }, spec: { containers: [{ name: 'app', image: 'app:1' }] },
  });

  test('injects the sidecar collector the pod asks for, reading the cluster through the lookup', () => {
    const handler = podMutationWebhook(() => lookupFromObjects([sidecarCollector as never], 'ns1'));
    const obj = pod({ 'sidecar.opentelemetry.io/inject': 'true' });
    const res = handler(review({ object: obj, namespace: 'ns1' })).response;
    expect(res.allowed).toBe(true);
    const out = patched(obj, res);
    expect(out.spec.containers.map((c: { name: string }) => c.name)).toEqual(['app', 'otc-container']);
    expect(out.metadata.labels['sidecar.opentelemetry.io/injected']).toBe('ns1.side');
  });

  test('no collector to inject: admitted unchanged, the reason as a warning (upstream logs it)', () => {
    const handler = podMutationWebhook(() => lookupFromObjects([], 'ns1'));
    const res = handler(review({ object: pod({ 'sidecar.opentelemetry.io/inject': 'true' }), namespace: 'ns1' })).response;
    expect(res.allowed).toBe(true);
    expect(res.patch).toBeUndefined();
    expect(res.warnings?.join('\n')).toContain('no OpenTelemetry Collector instances available');
  });

  test('a mutator error admits the pod unchanged with the message and code 500 (failurePolicy Ignore)', () => {
    const handler = podMutationWebhook(() => lookupFromObjects([], 'ns1'));
    const res = handler(review({ object: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' } }, namespace: 'ns1' })).response;
    expect(res).toMatchObject({ allowed: true, status: { code: 500, message: 'Pod ns1/p: spec.containers is missing (give a Pod with at least one container)' } });
    expect(res.patch).toBeUndefined();
  });

  test('a lookup that throws admits the pod unchanged', () => {
    const handler = podMutationWebhook(() => { throw new Error('cache not synced'); });
    expect(handler(review({ object: pod({}) })).response).toMatchObject({ allowed: true, status: { code: 500, message: 'cache not synced' } });
  });

  test('the sidecar parts are built once per collector version, and every pod gets its own copy', () => {
    let built = 0;
    const builder = memoizedSidecarBuilder((c) => {
      built++;
      return { container: { name: 'otc-container', env: [] }, volumes: [], initContainers: [], injectedLabel: { key: 'k', value: String((c as any).spec.mode) } } as never;
    });
    const v1 = { ...sidecarCollector, metadata: { ...sidecarCollector.metadata, uid: 'u1', resourceVersion: '7' } } as never;
    const a = builder(v1, {});
    (a.container as any).env.push({ name: 'X' });
    expect((builder(v1, {}).container as any).env).toEqual([]);
    expect(built).toBe(1);
    builder({ ...sidecarCollector, metadata: { ...sidecarCollector.metadata, uid: 'u1', resourceVersion: '8' } } as never, {});
    builder(sidecarCollector as never, {});
    builder({ ...sidecarCollector, spec: { ...(sidecarCollector.spec as object), replicas: 2 } } as never, {});
    expect(built).toBe(4);
    builder(v1, { collectorImage: 'other:1' });
    expect(built).toBe(5);
  });

  test('UPDATE is allowed untouched', () => {
    const handler = podMutationWebhook(() => lookupFromObjects([sidecarCollector as never], 'ns1'));
    expect(handler(review({ operation: 'UPDATE', object: pod({ 'sidecar.opentelemetry.io/inject': 'true' }) })).response).toEqual({ uid: 'u-1', allowed: true });
  });
});

describe('admissionReviewProblem', () => {
  test.each([
    [[], 'the body is not a JSON object'],
    [{ kind: 'Pod' }, 'kind is "Pod", expected "AdmissionReview"'],
    [{ kind: 'AdmissionReview', apiVersion: 'admission.k8s.io/v1beta1' }, 'only admission.k8s.io/v1 is served'],
    [{ kind: 'AdmissionReview', apiVersion: 'admission.k8s.io/v1' }, 'request is missing'],
    [{ kind: 'AdmissionReview', apiVersion: 'admission.k8s.io/v1', request: { uid: '' } }, 'request.uid is missing'],
  ])('%j: %s', (body, problem) => {
    expect(admissionReviewProblem(body)).toContain(problem);
  });
});
