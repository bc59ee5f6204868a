import { Testing } from 'cdk8s';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { buildSidecar, collectorModelFromCustomResource, isCollectorConfigMapName, selectConfigMapsToKeep } from '../../src/collector';
import { buildExamplesApp } from '../../examples/main';
import { loadDocs } from './e2e-helpers';

describe('buildSidecar (e2e-sidecar/smoke-sidecar)', () => {
  const cr = loadDocs('e2e-sidecar/smoke-sidecar/00-install.yaml').find((d) => d.kind === 'OpenTelemetryCollector');
  cr.metadata.namespace = 'apps';
  const parts = buildSidecar(collectorModelFromCustomResource(cr));

  test('container: config inline in OTEL_CONFIG, no /conf mount', () => {
    expect(parts.container.name).toBe('otc-container');
    expect(parts.container.args).toEqual(['--config=env:OTEL_CONFIG']);
    expect(parts.container.env.map((e: any) => e.name)).toEqual(['POD_NAME', 'GOMEMLIMIT', 'GOMAXPROCS', 'OTEL_CONFIG']);
    expect(parts.container.env[3].value).toBe(parts.configYaml);
    expect(parts.configYaml).toContain('endpoint: 0.0.0.0:14250');
    expect(parts.container.volumeMounts).toEqual([{ name: 'configmap-example-config', mountPath: '/var/conf/tmp/example-config/configmap-example-config' }]);
    expect(parts.container.ports.map((p: any) => p.name)).toEqual(['jaeger-grpc', 'metrics']);
  });
  test('pod additions', () => {
    expect(parts.volumes).toEqual([{ name: 'configmap-example-config', configMap: { name: 'example-config' } }]);
    expect(parts.injectedLabel).toEqual({ key: 'sidecar.opentelemetry.io/injected', value: 'apps.sidecar-for-my-app' });
    expect(parts.configMap.metadata.name).toBe(`sidecar-for-my-app-collector-${parts.configHash.slice(0, 8)}`);
  });
  test('spec.args come before the env config flag', () => {
    const p = buildSidecar({ name: 's', namespace: 'n', spec: { mode: 'sidecar', args: { b: '2', a: '1' }, config: {} } });
    expect(p.container.args).toEqual(['--a=1', '--b=2', '--config=env:OTEL_CONFIG']);
  });
});

describe('configVersions retention', () => {
  const cms = [
    { name: 'c-collector-aaaaaaaa', creationTimestamp: '2026-01-01T00:00:00Z' },
    { name: 'c-collector-bbbbbbbb', creationTimestamp: '2026-01-02T00:00:00Z' },
    { name: 'c-collector-cccccccc', creationTimestamp: '2026-01-03T00:00:00Z' },
    { name: 'c-collector-dddddddd', creationTimestamp: '2026-01-04T00:00:00Z' },
  ];
  test('keeps the desired one plus configVersions newest older ones', () => {
    expect(selectConfigMapsToKeep(cms, 'c-collector-dddddddd', 2)).toEqual({
      keep: ['c-collector-dddddddd', 'c-collector-cccccccc', 'c-collector-bbbbbbbb'],
      delete: ['c-collector-aaaaaaaa'],
    });
  });
  test('versioned-configmaps with configVersions 1: old and new kept, then the oldest deleted', () => {
    expect(selectConfigMapsToKeep(cms.slice(0, 1), 'c-collector-bbbbbbbb', 1)).toEqual({ keep: ['c-collector-bbbbbbbb', 'c-collector-aaaaaaaa'], delete: [] });
    expect(selectConfigMapsToKeep(cms.slice(0, 2), 'c-collector-cccccccc', 1).delete).toEqual(['c-collector-aaaaaaaa']);
  });
  test('configVersions below 1 behaves as 1', () => {
    expect(selectConfigMapsToKeep(cms, 'new', 0).keep).toEqual(['new', 'c-collector-dddddddd']);
    // made within the same second: etcd's revision tells the newer one, whatever the names
    const sameSecond = [
      { name: 'c-collector-11111111', creationTimestamp: '2026-01-01T00:00:05Z', resourceVersion: '900' },
      { name: 'c-collector-ffffffff', creationTimestamp: '2026-01-01T00:00:05Z', resourceVersion: '1000' },
    ];
    expect(selectConfigMapsToKeep(sameSecond, 'c-collector-new', 1)).toEqual({ keep: ['c-collector-new', 'c-collector-ffffffff'], delete: ['c-collector-11111111'] });
  });
  test('recognises a collector ConfigMap name', () => {
    expect(isCollectorConfigMapName('c', 'c-collector-0123abcd')).toBe(true);
    expect(isCollectorConfigMapName('c', 'c-collector-extra')).toBe(false);
  });
});

describe('examples', () => {
  test('examples/main.ts synthesizes every chart into the outdir', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-otel-examples-'));
    buildExamplesApp(outdir).synth();
    expect(fs.readdirSync(outdir).sort()).toEqual(['agent.k8s.yaml', 'gateway.k8s.yaml', 'scraper-resource.k8s.yaml', 'scraper.k8s.yaml', 'stateful.k8s.yaml']);
    fs.rmSync(outdir, { recursive: true, force: true });
  });
  test('gateway: Deployment with OTLP ports', () => {
    const objs = Testing.synth(buildExamplesApp('unused').charts.find((c) => c.node.id === 'gateway')!);
    const svc = objs.find((o: any) => o.kind === 'Service' && o.metadata.name === 'gateway-collector');
    expect(svc.spec.ports.map((p: any) => p.port)).toEqual([4317, 4318]);
    expect(objs.find((o: any) => o.kind === 'Deployment').spec.replicas).toBe(2);
  });
  test('agent: DaemonSet with automatic RBAC and K8S_NODE_NAME', () => {
    const objs = Testing.synth(buildExamplesApp('unused').charts.find((c) => c.node.id === 'agent')!);
    const ds = objs.find((o: any) => o.kind === 'DaemonSet');
    const env = ds.spec.template.spec.containers[0].env.map((e: any) => e.name);
    expect(env).toContain('K8S_NODE_NAME');
    const role = objs.find((o: any) => o.kind === 'ClusterRole');
    expect(role.metadata.name).toBe('agent-observability-cluster-role');
    expect(role.rules.map((r: any) => r.resources.join(','))).toEqual(['nodes/stats', 'pods,namespaces', 'replicasets', 'nodes']);
  });
  test('stateful: StatefulSet with volume claims and the health_check probes', () => {
    const objs = Testing.synth(buildExamplesApp('unused').charts.find((c) => c.node.id === 'stateful')!);
    const sts = objs.find((o: any) => o.kind === 'StatefulSet');
    expect(sts.spec.volumeClaimTemplates[0].metadata.name).toBe('queue');
    expect(sts.spec.template.spec.containers[0].livenessProbe.httpGet.port).toBe(13133);
  });
});
