import { applyPatch } from 'fast-json-patch';
import { KubeObject } from '../../src/common/kube';
import { lookupFromObjects } from '../../src/instrumentation/lookup';
import { admissionResponse } from '../../src/webhook/admission';
import { mutatePod } from '../../src/webhook/pod-mutator';

const inst = { apiVersion: 'opentelemetry.io/v1alpha1', kind: 'Instrumentation', metadata: { name: 'java', namespace: 'shop' }, spec: {} };
const podObject = (annotations: { [k: string]: string }) => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { generateName: 'x-', annotations }, spec: { containers: [{ name: 'app', image: 'app:1' }] },
});
const review = (object: unknown) => ({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview',
  request: { uid: 'uid-1', operation: 'CREATE', namespace: 'shop', object } });
const mutateWith = (objects: object[]) => (o: KubeObject) => {
  const r = mutatePod(o, lookupFromObjects(objects as never, 'shop'));
  return { object: r.pod, errors: r.errors, warnings: r.warnings };
};

describe('admissionResponse', () => {
  test('a JSON patch that turns the request object into the mutated pod', () => {
    const obj = podObject({ 'instrumentation.opentelemetry.io/inject-java': 'true' });
    const res = admissionResponse(review(obj), mutateWith([inst]));
    expect(res).toMatchObject({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response: { uid: 'uid-1', allowed: true, patchType: 'JSONPatch' } });
    const ops = JSON.parse(Buffer.from(res.response.patch!, 'base64').toString('utf8'));
    const patched = applyPatch(JSON.parse(JSON.stringify(obj)), ops).newDocument as { spec: { initContainers: Array<{ name: string }> } };
    expect(patched.spec.initContainers[0].name).toBe('opentelemetry-auto-instrumentation-java');
    // the namespace taken from the request is not written into the object
    expect(ops.some((op: { path: string }) => op.path === '/metadata/namespace')).toBe(false);
  });

  test('nothing to do: allowed without a patch', () => {
    const res = admissionResponse(review(podObject({})), mutateWith([inst]));
    expect(res.response).toEqual({ uid: 'uid-1', allowed: true });
  });

  test('a mutation error admits the pod unchanged with code 500 and the message (failurePolicy Ignore contract)', () => {
    const res = admissionResponse(review(podObject({ 'instrumentation.opentelemetry.io/inject-java': 'missing' })), mutateWith([inst]));
    expect(res.response.allowed).toBe(true);
    expect(res.response.patch).toBeUndefined();
    expect(res.response.status).toEqual({ code: 500, message: expect.stringContaining('instrumentations.opentelemetry.io "missing" not found') });
  });

  test('a thrown exception is reported the same way', () => {
    const res = admissionResponse(review(podObject({})), () => { throw new Error('boom'); });
    expect(res.response).toEqual({ uid: 'uid-1', allowed: true, status: { code: 500, message: 'boom' } });
  });

  test('a review without an object is answered, not thrown', () => {
    expect(admissionResponse({ request: { uid: 'u' } }, mutateWith([])).response).toMatchObject({ uid: 'u', allowed: true, status: { code: 400 } });
  });
});

describe('mutatePod (sidecar, then instrumentation)', () => {
  test('both mutators run; the collector sidecar is not instrumented', () => {
    const collector = { apiVersion: 'opentelemetry.io/v1beta1', kind: 'OpenTelemetryCollector', metadata: { name: 'agent', namespace: 'shop' },
      spec: { mode: 'sidecar', config: { receivers: { otlp: { protocols: { grpc: {} } } }, exporters: { debug: {} },
        service: { pipelines: { traces: { receivers: ['otlp'], exporters: ['debug'] } } } } } };
    const obj = { ...podObject({ 'instrumentation.opentelemetry.io/inject-java': 'true', 'sidecar.opentelemetry.io/inject': 'true' }),
      metadata: { namespace: 'shop', annotations: { 'instrumentation.opentelemetry.io/inject-java': 'true', 'sidecar.opentelemetry.io/inject': 'true' } } };
    const r = mutatePod(obj as KubeObject, lookupFromObjects([inst, collector] as never, 'shop'));
    const containers = (r.pod.spec as { containers: Array<{ name: string; env?: Array<{ name: string }> }> }).containers;
    expect(containers.map((c) => c.name)).toEqual(['app', 'otc-container']);
    expect(containers[1].env!.map((e) => e.name)).not.toContain('JAVA_TOOL_OPTIONS');
    expect(containers[0].env!.map((e) => e.name)).toContain('JAVA_TOOL_OPTIONS');
  });

  test('an instrumentation error leaves the whole pod unchanged, the sidecar too (upstream answers the review with the error)', () => {
    const collector = { apiVersion: 'opentelemetry.io/v1beta1', kind: 'OpenTelemetryCollector', metadata: { name: 'agent', namespace: 'shop' },
      spec: { mode: 'sidecar', config: { receivers: { otlp: { protocols: { grpc: {} } } }, exporters: { debug: {} },
        service: { pipelines: { traces: { receivers: ['otlp'], exporters: ['debug'] } } } } } };
    const annotations = { 'instrumentation.opentelemetry.io/inject-java': 'missing', 'sidecar.opentelemetry.io/inject': 'true' };
    const obj = { ...podObject(annotations), metadata: { namespace: 'shop', annotations } } as KubeObject;
    const r = mutatePod(obj, lookupFromObjects([inst, collector] as never, 'shop'));
    expect(r.pod).toEqual(obj);
    expect(r.errors).toEqual([expect.stringContaining('instrumentation.opentelemetry.io/inject-java: instrumentations.opentelemetry.io "missing" not found')]);
    const res = admissionResponse(review(obj), mutateWith([inst, collector]));
    expect(res.response).toMatchObject({ allowed: true, status: { code: 500 } });
    expect(res.response.patch).toBeUndefined();
  });

  test('a pod without containers is an error', () => {
    expect(mutatePod({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' } } as KubeObject, lookupFromObjects([])).errors[0])
      .toContain('spec.containers is missing');
  });
});
