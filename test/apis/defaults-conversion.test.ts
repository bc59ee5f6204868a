import * as fs from 'fs';
import * as path from 'path';
import {
  collectorConfigToYaml, convertCollectorV1alpha1ToV1beta1, convertCollectorV1beta1ToV1alpha1, defaultCollector,
  defaultInstrumentation, defaultTargetAllocator, parseCustomResources, schemaProblems,
  DEFAULT_JAVA_IMAGE, DEFAULT_GO_IMAGE, DEFAULT_APACHE_HTTPD_IMAGE,
} from '../../src/apis';
import type { OpenTelemetryCollector, OpenTelemetryCollectorV1alpha1 } from '../../src/apis';
import { E2E_ROOT, e2eObjects } from './e2e-data';

const base = (spec: object = {}): OpenTelemetryCollector => ({
  apiVersion: 'opentelemetry.io/v1beta1', kind: 'OpenTelemetryCollector', metadata: { name: 'c', namespace: 'ns' },
  spec: { config: { receivers: { otlp: {} }, exporters: { debug: {} }, service: { pipelines: { traces: { receivers: ['otlp'], exporters: ['debug'] } } } }, ...spec },
});

describe('defaultCollector', () => {
  test('upstream defaults on an empty spec', () => {
    const out = defaultCollector(base());
    expect(out.spec).toMatchObject({
      mode: 'deployment', upgradeStrategy: 'automatic', managementState: 'managed', replicas: 1, configVersions: 3,
      ipFamilyPolicy: 'SingleStack', podManagementPolicy: 'Parallel', networkPolicy: { enabled: true },
      targetAllocator: {
        allocationStrategy: 'consistent-hashing', filterStrategy: 'relabel-config',
        collectorNotReadyGracePeriod: '30s', collectorTargetReloadInterval: '30s',
        prometheusCR: { scrapeInterval: '30s', evaluationInterval: '30s', serviceMonitorNamespaceSelector: {}, podMonitorNamespaceSelector: {} },
      },
    });
    expect(out.spec.targetAllocator?.replicas).toBeUndefined();
    expect(schemaProblems(out as any)).toEqual([]);
  });

  test('does not touch the input and keeps what the user set', () => {
    const input = base({ mode: 'statefulset', replicas: 3, configVersions: 1, targetAllocator: { enabled: true, allocationStrategy: 'least-weighted' } });
    const copy = structuredClone(input);
    const out = defaultCollector(input);
    expect(input).toEqual(copy);
    expect(out.spec).toMatchObject({ mode: 'statefulset', replicas: 3, configVersions: 1, targetAllocator: { enabled: true, replicas: 1, allocationStrategy: 'least-weighted' } });
  });

  test('autoscaler: minReplicas from replicas and CPU 90 only when maxReplicas is set', () => {
    expect(defaultCollector(base({ replicas: 2, autoscaler: { maxReplicas: 5 } })).spec.autoscaler)
      .toEqual({ minReplicas: 2, maxReplicas: 5, targetCPUUtilization: 90 });
    expect(defaultCollector(base({ autoscaler: { maxReplicas: 5, targetMemoryUtilization: 70 } })).spec.autoscaler)
      .toEqual({ minReplicas: 1, maxReplicas: 5, targetMemoryUtilization: 70 });
    expect(defaultCollector(base({ autoscaler: { minReplicas: 2 } })).spec.autoscaler).toEqual({ minReplicas: 2 });
  });

  test('ingress: route termination edge, ruleType path for ingress', () => {
    expect(defaultCollector(base({ ingress: { type: 'route' } })).spec.ingress).toEqual({ type: 'route', route: { termination: 'edge' } });
    expect(defaultCollector(base({ ingress: { type: 'ingress' } })).spec.ingress).toEqual({ type: 'ingress', ruleType: 'path' });
  });

  test('options: network policy gate off, config defaulter hook', () => {
    const out = defaultCollector(base({}), {
      networkPolicyGate: false,
      applyConfigDefaults: cfg => ({ ...cfg, receivers: { otlp: { protocols: { grpc: { endpoint: '0.0.0.0:4317' } } } } }),
    });
    expect(out.spec.networkPolicy).toBeUndefined();
    expect(out.spec.config.receivers).toEqual({ otlp: { protocols: { grpc: { endpoint: '0.0.0.0:4317' } } } });
  });

  test('every upstream e2e v1beta1 collector still validates after defaulting', () => {
    // (a few update steps carry `spec: null`, which the API server drops; nothing to default there)
    const collectors = e2eObjects().filter(o => o.obj.apiVersion === 'opentelemetry.io/v1beta1' && o.obj.spec?.config);
    expect(collectors.length).toBeGreaterThan(100);
    for (const { obj } of collectors) expect(schemaProblems(defaultCollector(obj) as any)).toEqual([]);
  });
});

describe('defaultTargetAllocator / defaultInstrumentation', () => {
  const ta = (spec: any, metadata: any = { name: 'ta' }) => defaultTargetAllocator({ apiVersion: 'opentelemetry.io/v1alpha1', kind: 'TargetAllocator', metadata, spec });

  test('target allocator: schema defaults, then the webhook (replicas 1, labels, PDB for consistent-hashing)', () => {
    const out = ta({});
    expect(out.spec).toMatchObject({
      replicas: 1, allocationStrategy: 'consistent-hashing', filterStrategy: 'relabel-config', managementState: 'managed',
      collectorNotReadyGracePeriod: '30s', podDisruptionBudget: { maxUnavailable: 1 },
    });
    expect(out.spec.prometheusCR).toMatchObject({ scrapeInterval: '30s' });
    expect(out.metadata.labels).toEqual({});
    expect(schemaProblems(out as any)).toEqual([]);
  });

  test.each([
    ['a budget of its own is kept', { podDisruptionBudget: { minAvailable: '50%' } }, { minAvailable: '50%' }],
    ['a null budget is dropped, then defaulted', { podDisruptionBudget: null }, { maxUnavailable: 1 }],
    ['least-weighted gets none', { allocationStrategy: 'least-weighted' }, undefined],
    ['per-node gets none', { allocationStrategy: 'per-node' }, undefined],
  ])('target allocator PDB default: %s', (_why, spec, pdb) => {
    expect(ta(spec).spec.podDisruptionBudget).toEqual(pdb);
  });

  test.each([['null', null], ['absent', undefined]])('target allocator with a %s spec: only the webhook defaults (no spec object to default)', (_w, spec) => {
    // e2e-targetallocator-cr/targetallocator-label: the allocator then writes filter_strategy "" and no budget exists
    const out = ta(spec, { name: 'ta', labels: { keep: 'me' } });
    expect(out.spec).toEqual({ replicas: 1 });
    expect(out.metadata.labels).toEqual({ keep: 'me' });
  });

  test('target allocator defaulting does not touch its input', () => {
    const input = { apiVersion: 'opentelemetry.io/v1alpha1', kind: 'TargetAllocator', metadata: { name: 'ta' }, spec: {} } as any;
    defaultTargetAllocator(input);
    expect(input).toEqual({ apiVersion: 'opentelemetry.io/v1alpha1', kind: 'TargetAllocator', metadata: { name: 'ta' }, spec: {} });
  });

  test('instrumentation: images, resources, webserver settings and annotations', () => {
    const out = defaultInstrumentation({
      apiVersion: 'opentelemetry.io/v1alpha1', kind: 'Instrumentation', metadata: { name: 'i' },
      spec: { exporter: { endpoint: 'http://otel:4317' }, java: { image: 'my/java:1' }, nodejs: { resourceRequirements: { limits: { cpu: '1' } } } },
    });
    expect(out.spec.java).toMatchObject({ image: 'my/java:1', resources: { limits: { cpu: '500m', memory: '256Mi' }, requests: { cpu: '50m', memory: '64Mi' } } });
    expect(out.spec.nodejs?.resourceRequirements).toEqual({ limits: { cpu: '1' }, requests: { cpu: '50m', memory: '128Mi' } });
    expect(out.spec.go?.image).toBe(DEFAULT_GO_IMAGE);
    expect(out.spec.nginx).toMatchObject({ image: DEFAULT_APACHE_HTTPD_IMAGE, configFile: '/etc/nginx/nginx.conf', resourceRequirements: { requests: { cpu: '1m', memory: '128Mi' } } });
    expect(out.spec.apacheHttpd).toMatchObject({ version: '2.4', configPath: '/usr/local/apache2/conf' });
    expect(out.spec.exporter).toEqual({ endpoint: 'http://otel:4317' });
    expect(out.metadata.annotations?.['instrumentation.opentelemetry.io/default-auto-instrumentation-java-image']).toBe(DEFAULT_JAVA_IMAGE);
    expect(out.metadata.annotations?.['instrumentation.opentelemetry.io/default-auto-instrumentation-apache-httpd-image']).toBe(DEFAULT_APACHE_HTTPD_IMAGE);
    expect(schemaProblems(out as any)).toEqual([]);
  });
});

describe('collector conversion', () => {
  const alpha = (spec: object): OpenTelemetryCollectorV1alpha1 => ({ apiVersion: 'opentelemetry.io/v1alpha1', kind: 'OpenTelemetryCollector', metadata: { name: 'a' }, spec } as any);

  test('v1alpha1 → v1beta1 renames fields and parses the config', () => {
    const out = convertCollectorV1alpha1ToV1beta1(alpha({
      mode: 'daemonset', minReplicas: 1, maxReplicas: 3, autoscaler: { targetCPUUtilization: 50 },
      updateStrategy: { type: 'OnDelete' }, observability: { metrics: { enableMetrics: true, DisablePrometheusAnnotations: true } },
      targetAllocator: { enabled: true, prometheusCR: { enabled: true, serviceMonitorSelector: { team: 'a' } } },
      config: 'receivers:\n  otlp:\n    protocols: {grpc: {}}\nexporters:\n  debug: {}\nservice:\n  pipelines:\n    traces: {receivers: [otlp], exporters: [debug]}\n',
    }));
    expect(out.apiVersion).toBe('opentelemetry.io/v1beta1');
    expect(out.spec).toEqual({
      mode: 'daemonset',
      autoscaler: { targetCPUUtilization: 50, minReplicas: 1, maxReplicas: 3 },
      daemonSetUpdateStrategy: { type: 'OnDelete' },
      observability: { metrics: { enableMetrics: true, disablePrometheusAnnotations: true } },
      targetAllocator: { enabled: true, prometheusCR: { enabled: true, podMonitorSelector: {}, serviceMonitorSelector: { matchLabels: { team: 'a' } } } },
      config: { receivers: { otlp: { protocols: { grpc: {} } } }, exporters: { debug: {} }, service: { pipelines: { traces: { receivers: ['otlp'], exporters: ['debug'] } } } },
    });
    expect(schemaProblems(out as any)).toEqual([]);
  });

  test.each(['null', '', ': : :', '- a\n- b', 'receivers: [1, 2]'])('config %j becomes the empty valid config', cfg => {
    const out = convertCollectorV1alpha1ToV1beta1(alpha({ config: cfg }));
    expect(out.spec.config).toEqual({ receivers: {}, exporters: {}, service: { pipelines: {} } });
    expect(schemaProblems(out as any)).toEqual([]);
  });

  test('upstream e2e conversion-webhook-invalid-config: the stored config reads back exactly as asserted', () => {
    const dir = path.join(E2E_ROOT, 'e2e/conversion-webhook-invalid-config');
    const [applied] = parseCustomResources(fs.readFileSync(path.join(dir, '00-create-invalid-config.yaml'), 'utf8'), 'apply');
    const [asserted] = parseCustomResources(fs.readFileSync(path.join(dir, '00-assert-created.yaml'), 'utf8'), 'assert');
    const hub = convertCollectorV1alpha1ToV1beta1(applied as any);
    // what the webhook's config defaulting adds (collector room) for this config: the Prometheus telemetry reader
    const defaulted = defaultCollector(hub, {
      applyConfigDefaults: cfg => ({ ...cfg, service: { ...cfg.service, telemetry: { metrics: { readers: [{ pull: { exporter: { prometheus: { host: '0.0.0.0', port: 8888 } } } }] } } } }),
    });
    const back = convertCollectorV1beta1ToV1alpha1(defaulted);
    expect(back.spec.config).toBe((asserted.spec as any).config);
    expect(back.spec.mode).toBe('deployment');
  });

  test('v1beta1 → v1alpha1 → v1beta1 keeps every field both versions have', () => {
    const beta = defaultCollector(base({
      mode: 'statefulset', replicas: 2, ports: [{ name: 'x', port: 1234, protocol: 'TCP' }], autoscaler: { maxReplicas: 4 },
      observability: { metrics: { enableMetrics: true, disablePrometheusAnnotations: true } },
      targetAllocator: { enabled: true, prometheusCR: { enabled: true, serviceMonitorSelector: { matchLabels: { a: 'b' } } } },
    }));
    const alphaCr = convertCollectorV1beta1ToV1alpha1(beta);
    expect(typeof alphaCr.spec.config).toBe('string');
    expect(alphaCr.spec.observability?.metrics?.DisablePrometheusAnnotations).toBe(true);
    expect(schemaProblems(alphaCr as any)).toEqual([]);
    const again = convertCollectorV1alpha1ToV1beta1(alphaCr);
    expect(again.spec.config).toEqual(beta.spec.config);
    expect(again.spec).toMatchObject({ mode: 'statefulset', replicas: 2, ports: beta.spec.ports, autoscaler: beta.spec.autoscaler, observability: beta.spec.observability });
    expect(again.spec.targetAllocator?.prometheusCR?.serviceMonitorSelector).toEqual({ matchLabels: { a: 'b' } });
    // v1beta1-only fields do not survive v1alpha1, as upstream
    expect(again.spec.ipFamilyPolicy).toBeUndefined();
  });

  test('every upstream e2e v1alpha1 collector converts to a valid v1beta1 and back to the same config', () => {
    const alphas = e2eObjects().filter(o => o.obj.apiVersion === 'opentelemetry.io/v1alpha1' && o.obj.kind === 'OpenTelemetryCollector');
    expect(alphas.length).toBeGreaterThan(0);
    for (const { obj } of alphas) {
      const beta = convertCollectorV1alpha1ToV1beta1(obj);
      expect(schemaProblems(beta as any)).toEqual([]);
      const back = convertCollectorV1beta1ToV1alpha1(beta);
      expect(convertCollectorV1alpha1ToV1beta1(back).spec.config).toEqual(beta.spec.config);
    }
  });

  test('config YAML uses upstream key order and indented sequences', () => {
    const yaml = collectorConfigToYaml({
      service: { pipelines: { traces: { receivers: ['otlp'], processors: ['batch'], exporters: ['debug'] } }, extensions: ['health_check'] },
      extensions: { health_check: {} }, processors: { batch: null }, exporters: { debug: { verbosity: 'detailed' } }, receivers: { otlp: {} },
    } as any);
    expect(yaml).toBe([
      'receivers:', '  otlp: {}', 'exporters:', '  debug:', '    verbosity: detailed', 'processors:', '  batch: null',
      'extensions:', '  health_check: {}', 'service:', '  extensions:', '    - health_check', '  pipelines:', '    traces:',
      '      exporters:', '        - debug', '      processors:', '        - batch', '      receivers:', '        - otlp', '',
    ].join('\n'));
  });
});
