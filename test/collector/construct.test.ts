import { Chart, Testing } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { InvalidInputError } from '../../src/common/errors';
import { collectorModelFromCustomResource, renderCollector } from '../../src/collector';
import { CollectorConfig, CollectorMode, IngressRuleType, IngressType, OtelCollector, OtelCollectorProps, RouteTermination } from '../../src/constructs';

const OTLP = CollectorConfig.fromObject({
  receivers: { otlp: { protocols: { grpc: {}, http: {} } } },
  exporters: { debug: {} },
  service: { pipelines: { traces: { receivers: ['otlp'], exporters: ['debug'] } } },
});

function synth(props: Partial<OtelCollectorProps> = {}, id = 'otel'): any[] {
  const chart = Testing.chart();
  new OtelCollector(chart, id, { config: OTLP, name: 'otel', namespace: 'obs', ...props });
  return Testing.synth(chart);
}
const find = (objs: any[], kind: string, name?: string) => objs.find((o) => o.kind === kind && (!name || o.metadata.name === name));
const kinds = (objs: any[]) => objs.map((o) => `${o.kind}/${o.metadata.name}`).sort();
const pod = (objs: any[]) => (find(objs, 'Deployment') ?? find(objs, 'DaemonSet') ?? find(objs, 'StatefulSet')).spec.template.spec;
const otc = (objs: any[]) => pod(objs).containers.find((c: any) => c.name === 'otc-container');

describe('objects per mode', () => {
  test('deployment', () => {
    expect(kinds(synth())).toEqual([
      'ConfigMap/otel-collector-' + find(synth(), 'ConfigMap').metadata.name.slice(-8),
      'Deployment/otel-collector', 'NetworkPolicy/otel-collector-networkpolicy', 'PodDisruptionBudget/otel-collector',
      'Service/otel-collector', 'Service/otel-collector-headless', 'Service/otel-collector-monitoring',
      'ServiceAccount/otel-collector',
    ].sort());
  });
  test('daemonset: no PDB, Service traffic policy Local', () => {
    const objs = synth({ mode: CollectorMode.DAEMONSET });
    expect(find(objs, 'DaemonSet', 'otel-collector')).toBeDefined();
    expect(find(objs, 'PodDisruptionBudget')).toBeUndefined();
    expect(find(objs, 'Service', 'otel-collector').spec.internalTrafficPolicy).toBe('Local');
  });
  test('statefulset: governed by the headless Service, Parallel by default', () => {
    const sts = find(synth({ mode: CollectorMode.STATEFULSET }), 'StatefulSet', 'otel-collector');
    expect(sts.spec.serviceName).toBe('otel-collector-headless');
    expect(sts.spec.podManagementPolicy).toBe('Parallel');
  });
  test('sidecar: only the ConfigMap and ServiceAccount', () => {
    expect(kinds(synth({ mode: CollectorMode.SIDECAR })).map((k) => k.split('/')[0])).toEqual(['ConfigMap', 'ServiceAccount']);
  });
});

describe('labels, annotations, config rollout', () => {
  test('selector and common labels', () => {
    const objs = synth({ labels: { team: 'a' }, image: 'repo/otelcol:1.2.3@sha256:abc' });
    const dep = find(objs, 'Deployment');
    expect(dep.spec.selector.matchLabels).toEqual({
      'app.kubernetes.io/managed-by': 'opentelemetry-operator',
      'app.kubernetes.io/instance': 'obs.otel',
      'app.kubernetes.io/part-of': 'opentelemetry',
      'app.kubernetes.io/component': 'opentelemetry-collector',
    });
    expect(dep.metadata.labels).toMatchObject({ 'team': 'a', 'app.kubernetes.io/name': 'otel-collector', 'app.kubernetes.io/version': '1.2.3' });
    expect(find(objs, 'Service', 'otel-collector-monitoring').metadata.labels['app.kubernetes.io/name']).toBe('otel-collector-monitoring');
  });
  test('pod template carries the config hash; a config change changes it and the ConfigMap name', () => {
    const a = synth();
    const b = synth({ config: CollectorConfig.fromYaml('receivers: {otlp: {protocols: {grpc: {}}}}\nexporters: {debug: {}}\nservice: {pipelines: {traces: {receivers: [otlp], exporters: [debug]}}}') });
    const hashA = find(a, 'Deployment').spec.template.metadata.annotations['opentelemetry-operator-config/sha256'];
    const hashB = find(b, 'Deployment').spec.template.metadata.annotations['opentelemetry-operator-config/sha256'];
    expect(hashA).toMatch(/^[0-9a-f]{64}$/);
    expect(hashA).not.toBe(hashB);
    expect(find(a, 'ConfigMap').metadata.name).toBe(`otel-collector-${hashA.slice(0, 8)}`);
    expect(pod(a).volumes[0]).toEqual({ name: 'otc-internal', configMap: { name: `otel-collector-${hashA.slice(0, 8)}`, items: [{ key: 'collector.yaml', path: 'collector.yaml' }] } });
  });
  test('pod annotations: podAnnotations, CR annotations, prometheus hints', () => {
    const ann = find(synth({ annotations: { a: '1' }, podAnnotations: { p: '2', a: 'pod' } }), 'Deployment').spec.template.metadata.annotations;
    expect(ann).toMatchObject({ 'a': 'pod', 'p': '2', 'prometheus.io/scrape': 'true', 'prometheus.io/port': '8888' });
    const off = find(synth({ observability: { disablePrometheusAnnotations: true } }), 'Deployment').spec.template.metadata.annotations;
    expect(off['prometheus.io/scrape']).toBeUndefined();
  });
});

describe('container', () => {
  test('args, ports, env and mounts', () => {
    const c = otc(synth({ args: { 'feature-gates': 'x', 'config': 'ignored' } }));
    expect(c.args).toEqual(['--config=/conf/collector.yaml', '--feature-gates=x']);
    expect(c.ports.map((p: any) => `${p.name}:${p.containerPort}`)).toEqual(['metrics:8888', 'otlp-grpc:4317', 'otlp-http:4318']);
    expect(c.env.map((e: any) => e.name)).toEqual(['POD_NAME', 'GOMEMLIMIT', 'GOMAXPROCS']);
    expect(c.volumeMounts).toEqual([{ name: 'otc-internal', mountPath: '/conf' }]);
  });
  test('health_check gives probes with timing overrides', () => {
    const config = CollectorConfig.builder().addReceiver('otlp', { protocols: { grpc: {} } }).addExporter('debug')
      .addExtension('health_check').addPipeline('traces', { receivers: ['otlp'], exporters: ['debug'] }).build();
    const c = otc(synth({ config, livenessProbe: { initialDelaySeconds: 7 } }));
    expect(c.livenessProbe).toEqual({ httpGet: { path: '/', port: 13133 }, initialDelaySeconds: 7 });
    expect(c.readinessProbe).toEqual({ httpGet: { path: '/', port: 13133 } });
  });
  test('a user port with the same number replaces the inferred one on the Service; same name is renamed', () => {
    const svc = find(synth({ ports: [{ name: 'otlp-grpc', port: 9999 }, { name: 'mine', port: 4318 }] }), 'Service', 'otel-collector');
    expect(svc.spec.ports.map((p: any) => `${p.name}:${p.port}`)).toEqual(['otlp-grpc:9999', 'mine:4318', 'port-4317:4317']);
  });
});

describe('pass-through fields land where upstream puts them', () => {
  const q = (s: string) => k8s.Quantity.fromString(s);
  const objs = synth({
    mode: CollectorMode.STATEFULSET,
    env: [{ name: 'A', value: '1' }],
    envFrom: [{ secretRef: { name: 's' } }],
    volumes: [{ name: 'v', emptyDir: {} }],
    volumeMounts: [{ name: 'v', mountPath: '/v' }],
    resources: { limits: { cpu: q('1') }, requests: { memory: q('64Mi') } },
    nodeSelector: { os: 'linux' },
    affinity: { nodeAffinity: {} },
    tolerations: [{ operator: 'Exists' }],
    securityContext: { runAsNonRoot: true },
    podSecurityContext: { fsGroup: 2000 },
    initContainers: [{ name: 'init', image: 'busybox' }],
    additionalContainers: [{ name: 'side', image: 'busybox' }],
    ports: [{ name: 'extra', port: 9090, hostPort: 19090 }],
    hostNetwork: true,
    hostPid: true,
    priorityClassName: 'high',
    podDnsConfig: { nameservers: ['8.8.8.8'] },
    ipFamilies: ['IPv4'],
    ipFamilyPolicy: 'SingleStack',
    sessionAffinity: 'ClientIP',
    sessionAffinityConfig: { clientIp: { timeoutSeconds: 10 } },
    trafficDistribution: 'PreferClose',
    lifecycle: { preStop: { exec: { command: ['sleep', '5'] } } },
    terminationGracePeriodSeconds: 600,
    topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'zone', whenUnsatisfiable: 'DoNotSchedule' }],
    shareProcessNamespace: true,
    serviceAccount: 'existing',
    imagePullPolicy: 'IfNotPresent',
    command: ['/otelcol'],
    podManagementPolicy: 'OrderedReady',
    volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: q('1Gi') } } } }],
    persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Delete' },
    configMaps: [{ name: 'extra-cm', mountPath: 'x' }],
  });
  const sts = find(objs, 'StatefulSet');
  const p = sts.spec.template.spec;
  const c = p.containers.find((x: any) => x.name === 'otc-container');
  test.each([
    ['env first', c.env[0], { name: 'A', value: '1' }],
    ['envFrom', c.envFrom, [{ secretRef: { name: 's' } }]],
    ['resources (quantities as strings)', c.resources, { limits: { cpu: '1' }, requests: { memory: '64Mi' } }],
    ['securityContext', c.securityContext, { runAsNonRoot: true }],
    ['lifecycle', c.lifecycle, { preStop: { exec: { command: ['sleep', '5'] } } }],
    ['imagePullPolicy', c.imagePullPolicy, 'IfNotPresent'],
    ['command', c.command, ['/otelcol']],
    ['volume mounts', c.volumeMounts, [{ name: 'otc-internal', mountPath: '/conf' }, { name: 'v', mountPath: '/v' }, { name: 'configmap-extra-cm', mountPath: '/var/conf/x/configmap-extra-cm' }]],
    ['host port on the container', c.ports.find((x: any) => x.name === 'extra'), { containerPort: 9090, name: 'extra', protocol: 'TCP', hostPort: 19090 }],
    ['volumes', p.volumes.slice(1), [{ name: 'v', emptyDir: {} }, { name: 'configmap-extra-cm', configMap: { name: 'extra-cm' } }]],
    ['otc-container first, then the additional containers', p.containers.map((x: any) => x.name), ['otc-container', 'side']],
    ['init containers', p.initContainers, [{ name: 'init', image: 'busybox' }]],
    ['nodeSelector', p.nodeSelector, { os: 'linux' }],
    ['affinity', p.affinity, { nodeAffinity: {} }],
    ['tolerations', p.tolerations, [{ operator: 'Exists' }]],
    ['podSecurityContext', p.securityContext, { fsGroup: 2000 }],
    ['hostNetwork', p.hostNetwork, true],
    ['hostPID', p.hostPID, true],
    ['dnsPolicy None: podDnsConfig nameservers win over hostNetwork', p.dnsPolicy, 'None'],
    ['dnsConfig', p.dnsConfig, { nameservers: ['8.8.8.8'] }],
    ['priorityClassName', p.priorityClassName, 'high'],
    ['terminationGracePeriodSeconds', p.terminationGracePeriodSeconds, 600],
    ['topologySpreadConstraints', p.topologySpreadConstraints[0].topologyKey, 'zone'],
    ['shareProcessNamespace', p.shareProcessNamespace, true],
    ['serviceAccountName', p.serviceAccountName, 'existing'],
    ['podManagementPolicy', sts.spec.podManagementPolicy, 'OrderedReady'],
    ['volumeClaimTemplates', sts.spec.volumeClaimTemplates, [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }]],
    ['PVC retention', sts.spec.persistentVolumeClaimRetentionPolicy, { whenDeleted: 'Delete' }],
    ['Service ipFamilies', find(objs, 'Service', 'otel-collector').spec.ipFamilies, ['IPv4']],
    ['Service ipFamilyPolicy', find(objs, 'Service', 'otel-collector').spec.ipFamilyPolicy, 'SingleStack'],
    ['Service sessionAffinity', find(objs, 'Service', 'otel-collector').spec.sessionAffinity, 'ClientIP'],
    ['Service sessionAffinityConfig', find(objs, 'Service', 'otel-collector').spec.sessionAffinityConfig, { clientIP: { timeoutSeconds: 10 } }],
    ['Service trafficDistribution', find(objs, 'Service', 'otel-collector').spec.trafficDistribution, 'PreferClose'],
    ['no ServiceAccount with serviceAccount set', find(objs, 'ServiceAccount'), undefined],
  ])('%s', (_what, actual, expected) => {
    expect(actual).toEqual(expected);
  });
  test('update strategies', () => {
    const ds = find(synth({ mode: CollectorMode.DAEMONSET, daemonSetUpdateStrategy: { type: 'OnDelete' } }), 'DaemonSet');
    expect(ds.spec.updateStrategy).toEqual({ type: 'OnDelete' });
    const dep = find(synth({ deploymentUpdateStrategy: { type: 'Recreate' } }), 'Deployment');
    expect(dep.spec.strategy).toEqual({ type: 'Recreate' });
  });
});

describe('scaling, ingress, monitoring, RBAC', () => {
  test('autoscaler → HPA targeting the collector; replicas start at minReplicas', () => {
    const objs = synth({ autoscaler: { minReplicas: 2, maxReplicas: 5, targetMemoryUtilization: 70 } });
    const hpa = find(objs, 'HorizontalPodAutoscaler', 'otel-collector');
    expect(hpa.spec).toMatchObject({ minReplicas: 2, maxReplicas: 5, scaleTargetRef: { kind: 'OpenTelemetryCollector', name: 'otel', apiVersion: 'opentelemetry.io/v1beta1' } });
    expect(hpa.spec.metrics.map((m: any) => m.resource.name)).toEqual(['memory']);
    expect(find(objs, 'Deployment').spec.replicas).toBe(2);
  });
  test('podDisruptionBudget', () => {
    const pdb = find(synth({ podDisruptionBudget: { minAvailable: k8s.IntOrString.fromString('50%') } }), 'PodDisruptionBudget');
    expect(pdb.spec.minAvailable).toBe('50%');
    expect(pdb.spec.maxUnavailable).toBeUndefined();
  });
  test('ingress subdomain rules', () => {
    const ing = find(synth({ ingress: { hostname: 'example.com', ruleType: IngressRuleType.SUBDOMAIN } }), 'Ingress', 'otel-ingress');
    expect(ing.spec.rules.map((r: any) => r.host)).toEqual(['otlp-grpc.example.com', 'otlp-http.example.com']);
  });
  test('enableMetrics → ServiceMonitor for the monitoring Service', () => {
    const sm = find(synth({ observability: { enableMetrics: true } }), 'ServiceMonitor', 'otel-monitoring-collector');
    expect(sm.spec.endpoints).toEqual([{ port: 'monitoring' }]);
  });
  test('sidecar + enableMetrics → PodMonitor', () => {
    expect(find(synth({ mode: CollectorMode.SIDECAR, observability: { enableMetrics: true } }), 'PodMonitor', 'otel-collector')).toBeDefined();
  });
  test('networkPolicyEnabled false drops the NetworkPolicy', () => {
    expect(find(synth({ networkPolicyEnabled: false }), 'NetworkPolicy')).toBeUndefined();
  });
});

describe('invalid input raises InvalidInputError and creates nothing', () => {
  const cases: Array<[string, Partial<OtelCollectorProps>, string]> = [
    ['undefined component', { config: CollectorConfig.fromObject({ receivers: { otlp: {} }, exporters: { debug: {} }, service: { pipelines: { traces: { receivers: ['otlp', 'zipkin'], exporters: ['debug'] } } } }) }, 'spec.config.service.pipelines.traces.receivers[1]'],
    ['no pipelines', { config: CollectorConfig.fromObject({ receivers: { otlp: {} }, exporters: { debug: {} }, service: { pipelines: {} } }) }, 'spec.config.service.pipelines'],
    ['YAML syntax', { config: CollectorConfig.fromYaml('receivers: [unclosed') }, 'spec.config'],
    ['unknown mode', { mode: 'cronjob' as CollectorMode }, 'spec.mode'],
    ['bad port number', { ports: [{ name: 'p', port: 70000 }] }, 'spec.ports[0]'],
    ['bad port name', { ports: [{ name: 'this-name-is-too-long', port: 80 }] }, 'spec.ports[0]'],
    ['name longer than a Kubernetes object name allows', { name: 'x'.repeat(254) }, 'metadata.name'],
    ['unknown protocol', { config: CollectorConfig.fromObject({ receivers: { otlp: { protocols: { udp: {} } } }, exporters: { debug: {} }, service: { pipelines: { t: { receivers: ['otlp'], exporters: ['debug'] } } } }) }, 'spec.config.receivers.otlp'],
    ['receiver port out of range', { config: CollectorConfig.fromObject({ receivers: { zipkin: { endpoint: '0.0.0.0:99999' } }, exporters: { debug: {} }, service: { pipelines: { t: { receivers: ['zipkin'], exporters: ['debug'] } } } }) }, 'spec.config.receivers.zipkin'],
    ['bad telemetry address', { config: CollectorConfig.fromObject({ receivers: { otlp: { protocols: { grpc: {} } } }, exporters: { debug: {} }, service: { telemetry: { metrics: { address: 'nohost' } }, pipelines: { t: { receivers: ['otlp'], exporters: ['debug'] } } } }) }, 'spec.config.service.telemetry.metrics'],
    ['sidecar with tolerations', { mode: CollectorMode.SIDECAR, tolerations: [{ operator: 'Exists' }] }, 'spec'],
    ['volumeClaimTemplates outside statefulset', { volumeClaimTemplates: [{ metadata: { name: 'd' } }] }, 'spec.volumeClaimTemplates'],
    ['minReplicas > maxReplicas', { autoscaler: { minReplicas: 5, maxReplicas: 2 } }, 'spec.autoscaler'],
    ['subdomain without hostname', { ingress: { ruleType: IngressRuleType.SUBDOMAIN } }, 'spec.ingress.hostname'],
    ['name starting with a digit', { name: '1otel' }, 'metadata.name'],
    ['name with uppercase letters', { name: 'Otel' }, 'metadata.name'],
    ['unknown imagePullPolicy', { imagePullPolicy: 'Sometimes' }, 'spec.imagePullPolicy'],
    ['unknown ipFamilyPolicy', { ipFamilyPolicy: 'Both' }, 'spec.ipFamilyPolicy'],
    ['unknown IP family', { ipFamilies: ['IPv5'] }, 'spec.ipFamilies[0]'],
    ['target allocator in deployment mode', { targetAllocator: { enabled: true } }, 'spec.targetAllocator.enabled'],
  ];
  test.each(cases)('%s', (_what, props, path) => {
    const chart = Testing.chart();
    let err: unknown;
    try {
      new OtelCollector(chart, 'bad', { config: OTLP, name: 'otel', namespace: 'obs', ...props });
    } catch (e) { err = e; }
    expect(err).toBeInstanceOf(InvalidInputError);
    expect((err as InvalidInputError).path).toBe(path);
    expect((err as InvalidInputError).message).toContain('OpenTelemetryCollector obs/');
    expect((err as InvalidInputError).fix.length).toBeGreaterThan(0);
    expect(chart.node.children).toHaveLength(0);
  });
});

test('inside a namespaced chart: the chart namespace is the default and cluster-scoped objects carry none', () => {
  const app = Testing.app();
  const chart = new Chart(app, 'c', { namespace: 'chartns' });
  new OtelCollector(chart, 'x', {
    config: CollectorConfig.fromObject({
      processors: { k8sattributes: {} }, receivers: { otlp: { protocols: { grpc: {} } } }, exporters: { debug: {} },
      service: { pipelines: { t: { receivers: ['otlp'], processors: ['k8sattributes'], exporters: ['debug'] } } },
    }),
  });
  const objs = Testing.synth(chart);
  expect(find(objs, 'Deployment').metadata.namespace).toBe('chartns');
  expect(find(objs, 'ClusterRole').metadata.name).toBe('x-chartns-cluster-role');
  expect(find(objs, 'ClusterRole').metadata.namespace).toBeUndefined();
  expect(find(objs, 'ClusterRoleBinding').subjects).toEqual([{ kind: 'ServiceAccount', name: 'x-collector', namespace: 'chartns' }]);
});

test('fromCustomResource builds the same objects as renderCollector', () => {
  const chart = Testing.chart();
  const cr = { apiVersion: 'opentelemetry.io/v1beta1', kind: 'OpenTelemetryCollector', metadata: { name: 'cr', namespace: 'ns' }, spec: { mode: 'daemonset', config: { receivers: { otlp: { protocols: { grpc: {} } } }, exporters: { debug: {} }, service: { pipelines: { t: { receivers: ['otlp'], exporters: ['debug'] } } } } } };
  const c = OtelCollector.fromCustomResource(chart, 'cr', cr);
  expect(c.configMapName).toBe(`cr-collector-${c.configHash.slice(0, 8)}`);
  expect(kinds(Testing.synth(chart))).toEqual(kinds(renderCollector(collectorModelFromCustomResource(cr))));
});

test('prometheus kubernetes_sd_configs namespaces get a Role and RoleBinding each', () => {
  const objs = renderCollector({
    name: 'p', namespace: 'obs', spec: { config: {
      receivers: { prometheus: { config: { scrape_configs: [{ job_name: 'pods', kubernetes_sd_configs: [{ role: 'pod', namespaces: { names: ['a', 'b'] } }] }] } } },
      exporters: { debug: {} }, service: { pipelines: { metrics: { receivers: ['prometheus'], exporters: ['debug'] } } },
    } },
  });
  const roles = objs.filter((o) => o.kind === 'Role');
  expect(roles.map((r) => `${r.metadata.namespace}/${r.metadata.name}`)).toEqual(['a/p-pods-prometheus-role', 'b/p-pods-prometheus-role']);
  expect(roles[0].rules).toEqual([{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'watch', 'list'] }]);
  const binding = objs.find((o) => o.kind === 'RoleBinding' && o.metadata.namespace === 'b');
  expect(binding!.subjects).toEqual([{ kind: 'ServiceAccount', name: 'p-collector', namespace: 'obs' }]);
});

describe('more pass-through fields', () => {
  test('hostAliases, explicit dnsPolicy, podDnsConfig nameservers ⇒ None', () => {
    const p1 = pod(synth({ hostAliases: [{ ip: '10.0.0.1', hostnames: ['a'] }], dnsPolicy: 'Default' }));
    expect(p1.hostAliases).toEqual([{ ip: '10.0.0.1', hostnames: ['a'] }]);
    expect(p1.dnsPolicy).toBe('Default');
    expect(pod(synth({ podDnsConfig: { nameservers: ['1.1.1.1'] } })).dnsPolicy).toBe('None');
    expect(pod(synth()).dnsPolicy).toBe('ClusterFirst');
  });
  test('ingress class, TLS and annotations; the CR annotations are not copied to the Ingress', () => {
    const ing = find(synth({
      annotations: { cr: 'x' },
      ingress: { hostname: 'h.example', ingressClassName: 'nginx', tls: [{ hosts: ['h.example'], secretName: 's' }], annotations: { a: 'b' } },
    }), 'Ingress');
    expect(ing.spec.ingressClassName).toBe('nginx');
    expect(ing.spec.tls).toEqual([{ hosts: ['h.example'], secretName: 's' }]);
    expect(ing.metadata.annotations).toEqual({ a: 'b' });
    expect(ing.spec.rules[0].http.paths.map((p: any) => p.path)).toEqual(['/otlp-grpc', '/otlp-http']);
  });
  test('autoscaler behavior and Pods metrics pass through; CPU target defaults to 90', () => {
    const hpa = find(synth({
      autoscaler: {
        maxReplicas: 4,
        behavior: { scaleDown: { stabilizationWindowSeconds: 60 } },
        metrics: [{ type: 'Pods', pods: { metric: { name: 'queue' }, target: { type: 'AverageValue', averageValue: k8s.Quantity.fromString('10') } } }],
      },
    }), 'HorizontalPodAutoscaler');
    expect(hpa.spec.behavior).toEqual({ scaleDown: { stabilizationWindowSeconds: 60 } });
    expect(hpa.spec.metrics).toEqual([
      { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 90 } } },
      { type: 'Pods', pods: { metric: { name: 'queue' }, target: { type: 'AverageValue', averageValue: '10' } } },
    ]);
    expect(hpa.spec.minReplicas).toBe(1);
  });
  test('OpenShift route props reach the spec', () => {
    const chart = Testing.chart();
    const c = new OtelCollector(chart, 'r', { config: OTLP, name: 'r', namespace: 'obs', ingress: { type: IngressType.ROUTE, routeTermination: RouteTermination.PASSTHROUGH } });
    expect(Testing.synth(chart).find((o: any) => o.kind === 'Ingress')).toBeUndefined();
    expect(c.objects['Deployment/r-collector']).toBeDefined();
  });
  test('httpRoute props create HTTPRoutes for non-gRPC ports only', () => {
    const routes = synth({ httpRoute: { gateway: 'gw' } }).filter((o) => o.kind === 'HTTPRoute');
    expect(routes.map((r) => r.metadata.name)).toEqual(['otel-otlp-http-httproute']);
    expect(routes[0].spec.parentRefs[0]).toEqual({ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'gw', namespace: 'obs' });
  });
});

test('exposes the names other constructs need', () => {
  const chart = Testing.chart();
  const gw = new OtelCollector(chart, 'gw', { config: OTLP, name: 'gw', namespace: 'obs' });
  expect(gw.serviceName).toBe('gw-collector');
  expect(gw.serviceAccountName).toBe('gw-collector');
  const side = new OtelCollector(chart, 'side', { config: OTLP, name: 'side', namespace: 'obs', mode: CollectorMode.SIDECAR, serviceAccount: 'app' });
  expect(side.serviceName).toBeUndefined();
  expect(side.serviceAccountName).toBe('app');
  expect(side.sidecarParts().container.name).toBe('otc-container');
});
