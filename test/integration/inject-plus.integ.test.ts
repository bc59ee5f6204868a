/**
 * Synth-time injection into cdk8s-plus workloads against the real API server (issue 14 #1): the Deployment,
 * StatefulSet, DaemonSet, Job and CronJob that cdk8s-plus synthesizes, with a Java agent and/or a collector
 * sidecar injected by the constructs, are accepted by server-side apply with dryRun=All, and what the server
 * would store still has the probes, ports and resources the user wrote. The other objects of the chart (the
 * StatefulSet's Service, the sidecar collector's ConfigMap and ServiceAccount) are applied the same way.
 */
import { ensureNamespace, KubeObject, namespaceName, useControlPlane } from './harness/control-plane';
import { PlusInjection, synthesizeInjectedPlusWorkloads } from './fixtures';

const cluster = useControlPlane({}, 'apiserver + etcd');

type Json = { [k: string]: any };
const templateOf = (o: Json): Json => (o.kind === 'CronJob' ? o.spec.jobTemplate.spec.template : o.spec.template);
const WORKLOAD_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob'];
const HOW: PlusInjection[] = ['none', 'java', 'sidecar', 'java+sidecar'];

describe.each(HOW)('cdk8s-plus workloads with injection "%s"', (how) => {
  const namespace = namespaceName(`inject-plus/${how}`);
  const objects = synthesizeInjectedPlusWorkloads(namespace, how);
  beforeAll(() => ensureNamespace(cluster.client, namespace));

  test('synthesizes the five workload kinds', () => {
    expect(objects.map((o) => o.kind).filter((k) => WORKLOAD_KINDS.includes(k))).toEqual(WORKLOAD_KINDS);
  });

  test.each(objects.map((o) => [`${o.kind} ${o.metadata.name}`, o] as [string, KubeObject]))(
    '%s is accepted by server-side apply (dryRun=All), workloads with their probes, ports and resources', async (_label, obj) => {
      const stored = await cluster.client.apply<KubeObject & Json>(obj, { dryRun: true, fieldManager: 'cdk8s-otel-inject-plus' });
      if (!WORKLOAD_KINDS.includes(obj.kind)) return;
      const spec = templateOf(stored).spec;
      const app = spec.containers.find((c: Json) => c.name === 'app');
      expect(app.startupProbe.tcpSocket).toEqual({ port: 8080 });
      expect(app.livenessProbe.tcpSocket).toEqual({ port: 8080 });
      expect(app.readinessProbe.httpGet).toMatchObject({ path: '/ready', port: 8080 });
      expect(app.ports.map((p: Json) => p.containerPort)).toEqual([8080]);
      expect(app.resources).toEqual({ limits: { cpu: '750m', memory: '256Mi' }, requests: { cpu: '250m', memory: '128Mi' } });
      const names = [...(spec.initContainers ?? []), ...spec.containers].map((c: Json) => c.name);
      if (how.includes('java')) expect(names).toContain('opentelemetry-auto-instrumentation-java');
      if (how.includes('sidecar')) expect(names).toContain('otc-container');
    });
});
