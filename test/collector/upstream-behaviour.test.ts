// Behaviour upstream users rely on, found in review: each test is named after the upstream rule it checks.
import { InvalidInputError } from '../../src/common/errors';
import { CollectorConfigJson, renderCollector } from '../../src/collector';
import { versionLabel } from '../../src/common/labels';

const CONFIG = {
  receivers: { otlp: { protocols: { grpc: {} } } },
  exporters: { debug: {} },
  service: { pipelines: { traces: { receivers: ['otlp'], exporters: ['debug'] } } },
};
const objectsOf = (name: string, namespace: string, spec: Record<string, unknown> = {}) =>
  renderCollector({ name, namespace, spec: { config: CONFIG, ...spec } }) as any[];
const find = (objs: any[], kind: string, name?: string) => objs.find((o) => o.kind === kind && (!name || o.metadata.name === name));

describe('app.kubernetes.io/instance', () => {
  test('a namespace.name longer than 63 characters is cut by shortening the namespace first, as upstream Truncate does', () => {
    const ns = 'a-rather-long-namespace-name-as-well'; // 36
    const name = 'collector-with-a-name-of-thirty'; // 31
    const objs = objectsOf(name, ns);
    const deployment = find(objs, 'Deployment');
    const instance = `${ns.slice(0, 63 - name.length - 1)}.${name}`;
    expect(instance).toHaveLength(63);
    expect(deployment.metadata.labels['app.kubernetes.io/instance']).toBe(instance);
    expect(deployment.spec.selector.matchLabels['app.kubernetes.io/instance']).toBe(instance);
    expect(find(objs, 'Service', `${name}-collector`).spec.selector['app.kubernetes.io/instance']).toBe(instance);
  });
  test('a name alone longer than 63 characters leaves a valid label value (upstream keeps the CR, cuts every name)', () => {
    const name = 'x'.repeat(70);
    const labels = find(objectsOf(name, 'default'), 'Deployment').metadata.labels;
    expect(labels['app.kubernetes.io/instance']).toBe('x'.repeat(62));
    expect(find(objectsOf(name, 'default'), 'Deployment').metadata.name).toBe(`${'x'.repeat(53)}-collector`);
  });
  test('a name that is not a Kubernetes object name is still an InvalidInputError naming metadata.name', () => {
    expect(() => objectsOf('x'.repeat(254), 'default')).toThrow(InvalidInputError);
  });
});

describe('pod dnsPolicy (upstream GetDNSPolicy)', () => {
  const podOf = (spec: Record<string, unknown>) => find(objectsOf('d', 'ns', { mode: 'daemonset', ...spec }), 'DaemonSet').spec.template.spec;
  test.each([
    ['ClusterFirst by default', {}, 'ClusterFirst'],
    ['ClusterFirstWithHostNet with hostNetwork', { hostNetwork: true }, 'ClusterFirstWithHostNet'],
    ['None when podDnsConfig names nameservers', { podDnsConfig: { nameservers: ['10.0.0.10'] } }, 'None'],
    ['None when podDnsConfig names nameservers, even with hostNetwork', { hostNetwork: true, podDnsConfig: { nameservers: ['10.0.0.10'] } }, 'None'],
  ])('%s', (_what, spec, expected) => {
    expect(podOf(spec).dnsPolicy).toBe(expected);
  });
});

describe('app.kubernetes.io/version from spec.image', () => {
  const hex = 'a'.repeat(30) + 'b'.repeat(34);
  test.each([
    [undefined, 'latest'],
    ['otel/col', 'latest'],
    ['otel/col:0.99.0', '0.99.0'],
    ['otel/col:0.99.0@sha256:' + hex, '0.99.0'],
    // upstream labels a digest-only image with the digest itself, cut to 63 characters
    ['otel/col@sha256:' + hex, hex.slice(0, 63)],
    // a tag may have 128 characters, a label value 63
    ['otel/col:' + 'v'.repeat(100), 'v'.repeat(63)],
    // a registry port is not a tag
    ['myhost:5000/otel/col', 'latest'],
    ['myhost:5000/otel/col:1.2.3', '1.2.3'],
    ['myhost:5000/otel/col:1.2.3@sha256:' + hex, '1.2.3'],
  ])('%s → %s', (image, expected) => {
    expect(versionLabel(image)).toBe(expected);
  });
  test('every object carries it', () => {
    const objs = objectsOf('v', 'ns', { image: 'myhost:5000/otel/col' });
    for (const o of objs) expect(o.metadata.labels['app.kubernetes.io/version']).toBe('latest');
  });
});

describe('Service ports: spec.ports first, inferred ports yield on a clash (upstream filterPort)', () => {
  const jaeger = {
    receivers: { jaeger: { protocols: { thrift_compact: {}, grpc: {} } }, otlp: { protocols: { grpc: { endpoint: '${env:OTLP_ENDPOINT}' }, http: { endpoint: 'localhost:1234' } } } },
    exporters: { debug: {} },
    service: { pipelines: { traces: { receivers: ['jaeger', 'otlp'], exporters: ['debug'] } } },
  };
  const servicePorts = (ports: Array<Record<string, unknown>>) => {
    const objs = renderCollector({ name: 'p', namespace: 'ns', spec: { config: jaeger, ports } }) as any[];
    return find(objs, 'Service', 'p-collector').spec.ports.map((p: any) => `${p.name}:${p.port}/${p.protocol}`);
  };
  test('no spec.ports: inferred ports sorted by name; an env endpoint keeps the default port, an explicit one wins', () => {
    expect(servicePorts([])).toEqual(['jaeger-grpc:14250/TCP', 'otlp-grpc:4317/TCP', 'otlp-http:1234/TCP', 'port-6831:6831/UDP']);
  });
  test('a user port with the same number but another protocol does not hide the inferred UDP port', () => {
    expect(servicePorts([{ name: 'tcp-6831', port: 6831 }])).toContain('port-6831:6831/UDP');
  });
  test('a user port with the same number and protocol drops the inferred one', () => {
    expect(servicePorts([{ name: 'mine', port: 6831, protocol: 'UDP' }])).toEqual(['mine:6831/UDP', 'jaeger-grpc:14250/TCP', 'otlp-grpc:4317/TCP', 'otlp-http:1234/TCP']);
  });
  test('a name clash renames the inferred port port-<n>; when that name is taken too, the inferred port is dropped', () => {
    expect(servicePorts([{ name: 'otlp-grpc', port: 9000 }])).toContain('port-4317:4317/TCP');
    expect(servicePorts([{ name: 'otlp-grpc', port: 9000 }, { name: 'port-4317', port: 9001 }]))
      .toEqual(['otlp-grpc:9000/TCP', 'port-4317:9001/TCP', 'jaeger-grpc:14250/TCP', 'otlp-http:1234/TCP', 'port-6831:6831/UDP']);
  });
});

describe('spec.configmaps', () => {
  test('a ConfigMap name with dots gives a volume named as a DNS label (upstream DNSName(Truncate("configmap-%s")))', () => {
    const objs = objectsOf('c', 'ns', { configmaps: [{ name: 'ca.bundle', mountpath: 'certs' }] });
    const pod = find(objs, 'Deployment').spec.template.spec;
    expect(pod.volumes).toContainEqual({ name: 'configmap-ca-bundle', configMap: { name: 'ca.bundle' } });
    expect(pod.containers[0].volumeMounts).toContainEqual({ name: 'configmap-ca-bundle', mountPath: '/var/conf/certs/configmap-ca-bundle' });
  });
  test('mounts come after /conf and spec.volumeMounts, volumes after the config volume and spec.volumes', () => {
    const objs = objectsOf('c', 'ns', {
      configmaps: [{ name: 'extra' }], volumes: [{ name: 'v', emptyDir: {} }], volumeMounts: [{ name: 'v', mountPath: '/v' }],
    });
    const pod = find(objs, 'Deployment').spec.template.spec;
    expect(pod.volumes.map((v: any) => v.name)).toEqual(['otc-internal', 'v', 'configmap-extra']);
    expect(pod.containers[0].volumeMounts).toEqual([
      { name: 'otc-internal', mountPath: '/conf' }, { name: 'v', mountPath: '/v' }, { name: 'configmap-extra', mountPath: '/var/conf/configmap-extra' },
    ]);
  });
});

describe('object names of a long collector name (upstream naming: Truncate, then DNSName)', () => {
  const name = 'x'.repeat(60);
  const names = objectsOf(name, 'ns').map((o) => `${o.kind}/${o.metadata.name}`);
  test.each([
    ['Deployment', `${'x'.repeat(53)}-collector`],
    ['Service', `${'x'.repeat(53)}-collector`],
    // headless, monitoring and extension Services are cut from the base Service's name, as upstream composes them
    ['Service', `${'x'.repeat(53)}--headless`],
    ['Service', `${'x'.repeat(52)}-monitoring`],
  ])('%s %s', (kind, expected) => {
    expect(expected.length).toBeLessThanOrEqual(63);
    expect(names).toContain(`${kind}/${expected}`);
  });
  test('the extension Service', () => {
    const objs = objectsOf(name, 'ns', {
      config: { ...CONFIG, extensions: { health_check: {} }, service: { ...CONFIG.service, extensions: ['health_check'] } },
    });
    expect(find(objs, 'Service', `${'x'.repeat(53)}-extension`)).toBeDefined();
  });
  test('DNSName keeps the length: a character outside [a-z0-9] becomes - inside and a at the ends', async () => {
    const { dnsName } = await import('../../src/common/naming');
    expect(dnsName('My_Name.')).toBe('my-namea');
    expect(dnsName('-x-')).toBe('axa');
  });
});

describe('otc-container env order (upstream Container: spec.env, then what the operator adds)', () => {
  const envOf = (spec: Record<string, unknown>, config: CollectorConfigJson = CONFIG) => {
    const objs = renderCollector({ name: 'e', namespace: 'ns', spec: { config, ...spec } }, { proxyEnv: [{ name: 'HTTPS_PROXY', value: 'http://proxy:3128' }] }) as any[];
    const pod = (find(objs, 'Deployment') ?? find(objs, 'StatefulSet')).spec.template.spec;
    return pod.containers.find((x: any) => x.name === 'otc-container').env.map((e: any) => e.name);
  };
  test('spec.env, POD_NAME, GOMEMLIMIT, GOMAXPROCS, receiver variables, then the operator proxy settings', () => {
    const kubelet = { ...CONFIG, receivers: { kubeletstats: {} }, service: { pipelines: { metrics: { receivers: ['kubeletstats'], exporters: ['debug'] } } } };
    expect(envOf({ env: [{ name: 'B', value: '1' }, { name: 'A', value: '2' }] }, kubelet))
      .toEqual(['B', 'A', 'POD_NAME', 'GOMEMLIMIT', 'GOMAXPROCS', 'K8S_NODE_NAME', 'HTTPS_PROXY']);
  });
  test('a variable the user sets is not added a second time', () => {
    expect(envOf({ env: [{ name: 'POD_NAME', value: 'mine' }] })).toEqual(['POD_NAME', 'GOMEMLIMIT', 'GOMAXPROCS', 'HTTPS_PROXY']);
  });
});

describe('probes from the health_check extension', () => {
  const withHealthCheck = (settings: unknown, enabled = true): CollectorConfigJson => ({
    ...CONFIG, extensions: { health_check: settings }, service: { ...CONFIG.service, ...(enabled ? { extensions: ['health_check'] } : {}) },
  });
  const otcOf = (config: CollectorConfigJson, spec: Record<string, unknown> = {}) =>
    find(renderCollector({ name: 'h', namespace: 'ns', spec: { config, ...spec } }) as any[], 'Deployment').spec.template.spec.containers[0];
  test.each([
    [{}, { path: '/', port: 13133 }],
    [{ endpoint: '0.0.0.0:8080', path: '/health' }, { path: '/health', port: 8080 }],
    [{ endpoint: '${env:HC_ENDPOINT}' }, { path: '/', port: 13133 }],
  ])('%j → httpGet %j', (settings, httpGet) => {
    const c = otcOf(withHealthCheck(settings));
    expect(c.livenessProbe).toEqual({ httpGet });
    expect(c.readinessProbe).toEqual({ httpGet });
  });
  test('no probe when health_check is defined but not enabled in service.extensions', () => {
    const c = otcOf(withHealthCheck({}, false));
    expect(c.livenessProbe).toBeUndefined();
    expect(c.readinessProbe).toBeUndefined();
  });
  test('spec.livenessProbe and spec.readinessProbe override timings of their own probe only', () => {
    const c = otcOf(withHealthCheck({}), { livenessProbe: { periodSeconds: 30, failureThreshold: 5 }, readinessProbe: { initialDelaySeconds: 2 } });
    expect(c.livenessProbe).toEqual({ httpGet: { path: '/', port: 13133 }, periodSeconds: 30, failureThreshold: 5 });
    expect(c.readinessProbe).toEqual({ httpGet: { path: '/', port: 13133 }, initialDelaySeconds: 2 });
  });
});

test('spec.args: --config first, then the "--key=value" strings sorted as strings (upstream sort.Strings), config key dropped', () => {
  const objs = objectsOf('a', 'ns', { args: { 'a': '1', 'a-b': '2', 'Z': '3', 'config': '/elsewhere.yaml' } });
  expect(find(objs, 'Deployment').spec.template.spec.containers[0].args)
    .toEqual(['--config=/conf/collector.yaml', '--Z=3', '--a-b=2', '--a=1']);
});
