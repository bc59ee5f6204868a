import { applyPatch, Operation } from 'fast-json-patch';
import { e2eObjects } from '../apis/e2e-data';
import {
  collectorDefaultingWebhook, collectorValidatingWebhook, instrumentationDefaultingWebhook, instrumentationValidatingWebhook,
  targetAllocatorDefaultingWebhook, targetAllocatorValidatingWebhook,
} from '../../src/webhook';
import type { AdmissionHandler } from '../../src/webhook';

/** The files whose objects upstream's webhooks (or the CRD's CEL rules before them) reject on purpose. */
const EXPECTED_DENIALS: Record<string, RegExp> = {
  'e2e-crd-validations/sidecar/': /mode is set to sidecar, which does not support the attribute/,
};

const handlers: Record<string, [AdmissionHandler, AdmissionHandler]> = {
  OpenTelemetryCollector: [collectorDefaultingWebhook(), collectorValidatingWebhook()],
  Instrumentation: [instrumentationDefaultingWebhook(), instrumentationValidatingWebhook()],
  TargetAllocator: [targetAllocatorDefaultingWebhook(), targetAllocatorValidatingWebhook()],
};

/** What the API server does on create: the mutating webhook's patch, then the validating webhook. */
function admit(obj: any): { allowed: boolean; message?: string } {
  const [mutate, validate] = handlers[obj.kind];
  const object = { ...obj, metadata: { namespace: 'e2e', ...obj.metadata } };
  const m = mutate({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request: { uid: '1', operation: 'CREATE', object } }).response;
  if (!m.allowed) return { allowed: false, message: m.status?.message };
  const mutated = m.patch
    ? applyPatch(structuredClone(object), JSON.parse(Buffer.from(m.patch, 'base64').toString()) as Operation[], true, false).newDocument
    : object;
  const v = validate({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request: { uid: '1', operation: 'CREATE', object: mutated } }).response;
  return { allowed: v.allowed, message: v.status?.message };
}

const objects = e2eObjects();

test.each(objects.map((o) => [`${o.file}#${o.index}`, o.file, o.obj]))('%s: admitted as upstream admits it', (_name, file, obj) => {
  const result = admit(obj);
  const expected = Object.entries(EXPECTED_DENIALS).find(([prefix]) => (file as string).startsWith(prefix));
  if (expected) {
    expect(result.allowed).toBe(false);
    expect(result.message).toMatch(expected[1]);
  } else {
    expect(result).toEqual({ allowed: true, message: undefined });
  }
});
