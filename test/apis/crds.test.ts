import { allCrds, instrumentationCrd, openTelemetryCollectorCrd, targetAllocatorCrd } from '../../src/apis';
import type { JSONSchemaProps } from '../../src/apis/schema-dsl';

/** The API server's structural-schema rules that our DSL must never break. */
function structuralViolations(s: JSONSchemaProps, path: string): string[] {
  const out: string[] = [];
  const intOrString = s['x-kubernetes-int-or-string'] === true;
  if (!s.type && !intOrString && !s['x-kubernetes-preserve-unknown-fields']) out.push(`${path}: no type`);
  if (s.properties && s.additionalProperties) out.push(`${path}: properties and additionalProperties`);
  if (s.anyOf && !intOrString) out.push(`${path}: anyOf outside int-or-string`);
  if (s.type === 'array' && !s.items) out.push(`${path}: array without items`);
  if (s['x-kubernetes-list-map-keys'] && s['x-kubernetes-list-type'] !== 'map') out.push(`${path}: list-map-keys without list-type map`);
  for (const [k, v] of Object.entries(s.properties ?? {})) out.push(...structuralViolations(v, `${path}.${k}`));
  if (s.items) out.push(...structuralViolations(s.items, `${path}[]`));
  if (s.additionalProperties) out.push(...structuralViolations(s.additionalProperties, `${path}{}`));
  return out;
}

const versions = (crd: any): any[] => crd.spec.versions;

describe('CRDs', () => {
  test('three CRDs in group opentelemetry.io, namespaced', () => {
    const crds = allCrds();
    expect(crds.map(c => c.metadata.name)).toEqual([
      'opentelemetrycollectors.opentelemetry.io', 'instrumentations.opentelemetry.io', 'targetallocators.opentelemetry.io',
    ]);
    for (const c of crds) {
      expect(c.apiVersion).toBe('apiextensions.k8s.io/v1');
      expect((c.spec as any).scope).toBe('Namespaced');
      expect((c.spec as any).group).toBe('opentelemetry.io');
    }
  });

  test.each(allCrds().flatMap(c => versions(c).map((v: any) => [`${c.metadata.name}/${v.name}`, v.schema.openAPIV3Schema])))(
    '%s is a structural schema', (_name, schema) => {
      expect(structuralViolations(schema, '')).toEqual([]);
    });

  test('collector: v1beta1 is the storage version, v1alpha1 is served and deprecated', () => {
    const crd = openTelemetryCollectorCrd();
    const [alpha, beta] = versions(crd);
    expect([alpha.name, alpha.served, alpha.storage, alpha.deprecated]).toEqual(['v1alpha1', true, false, true]);
    expect(alpha.deprecationWarning).toBe('OpenTelemetryCollector v1alpha1 is deprecated. Migrate to v1beta1.');
    expect([beta.name, beta.served, beta.storage]).toEqual(['v1beta1', true, true]);
    expect((crd.spec as any).names.shortNames).toEqual(['otelcol', 'otelcols']);
  });

  test('collector: status and scale subresources and upstream printer columns', () => {
    for (const v of versions(openTelemetryCollectorCrd())) {
      expect(v.subresources).toEqual({
        status: {},
        scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.scale.replicas', labelSelectorPath: '.status.scale.selector' },
      });
      expect(v.additionalPrinterColumns.map((c: any) => `${c.name}=${c.jsonPath}`)).toEqual([
        'Mode=.spec.mode', 'Version=.status.version', 'Ready=.status.scale.statusReplicas', 'Age=.metadata.creationTimestamp',
        'Image=.status.image', 'Management=.spec.managementState',
      ]);
    }
  });

  test('collector: v1beta1 config is an object with required sections; v1alpha1 config a string', () => {
    const [alpha, beta] = versions(openTelemetryCollectorCrd());
    const config = beta.schema.openAPIV3Schema.properties.spec.properties.config;
    expect(config.type).toBe('object');
    expect(config.required).toEqual(['receivers', 'exporters', 'service']);
    expect(config['x-kubernetes-preserve-unknown-fields']).toBe(true);
    expect(Object.keys(config.properties)).toEqual(['receivers', 'exporters', 'processors', 'connectors', 'extensions', 'service']);
    expect(config.properties.receivers['x-kubernetes-preserve-unknown-fields']).toBe(true);
    expect(beta.schema.openAPIV3Schema.properties.spec.required).toEqual(['config']);
    expect(alpha.schema.openAPIV3Schema.properties.spec.properties.config).toMatchObject({ type: 'string' });
    // upstream's v1alpha1 Config is +required: the API server answers spec.config: Required value (issue 14 #9)
    expect(alpha.schema.openAPIV3Schema.properties.spec.required).toEqual(['config']);
  });

  test('collector: the sidecar CEL rules carry upstream\'s messages', () => {
    const beta = versions(openTelemetryCollectorCrd())[1];
    const rules = beta.schema.openAPIV3Schema.properties.spec['x-kubernetes-validations'];
    expect(rules.map((r: any) => r.message)).toEqual(['tolerations', 'priorityClassName', 'affinity', 'additionalContainers']
      .map(a => `the OpenTelemetry Collector mode is set to sidecar, which does not support the attribute '${a}'`));
    expect(rules[0].rule).toBe('!(self.mode == \'sidecar\' && size(self.tolerations) > 0) || !has(self.tolerations)');
  });

  test('collector: defaults in the schema are upstream\'s', () => {
    const spec = versions(openTelemetryCollectorCrd())[1].schema.openAPIV3Schema.properties.spec.properties;
    expect(spec.managementState.default).toBe('managed');
    expect(spec.configVersions).toMatchObject({ default: 3, minimum: 1 });
    expect(spec.replicas.default).toBe(1);
    expect(spec.ipFamilyPolicy.default).toBe('SingleStack');
    expect(spec.targetAllocator.properties.allocationStrategy).toMatchObject({ default: 'consistent-hashing', enum: ['least-weighted', 'consistent-hashing', 'per-node'] });
    expect(spec.targetAllocator.properties.filterStrategy.default).toBe('relabel-config');
    expect(spec.mode.enum).toEqual(['daemonset', 'deployment', 'sidecar', 'statefulset']);
    expect(spec.podDisruptionBudget.properties.maxUnavailable['x-kubernetes-int-or-string']).toBe(true);
  });

  test('collector: conversion webhook defaults to upstream\'s service and can be switched off', () => {
    expect((openTelemetryCollectorCrd().spec as any).conversion).toEqual({
      strategy: 'Webhook',
      webhook: {
        conversionReviewVersions: ['v1alpha1', 'v1beta1'],
        clientConfig: { service: { name: 'opentelemetry-operator-webhook-service', namespace: 'opentelemetry-operator-system', path: '/convert', port: 443 } },
      },
    });
    expect((openTelemetryCollectorCrd({ conversionWebhook: false }).spec as any).conversion).toEqual({ strategy: 'None' });
    const custom = openTelemetryCollectorCrd({ conversionWebhook: { serviceNamespace: 'otel', caBundle: 'Q0E=' }, annotations: { a: 'b' } });
    expect((custom.spec as any).conversion.webhook.clientConfig).toMatchObject({ caBundle: 'Q0E=', service: { namespace: 'otel' } });
    expect(custom.metadata.annotations).toEqual({ a: 'b' });
  });

  test('instrumentation: short names, columns and enums', () => {
    const crd = instrumentationCrd();
    expect((crd.spec as any).names.shortNames).toEqual(['otelinst', 'otelinsts']);
    const [v] = versions(crd);
    expect(v.additionalPrinterColumns.map((c: any) => c.name)).toEqual(['Age', 'Endpoint', 'Sampler', 'Sampler Arg']);
    const spec = v.schema.openAPIV3Schema.properties.spec.properties;
    expect(spec.sampler.properties.type.enum).not.toContain('parentbased_jaeger_remote');
    expect(spec.propagators.items.enum).toEqual(['tracecontext', 'baggage', 'b3', 'b3multi', 'jaeger', 'xray', 'ottrace', 'none']);
    expect(Object.keys(spec.java.properties)).toContain('resources');
    expect(Object.keys(spec.nodejs.properties)).toContain('resourceRequirements');
    expect(spec.nginx.properties.configFile).toMatchObject({ pattern: '^[A-Za-z0-9._/-]*$', maxLength: 256 });
  });

  test('target allocator: columns and status subresource', () => {
    const [v] = versions(targetAllocatorCrd());
    expect(v.additionalPrinterColumns.map((c: any) => c.name)).toEqual(['Age', 'Image', 'Management']);
    expect(v.subresources).toEqual({ status: {} });
  });
});
