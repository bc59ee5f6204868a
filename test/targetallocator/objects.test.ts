import { parse } from 'yaml';
import { defaultTargetAllocator } from '../../src/apis';
import { collectorModelFromCustomResource, configHash, renderCollector } from '../../src/collector';
import { InvalidInputError } from '../../src/common/errors';
import {
  buildTargetAllocatorCr, buildTargetAllocatorObjects, buildTargetAllocatorObjectsFromCr,
  findTargetAllocatorCollector, isGeneratedByCollectorIn, rewriteCollectorConfigForTargetAllocator, TA_CONFIG_HASH_ANNOTATION,
  targetAllocatorConfigHash, taOwnerReference,
} from '../../src/targetallocator';
import { find, NS, storedCollector } from './helpers';
import { configMapName } from '../../src/common/naming';

function collector(overrides: { name?: string; spec?: any; labels?: any; annotations?: any } = {}): any {
  return storedCollector({
    apiVersion: 'opentelemetry.io/v1beta1',
    kind: 'OpenTelemetryCollector',
    metadata: { name: overrides.name ?? 'col', namespace: NS, labels: overrides.labels, annotations: overrides.annotations },
    spec: {
      mode: 'statefulset',
      targetAllocator: { enabled: true },
      config: {
        receivers: {
          prometheus: {
            config: {
              global: { scrape_interval: '15s' },
              scrape_configs: [{
                job_name: 'app',
                relabel_configs: [{ action: 'replace', replacement: '$$1-x', target_label: 't' }],
                metric_relabel_configs: [{ action: 'labelmap', regex: 'l_(.+)', replacement: '$$1' }],
                static_configs: [{ targets: ['app:8080'] }],
              }],
            },
          },
          'prometheus/other': { config: { scrape_configs: [{ job_name: 'ignored' }] } },
        },
        exporters: { debug: {} },
        service: { pipelines: { metrics: { receivers: ['prometheus', 'prometheus/other'], exporters: ['debug'] } } },
      },
      ...overrides.spec,
    },
  });
}

function standalone(spec: any, name = 'ta', extra: any = {}): any {
  return defaultTargetAllocator({ apiVersion: 'opentelemetry.io/v1alpha1', kind: 'TargetAllocator', metadata: { name, namespace: NS, ...extra }, spec });
}

const taYaml = (objects: any[], name = 'col-targetallocator') => find(objects, 'ConfigMap', name).data['targetallocator.yaml'] as string;

describe('collector with an embedded target allocator', () => {
  test('the TargetAllocator CR the operator creates: owned by the collector, its metadata and embedded settings', () => {
    const c = collector({
      labels: { team: 'a' }, annotations: { note: 'x' },
      spec: { podAnnotations: { p: '1' }, targetAllocator: { enabled: true, replicas: 2, image: 'ta:1.2', allocationStrategy: 'least-weighted' } },
    });
    const cr = buildTargetAllocatorCr(c)!;
    expect(cr.metadata).toEqual({
      name: 'col', namespace: NS, labels: { team: 'a', 'app.kubernetes.io/managed-by': 'opentelemetry-operator' }, annotations: { note: 'x' },
      ownerReferences: [{ apiVersion: 'opentelemetry.io/v1beta1', kind: 'OpenTelemetryCollector', name: 'col', controller: true, blockOwnerDeletion: true }],
    });
    expect(cr.spec).toMatchObject({ replicas: 2, image: 'ta:1.2', podAnnotations: { p: '1' }, allocationStrategy: 'least-weighted', filterStrategy: 'relabel-config' });
    // least-weighted gets no default budget (only consistent-hashing does)
    expect(cr.spec.podDisruptionBudget).toBeUndefined();
    expect(isGeneratedByCollectorIn(cr, [c])).toBe(true);
    expect(isGeneratedByCollectorIn(cr, [])).toBe(false);
  });

  test('the CR is sent without the webhook budget; the objects follow the stored CR, so consistent-hashing gets a PDB', () => {
    const c = collector();
    expect(buildTargetAllocatorCr(c)!.spec.podDisruptionBudget).toBeUndefined();
    const objects = buildTargetAllocatorObjects(c);
    expect(find(objects, 'PodDisruptionBudget', 'col-targetallocator').spec.maxUnavailable).toBe(1);
    expect(find(objects, 'TargetAllocator', 'col').spec.podDisruptionBudget).toBeUndefined();
  });

  test.each([
    ['deployment mode', { mode: 'deployment' }],
    ['sidecar mode', { mode: 'sidecar' }],
    ['disabled', { targetAllocator: { enabled: false } }],
  ])('no allocator objects when %s', (_why, spec) => {
    expect(buildTargetAllocatorObjects(collector({ spec }))).toEqual([]);
  });

  test('the collector must have a receiver named prometheus, and something to allocate', () => {
    const noReceiver = collector();
    noReceiver.spec.config.receivers = { otlp: { protocols: { grpc: {} } } };
    expect(() => buildTargetAllocatorObjects(noReceiver)).toThrow(new InvalidInputError(`OpenTelemetryCollector ${NS}/col`, 'spec.config.receivers.prometheus',
      'the OpenTelemetry Spec Prometheus configuration is incorrect, no prometheus available as part of the configuration',
      'add a receiver named exactly "prometheus" (the target allocator serves its scrape configs), or disable spec.targetAllocator'));
    const empty = collector();
    empty.spec.config.receivers.prometheus = { config: { scrape_configs: [] } };
    expect(() => buildTargetAllocatorObjects(empty)).toThrow(/scrape_configs: .*either at least one scrape config needs to be defined or PrometheusCR needs to be enabled/);
    empty.spec.targetAllocator.prometheusCR.enabled = true;
    expect(buildTargetAllocatorObjects(empty).length).toBeGreaterThan(0);
  });

  test('config: collector selector, receiver `prometheus` only, $$ unescaped in relabel replacements, collector global', () => {
    const doc = parse(taYaml(buildTargetAllocatorObjects(collector())));
    expect(doc.collector_selector).toEqual({
      matchlabels: {
        'app.kubernetes.io/component': 'opentelemetry-collector', 'app.kubernetes.io/instance': `${NS}.col`,
        'app.kubernetes.io/managed-by': 'opentelemetry-operator', 'app.kubernetes.io/part-of': 'opentelemetry',
      },
      matchexpressions: [],
    });
    expect(doc.config.global).toEqual({ scrape_interval: '15s' });
    expect(doc.config.scrape_configs.map((j: any) => j.job_name)).toEqual(['app']);
    expect(doc.config.scrape_configs[0].relabel_configs[0].replacement).toBe('$1-x');
    expect(doc.config.scrape_configs[0].metric_relabel_configs[0].replacement).toBe('$1');
    expect(doc.filter_strategy).toBe('relabel-config');
    expect(doc.prometheus_cr).toBeUndefined();
  });

  test('prometheusCR settings are written with upstream keys and normalised durations', () => {
    const objects = buildTargetAllocatorObjects(collector({
      spec: {
        targetAllocator: {
          enabled: true,
          allowInsecureAuthSecrets: true,
          prometheusCR: {
            enabled: true, scrapeInterval: '1m', allowNamespaces: ['a'], secretNamespaces: ['s'], denyFSAccessThroughSMs: true,
            scrapeProtocols: ['PrometheusProto'], serviceMonitorSelector: { matchLabels: { k: 'v' }, matchExpressions: [{ key: 'x', operator: 'Exists' }] },
          },
        },
      },
    }));
    const text = taYaml(objects);
    expect(text).toContain([
      'prometheus_cr:',
      '  allow_namespaces:',
      '  - a',
      '  deny_fs_access_through_sms: true',
      '  enabled: true',
      '  evaluation_interval: 30s',
    ].join('\n'));
    expect(text).toContain('  scrape_interval: 1m0s\n');
    expect(text).toContain([
      '  service_monitor_selector:',
      '    matchlabels:',
      '      k: v',
      '    matchexpressions:',
      '    - key: x',
      '      operator: Exists',
      '      values: []',
    ].join('\n'));
    expect(text).toContain('allow_insecure_auth_secrets: true\n');
    const doc = parse(text);
    expect(doc.prometheus_cr.secret_namespaces).toEqual(['s']);
    expect(doc.prometheus_cr.scrape_protocols).toEqual(['PrometheusProto']);
    expect(doc.prometheus_cr.pod_monitor_selector).toBeNull();
  });

  test('the pod annotation is the SHA-256 of targetallocator.yaml, so a config change rolls the allocator', () => {
    const a = buildTargetAllocatorObjects(collector());
    const hash = find(a, 'Deployment', 'col-targetallocator').spec.template.metadata.annotations[TA_CONFIG_HASH_ANNOTATION];
    expect(hash).toBe(targetAllocatorConfigHash(taYaml(a)));
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    const b = buildTargetAllocatorObjects(collector({ spec: { targetAllocator: { enabled: true, filterStrategy: 'relabel-config', collectorNotReadyGracePeriod: '1m' } } }));
    expect(find(b, 'Deployment', 'col-targetallocator').spec.template.metadata.annotations[TA_CONFIG_HASH_ANNOTATION]).not.toBe(hash);
  });

  test('the collector ConfigMap name hashes spec.config before the rewrite; collector.yaml is rewritten', () => {
    const c = collector();
    const rewritten: any = rewriteCollectorConfigForTargetAllocator(c.spec.config, c);
    expect(rewritten.receivers.prometheus.config).toEqual({ global: { scrape_interval: '15s' } });
    expect(rewritten.receivers.prometheus.target_allocator).toEqual({ endpoint: 'http://col-targetallocator:80', interval: '30s', collector_id: '${POD_NAME}' });
    expect(c.spec.config.receivers.prometheus.config.scrape_configs).toHaveLength(1); // input untouched
    const cm = renderCollector(collectorModelFromCustomResource(c)).find((o) => o.kind === 'ConfigMap')!;
    expect(cm.metadata.name).toBe(configMapName('col', configHash(c.spec.config)));
    expect(cm.metadata.name).not.toBe(configMapName('col', configHash(rewritten)));
    expect(cm.data['collector.yaml']).toContain('target_allocator:');
    expect(cm.data['collector.yaml']).not.toContain('job_name: app');
    // without an allocator the config is returned as is
    const plain = collector({ spec: { mode: 'deployment', targetAllocator: { enabled: false } } });
    expect(rewriteCollectorConfigForTargetAllocator(plain.spec.config, plain)).toBe(plain.spec.config);
  });

  test('ServiceMonitor only with enableMetrics and the Prometheus CRDs; extra labels on it', () => {
    const metrics = { targetAllocator: { enabled: true, observability: { metrics: { enableMetrics: true, extraLabels: { team: 'x' } } } } };
    const sm = find(buildTargetAllocatorObjects(collector({ spec: metrics })), 'ServiceMonitor', 'col-targetallocator');
    expect(sm.metadata.labels.team).toBe('x');
    expect(sm.spec).toEqual({
      endpoints: [{ port: 'targetallocation' }],
      namespaceSelector: { matchNames: [NS] },
      selector: { matchLabels: expect.objectContaining({ 'app.kubernetes.io/component': 'opentelemetry-targetallocator', 'app.kubernetes.io/name': 'col-targetallocator' }) },
    });
    const without = buildTargetAllocatorObjects(collector({ spec: metrics }), { prometheusCrdsAvailable: false });
    expect(without.filter((o) => o.kind === 'ServiceMonitor')).toEqual([]);
  });

  test('NetworkPolicy: ingress to the allocator ports; egress to the API server when known, not with self-telemetry', () => {
    const np = find(buildTargetAllocatorObjects(collector(), { kubeApiServer: { port: 6443, ips: ['10.0.0.1'] } }), 'NetworkPolicy', 'col-targetallocator-networkpolicy');
    expect(np.spec.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(np.spec.ingress).toEqual([{ ports: [{ protocol: 'TCP', port: 8080 }] }]);
    expect(np.spec.egress).toEqual([{ ports: [{ protocol: 'TCP', port: 6443 }], to: [{ ipBlock: { cidr: '10.0.0.1/32' } }] }]);
    const telemetry = { metrics: { readers: [{ periodic: { interval: '10s', exporter: { otlpHttp: { endpoint: 'http://x:4318' } } } }] } };
    const open = find(buildTargetAllocatorObjects(collector({ spec: { targetAllocator: { enabled: true, telemetry } } }), { kubeApiServer: { port: 6443 } }),
      'NetworkPolicy', 'col-targetallocator-networkpolicy');
    expect(open.spec.policyTypes).toEqual(['Ingress']);
    // the API server address unknown: its default port, any address
    const unknown = find(buildTargetAllocatorObjects(collector()), 'NetworkPolicy', 'col-targetallocator-networkpolicy');
    expect(unknown.spec.egress).toEqual([{ ports: [{ protocol: 'TCP', port: 6443 }] }]);
    const off = buildTargetAllocatorObjects(collector({ spec: { networkPolicy: { enabled: false } } }));
    expect(off.filter((o) => o.kind === 'NetworkPolicy')).toEqual([]);
  });

  test('self-telemetry readers are written in the allocator binary field order, intervals in milliseconds', () => {
    const telemetry = { metrics: { readers: [{ periodic: { interval: '10s', timeout: '5s', exporter: { otlpGrpc: { endpoint: 'c:4317', tls: { insecure: true }, headers: [{ name: 'a', value: 'b' }] } } } }] } };
    const text = taYaml(buildTargetAllocatorObjects(collector({ spec: { targetAllocator: { enabled: true, telemetry } } })));
    expect(text).toContain([
      'telemetry:',
      '  metrics:',
      '    readers:',
      '    - periodic:',
      '        interval: 10000',
      '        timeout: 5000',
      '        exporter:',
      '          otlp_grpc:',
      '            endpoint: c:4317',
      '            headers:',
      '            - name: a',
      '              value: b',
      '            tls:',
      '              insecure: true',
    ].join('\n'));
  });
});

describe('standalone TargetAllocator', () => {
  test('pod fields, args, ports, probes and the user\'s containers', () => {
    const objects = buildTargetAllocatorObjectsFromCr(standalone({
      args: { 'log-level': 'debug', a: 'b' }, ports: [{ name: 'extra', port: 9000 }], imagePullPolicy: 'Always',
      additionalContainers: [{ name: 'side', image: 'busybox' }], initContainers: [{ name: 'init', image: 'busybox' }],
      readinessProbe: { initialDelaySeconds: 3 }, hostNetwork: true, priorityClassName: 'high', replicas: 3,
      env: [{ name: 'OTELCOL_NAMESPACE', value: 'other' }], scrapeConfigs: [{ job_name: 'j' }],
    }), [], { targetAllocatorImage: 'my/ta:9' });
    const d = find(objects, 'Deployment', 'ta-targetallocator');
    const pod = d.spec.template.spec;
    expect(d.spec.replicas).toBe(3);
    expect(pod.containers.map((c: any) => c.name)).toEqual(['side', 'ta-container']);
    expect(pod.initContainers).toEqual([{ name: 'init', image: 'busybox' }]);
    expect(pod.dnsPolicy).toBe('ClusterFirstWithHostNet');
    expect(pod.priorityClassName).toBe('high');
    const c = pod.containers[1];
    expect(c.image).toBe('my/ta:9');
    expect(c.imagePullPolicy).toBe('Always');
    expect(c.args).toEqual(['--a=b', '--log-level=debug']);
    expect(c.ports).toEqual([{ containerPort: 8080, name: 'http', protocol: 'TCP' }, { containerPort: 9000, name: 'extra', protocol: 'TCP' }]);
    expect(c.readinessProbe).toEqual({ httpGet: { path: '/readyz', port: 8080 }, initialDelaySeconds: 3 });
    // a user OTELCOL_NAMESPACE wins; Go runtime limits are always added
    expect(c.env.map((e: any) => e.name)).toEqual(['OTELCOL_NAMESPACE', 'GOMEMLIMIT', 'GOMAXPROCS']);
    expect(c.env[0].value).toBe('other');
    // spec.image empty: the version label says latest, as upstream (it reads spec.image only)
    expect(d.metadata.labels['app.kubernetes.io/version']).toBe('latest');
  });

  test('PDB: configured budgets are kept; a budget with least-weighted is refused with the field and the fix', () => {
    const pdb = find(buildTargetAllocatorObjectsFromCr(standalone({ podDisruptionBudget: { minAvailable: '50%' } })), 'PodDisruptionBudget', 'ta-targetallocator');
    expect(pdb.spec.minAvailable).toBe('50%');
    expect(pdb.spec.maxUnavailable).toBeUndefined();
    expect(buildTargetAllocatorObjectsFromCr(standalone({ allocationStrategy: 'least-weighted' })).some((o) => o.kind === 'PodDisruptionBudget')).toBe(false);
    expect(() => buildTargetAllocatorObjectsFromCr(standalone({ allocationStrategy: 'least-weighted', podDisruptionBudget: { maxUnavailable: 1 } })))
      .toThrow(new InvalidInputError(`TargetAllocator ${NS}/ta`, 'spec.podDisruptionBudget',
        'target allocator pdb has been configured but the allocation strategy least-weighted isn\'t compatible',
        'remove podDisruptionBudget or use allocationStrategy consistent-hashing or per-node'));
  });

  test('the CR global config wins over the collector\'s; CR scrape configs come first', () => {
    const c = collector({ name: 'linked', labels: { 'opentelemetry.io/target-allocator': 'ta' }, spec: { targetAllocator: { enabled: false } } });
    const objects = buildTargetAllocatorObjectsFromCr(standalone({ global: { scrape_interval: '5s' }, scrapeConfigs: [{ job_name: 'own' }] }), [c]);
    const doc = parse(taYaml(objects, 'ta-targetallocator'));
    expect(doc.config.global).toEqual({ scrape_interval: '5s' });
    expect(doc.config.scrape_configs.map((j: any) => j.job_name)).toEqual(['own', 'app']);
    expect(doc.collector_selector.matchlabels['app.kubernetes.io/instance']).toBe(`${NS}.linked`);
  });

  test('two collectors labelled with the same allocator are an error naming both', () => {
    const label = { 'opentelemetry.io/target-allocator': 'ta' };
    const cols = [collector({ name: 'a', labels: label }), collector({ name: 'b', labels: label })];
    expect(() => findTargetAllocatorCollector(standalone({}), cols)).toThrow(/multiple OpenTelemetry collectors annotated with the same Target Allocator: chainsaw-test\/ta \(a, b\)/);
    // a collector in another namespace does not count
    expect(findTargetAllocatorCollector(standalone({}), [cols[0], { ...cols[1], metadata: { ...cols[1].metadata, namespace: 'other' } }])?.metadata.name).toBe('a');
  });

  test('invalid names are refused with the field path', () => {
    expect(() => buildTargetAllocatorObjectsFromCr({ kind: 'TargetAllocator', metadata: { name: 'Bad_Name', namespace: NS }, spec: {} }))
      .toThrow(/TargetAllocator chainsaw-test\/Bad_Name: metadata.name: "Bad_Name" is not a valid Kubernetes object name/);
    expect(() => buildTargetAllocatorObjectsFromCr({ kind: 'Deployment', metadata: { name: 'x' } })).toThrow(/kind: expected kind TargetAllocator/);
  });
});

describe('mTLS', () => {
  test('with cert-manager: issuers and certificates, https port 8443/443, server certificate at /tls, https config', () => {
    const objects = buildTargetAllocatorObjectsFromCr(standalone({ mtls: { enabled: true }, scrapeConfigs: [{ job_name: 'j' }] }, 'm'));
    expect(objects.filter((o) => o.apiVersion === 'cert-manager.io/v1').map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'Issuer/m-self-signed-issuer', 'Certificate/m-ca-cert', 'Issuer/m-ca-issuer', 'Certificate/m-ta-server-cert', 'Certificate/m-ta-client-cert',
    ]);
    const server = find(objects, 'Certificate', 'm-ta-server-cert');
    expect(server.spec.dnsNames).toEqual(['m-targetallocator', `m-targetallocator.${NS}.svc`, `m-targetallocator.${NS}.svc.cluster.local`]);
    expect(server.spec.issuerRef).toEqual({ kind: 'Issuer', name: 'm-ca-issuer' });
    expect(find(objects, 'Service', 'm-targetallocator').spec.ports.map((p: any) => `${p.port}->${p.targetPort}`)).toEqual(['80->http', '443->https']);
    const pod = find(objects, 'Deployment', 'm-targetallocator').spec.template.spec;
    expect(pod.containers[0].ports.map((p: any) => p.containerPort)).toEqual([8080, 8443]);
    expect(pod.containers[0].volumeMounts).toContainEqual({ name: 'm-ta-server-cert', mountPath: '/tls' });
    expect(pod.volumes).toContainEqual({ name: 'm-ta-server-cert', secret: { secretName: 'm-ta-server-cert' } });
    expect(parse(taYaml(objects, 'm-targetallocator')).https).toEqual({
      enabled: true, listen_addr: ':8443', ca_file_path: '/tls/ca.crt', tls_cert_file_path: '/tls/tls.crt', tls_key_file_path: '/tls/tls.key',
    });
  });

  test('user-provided certificates: one volume per source, files projected with subPath, no cert-manager objects', () => {
    const mtls = {
      enabled: true, useCertManager: false,
      tls: {
        certificateAuthorityCertificate: { configMap: { name: 'ca' } },
        serverCertificate: { certificateSecret: { name: 'srv' }, keySecret: { name: 'srv', key: 'private.key' } },
        clientCertificate: { certificateSecret: { name: 'cli' }, keySecret: { name: 'cli' } },
      },
    };
    const objects = buildTargetAllocatorObjectsFromCr(standalone({ mtls }, 'u'), [], { certManagerAvailable: false });
    expect(objects.some((o) => o.apiVersion === 'cert-manager.io/v1')).toBe(false);
    const pod = find(objects, 'Deployment', 'u-targetallocator').spec.template.spec;
    expect(pod.volumes.slice(1)).toEqual([
      { name: 'u-ta-server-cert-0', configMap: { name: 'ca' } },
      { name: 'u-ta-server-cert-1', secret: { secretName: 'srv' } },
    ]);
    expect(pod.containers[0].volumeMounts.slice(1)).toEqual([
      { name: 'u-ta-server-cert-0', mountPath: '/tls/ca.crt', subPath: 'ca.crt', readOnly: true },
      { name: 'u-ta-server-cert-1', mountPath: '/tls/tls.crt', subPath: 'tls.crt', readOnly: true },
      { name: 'u-ta-server-cert-1', mountPath: '/tls/tls.key', subPath: 'private.key', readOnly: true },
    ]);
  });

  test.each([
    [{ enabled: true }, { certManagerAvailable: false }, /spec.mtls.useCertManager: mTLS is enabled with useCertManager but cert-manager is not available/],
    [{ enabled: true, useCertManager: false, tls: {} }, {}, /spec.mtls.tls: .*tls.serverCertificate and tls.clientCertificate must both be set/],
    [{ enabled: true, useCertManager: false, tls: { serverCertificate: { certificateSecret: { name: 's' }, keySecret: { name: 's' } }, clientCertificate: { certificateSecret: { name: 'c' }, keySecret: { name: 'c' } } } },
      {}, /certificateAuthorityCertificate: .*must be set/],
  ])('invalid mTLS %j is refused', (mtls, options, message) => {
    expect(() => buildTargetAllocatorObjectsFromCr(standalone({ mtls }), [], options)).toThrow(message);
  });
});

test('every object is controlled by its TargetAllocator (uid when the CR has one); the generated CR by its collector', () => {
  const objects = buildTargetAllocatorObjects(collector());
  const [cr, ...rest] = objects;
  expect(cr.kind).toBe('TargetAllocator');
  expect(cr.metadata.ownerReferences).toEqual([{ apiVersion: 'opentelemetry.io/v1beta1', kind: 'OpenTelemetryCollector', name: 'col', controller: true, blockOwnerDeletion: true }]);
  for (const o of rest) expect(o.metadata.ownerReferences).toEqual([taOwnerReference('col')]);
  const live = buildTargetAllocatorObjectsFromCr({ ...standalone({}), metadata: { name: 'ta', namespace: NS, uid: 'u-1' } });
  expect(live[0].metadata.ownerReferences).toEqual([{ apiVersion: 'opentelemetry.io/v1alpha1', kind: 'TargetAllocator', name: 'ta', uid: 'u-1', controller: true, blockOwnerDeletion: true }]);
});
