/**
 * The webhook server on a real kube-apiserver: `cdk8s-otel operator --webhook-host 127.0.0.1` runs as a subprocess
 * (jest cannot load @kubernetes/client-node), makes its own CA and serving certificate in a Secret, registers its
 * webhooks and the collector CRD's conversion by URL with that caBundle, and the API server calls it over TLS:
 * conversion of a v1alpha1 collector through /convert, defaulting and validation with upstream's messages, pod
 * injection (sidecar + Instrumentation) through /mutate-v1-pod, and a serving certificate renewed and reloaded
 * without a restart.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tls from 'node:tls';
import { parseAllDocuments } from 'yaml';
import { installCrds } from './fixtures';
import { UPSTREAM_E2E } from './fixtures';
import { ensureNamespace, KubeApiError, KubeObject, requireBinary, useControlPlane } from './harness/control-plane';
import { freePort, OperatorProcess, startOperator } from './operator-process';

let operator: OperatorProcess | undefined;
let webhookPort = 0;

// declared before the control plane's afterAll, so the operator stops while the API server still answers
afterAll(async () => {
  await operator?.stop();
  // the operator's JSON log, for a failing run: CDK8S_OTEL_WEBHOOKS_LOG=1
  if (process.env.CDK8S_OTEL_WEBHOOKS_LOG === '1') process.stdout.write(`operator output:\n${operator?.output()}\n`);
}, 30_000);

const cluster = useControlPlane({}, 'apiserver + etcd');
const NS = 'webhooks-it';
/** Outside a cluster (no $POD_NAMESPACE) the certificate Secret goes to `default`. */
const SECRET_NS = 'default';
/** Short on purpose: renewed at two thirds (20 s), so the rotation test sees one within its time. */
const CERT_VALIDITY = '30s';

/** The serial number of the certificate the webhook server presents to a new connection. */
function servedSerial(): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: '127.0.0.1', port: webhookPort, rejectUnauthorized: false }, () => {
      const serial = socket.getPeerCertificate().serialNumber;
      socket.end();
      resolve(serial);
    });
    socket.on('error', reject);
  });
}

const config = {
  receivers: { otlp: { protocols: { grpc: {}, http: {} } } },
  exporters: { debug: {} },
  service: { pipelines: { traces: { receivers: ['otlp'], exporters: ['debug'] } } },
};

beforeAll(async () => {
  const client = cluster.client;
  await installCrds(client);
  await ensureNamespace(client, NS);
  webhookPort = await freePort();
  operator = await startOperator(cluster.cp.kubeconfigPath, [
    '--webhook-host', '127.0.0.1', '--webhook-port', String(webhookPort), '--webhook-cert-validity', CERT_VALIDITY, '--watch-namespace', NS,
  ]);
  // ready means the webhooks serve; registered by URL: the conversion points at us and the pod webhook exists
  const crd = await client.get<KubeObject & { spec: { conversion?: { webhook?: { clientConfig?: { url?: string } } } } }>(
    'apiextensions.k8s.io/v1', 'CustomResourceDefinition', 'opentelemetrycollectors.opentelemetry.io');
  expect(crd.spec.conversion?.webhook?.clientConfig?.url).toBe(`https://127.0.0.1:${webhookPort}/convert`);
  expect(await client.tryGet('admissionregistration.k8s.io/v1', 'MutatingWebhookConfiguration', 'opentelemetry-operator-mutating-webhook-configuration')).toBeDefined();
  process.stdout.write(`[integration] operator with webhooks (certificate made, webhooks registered) ready in ${operator.readyMs} ms\n`);
}, 180_000);

test('the serving certificate and CA are kept in a Secret', async () => {
  const secret = await cluster.client.get<KubeObject & { type: string; data: Record<string, string> }>('v1', 'Secret', 'opentelemetry-operator-controller-manager-service-cert', SECRET_NS);
  expect(secret.type).toBe('kubernetes.io/tls');
  expect(Object.keys(secret.data).sort()).toEqual(['ca.crt', 'ca.key', 'tls.crt', 'tls.key']);
});

test('a v1alpha1 collector is converted through /convert (stored as v1beta1, defaulted) and read back as v1alpha1', async () => {
  const client = cluster.client;
  await client.waitFor('a v1alpha1 create through the conversion webhook', async () => {
    await client.create({
      apiVersion: 'opentelemetry.io/v1alpha1', kind: 'OpenTelemetryCollector', metadata: { name: 'alpha', namespace: NS },
      spec: { mode: 'deployment', config: 'receivers:\n  otlp:\n    protocols:\n      grpc: {}\nexporters:\n  debug: {}\nservice:\n  pipelines:\n    traces:\n      receivers: [otlp]\n      exporters: [debug]\n' },
    });
    return true;
  }, 30_000, 500);
  const beta = await client.get<KubeObject & { spec: any }>('opentelemetry.io/v1beta1', 'OpenTelemetryCollector', 'alpha', NS);
  expect(beta.spec.config.receivers.otlp.protocols.grpc).toEqual({ endpoint: '0.0.0.0:4317' });
  expect(beta.spec).toMatchObject({ mode: 'deployment', replicas: 1, upgradeStrategy: 'automatic', managementState: 'managed' });
  const alpha = await client.get<KubeObject & { spec: any }>('opentelemetry.io/v1alpha1', 'OpenTelemetryCollector', 'alpha', NS);
  expect(typeof alpha.spec.config).toBe('string');
  expect(alpha.spec.config).toContain('endpoint: 0.0.0.0:4317');
  // the defaulter added the telemetry reader and says so, as upstream's does
  const event = await client.waitFor('the DefaultsApplied Event', async () => (await client.list<any>('v1', 'Event', { namespace: NS })).items
    .find((e: any) => e.involvedObject?.name === 'alpha' && e.reason === 'Spec.Service.Telemetry.DefaultsApplied'), 30_000, 500);
  expect(event).toMatchObject({ type: 'Normal', message: 'Applied default Prometheus telemetry configuration (host: 0.0.0.0, port: 8888)', involvedObject: { kind: 'OpenTelemetryCollector' } });
});

test('the validating webhook rejects a collector with upstream\'s message', async () => {
  const error = await cluster.client.create({
    apiVersion: 'opentelemetry.io/v1beta1', kind: 'OpenTelemetryCollector', metadata: { name: 'bad-ta', namespace: NS },
    spec: { mode: 'deployment', targetAllocator: { enabled: true }, config },
  }).then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(KubeApiError);
  expect((error as KubeApiError).message).toContain(
    'admission webhook "vopentelemetrycollectorcreateupdatebeta.kb.io" denied the request: the OpenTelemetry Collector mode is set to deployment, which does not support the target allocation deployment');
});

describe('upstream e2e-automatic-rbac privilege escalation (kubectl --as, --dry-run=server)', () => {
  const dir = path.join(UPSTREAM_E2E, 'e2e-automatic-rbac');
  /** kubectl as chainsaw runs it: its stderr and whether it failed. */
  const kubectl = (args: string[], input: string) => new Promise<{ failed: boolean; stderr: string }>((resolve) => {
    const child = execFile(requireBinary('kubectl'), ['--kubeconfig', cluster.cp.kubeconfigPath, ...args], (error, _stdout, stderr) => resolve({ failed: !!error, stderr }));
    child.stdin!.end(input);
  });
  /** An upstream file with chainsaw's $namespace bindings filled in, applied in NS. */
  const applyUpstream = async (file: string) => {
    const text = fs.readFileSync(path.join(dir, file), 'utf8')
      .replace(/\(join\('-', \[\$namespace, '([a-z-]+)'\]\)\)/g, `${NS}-$1`).replace(/\(\$namespace\)/g, NS);
    for (const doc of parseAllDocuments(text)) {
      const obj = doc.toJSON() as KubeObject | null;
      if (!obj) continue;
      const namespaced = obj.kind === 'Role' || obj.kind === 'RoleBinding';
      await cluster.client.apply({ ...obj, metadata: { ...obj.metadata, ...(namespaced ? { namespace: NS } : {}) } });
    }
  };
  const dryRunAs = (user: string, file: string) =>
    kubectl(['apply', '--namespace', NS, '--dry-run=server', `--as=${user}`, '-f', '-'], fs.readFileSync(path.join(dir, file), 'utf8'));
  /** Retried as upstream's steps are: RBAC changes reach the authorizer after a moment. */
  const eventuallyAccepted = (user: string, file: string) => cluster.client.waitFor(`${user}'s request to be accepted`, async () => {
    const r = await dryRunAs(user, file);
    return r.failed ? undefined : r;
  }, 30_000, 1000).catch((e: Error) => ({ failed: true, stderr: e.message }));

  beforeAll(async () => {
    await applyUpstream('privilege-escalation-check/01-install.yaml');
    await applyUpstream('privilege-escalation-delta/01-install.yaml');
  });

  test('privilege-escalation-check: limited-user is rejected, the config would grant permissions they do not hold', async () => {
    const r = await dryRunAs('limited-user', 'privilege-escalation-check/02-collector.yaml');
    expect(r.failed).toBe(true);
    expect(r.stderr).toContain('is not allowed to create a collector whose config would grant permissions they do not hold');
  });

  test('privilege-escalation-check: permitted-user is accepted', async () => {
    expect(await eventuallyAccepted('permitted-user', 'privilege-escalation-check/02-collector.yaml')).toEqual({ failed: false, stderr: '' });
  });

  test('privilege-escalation-delta: limited-user is accepted, the service account already holds the rules', async () => {
    expect(await eventuallyAccepted('limited-user', 'privilege-escalation-delta/02-collector.yaml')).toEqual({ failed: false, stderr: '' });
  });

  test('TargetAllocator prometheusCR: the rules the allocator\'s account lacks come back as upstream\'s warnings', async () => {
    const collector = [
      'apiVersion: opentelemetry.io/v1beta1', 'kind: OpenTelemetryCollector', 'metadata: { name: prom-cr }', 'spec:', '  mode: statefulset',
      '  targetAllocator: { enabled: true, prometheusCR: { enabled: true } }', '  config:',
      '    receivers: { prometheus: { config: { scrape_configs: [] } } }', '    exporters: { debug: {} }',
      '    service: { pipelines: { metrics: { receivers: [prometheus], exporters: [debug] } } }', '',
    ].join('\n');
    const r = await kubectl(['apply', '--namespace', NS, '--dry-run=server', '-f', '-'], collector);
    expect(r.failed).toBe(false);
    // the account does not exist: every rule is missing, one warning per resource
    expect(r.stderr).toContain(`Warning: missing the following rules for system:serviceaccount:${NS}:prom-cr-targetallocator - monitoring.coreos.com/servicemonitors: [*]`);
    expect(r.stderr).toContain(`Warning: missing the following rules for system:serviceaccount:${NS}:prom-cr-targetallocator - nonResourceURL: /metrics: [get]`);
  });
});

describe('pods through /mutate-v1-pod', () => {
  beforeAll(async () => {
    const client = cluster.client;
    await client.create({ apiVersion: 'opentelemetry.io/v1beta1', kind: 'OpenTelemetryCollector', metadata: { name: 'side', namespace: NS }, spec: { mode: 'sidecar', config } });
    await client.create({
      apiVersion: 'opentelemetry.io/v1alpha1', kind: 'Instrumentation', metadata: { name: 'java', namespace: NS },
      spec: { exporter: { endpoint: 'http://localhost:4318' }, sampler: { type: 'parentbased_always_on' } },
    });
  }, 30_000);

  const pod = (name: string) => ({
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name, namespace: NS, annotations: { 'sidecar.opentelemetry.io/inject': 'true', 'instrumentation.opentelemetry.io/inject-java': 'true' } },
    spec: { containers: [{ name: 'app', image: 'example.invalid/app:1' }] },
  });
  type Pod = KubeObject & { spec: { containers: Array<{ name: string; env?: Array<{ name: string; value?: string }> }>; initContainers?: Array<{ name: string; restartPolicy?: string }> } };

  test('get the collector sidecar and the Java agent', async () => {
    const client = cluster.client;
    // the operator's caches see the collector and the Instrumentation shortly after they are created
    await client.waitFor('a dry-run pod to be injected', async () => {
      const p = await client.create<Pod>(pod('probe'), { dryRun: true });
      return (p.spec.initContainers ?? []).some((c) => c.name === 'otc-container') && p.spec.containers[0].env?.some((e) => e.name === 'JAVA_TOOL_OPTIONS');
    }, 30_000, 500);
    const created = await client.create<Pod>(pod('app'));
    const init = created.spec.initContainers ?? [];
    // Kubernetes 1.36 has native sidecars: the collector is an init container that keeps running, as upstream injects it
    expect(init.find((c) => c.name === 'otc-container')).toMatchObject({ restartPolicy: 'Always' });
    expect(init.map((c) => c.name)).toContain('opentelemetry-auto-instrumentation-java');
    expect(created.metadata.labels?.['sidecar.opentelemetry.io/injected']).toBe(`${NS}.side`);
    const env = created.spec.containers[0].env ?? [];
    expect(env.find((e) => e.name === 'JAVA_TOOL_OPTIONS')?.value).toMatch(/-javaagent:\/otel-auto-instrumentation-java[-a-z]*\/javaagent\.jar/);
    expect(env.find((e) => e.name === 'OTEL_EXPORTER_OTLP_ENDPOINT')?.value).toBe('http://localhost:4318');
  });

  test('a pod the mutator cannot serve is admitted unchanged (failurePolicy Ignore)', async () => {
    const p = await cluster.client.create<Pod>({
      ...pod('named-missing'),
      metadata: { name: 'named-missing', namespace: NS, annotations: { 'sidecar.opentelemetry.io/inject': 'does-not-exist' } },
    });
    expect(p.spec.initContainers ?? []).toEqual([]);
    expect(p.spec.containers.map((c) => c.name)).toEqual(['app']);
  });
});

test('the serving certificate is renewed and reloaded without a restart; the API server keeps calling', async () => {
  const client = cluster.client;
  const pid = operator!.child.pid;
  const before = await servedSerial();
  const secretBefore = (await client.get<KubeObject & { data: Record<string, string> }>('v1', 'Secret', 'opentelemetry-operator-controller-manager-service-cert', SECRET_NS)).data;
  const after = await client.waitFor('a renewed serving certificate', async () => {
    const s = await servedSerial();
    return s !== before ? s : undefined;
  }, 45_000, 1000);
  expect(after).not.toBe(before);
  expect(operator!.child.exitCode).toBeNull();
  expect(operator!.child.pid).toBe(pid);
  expect(operator!.logs().filter((l) => l.msg === 'reloaded the webhook certificate').length).toBeGreaterThanOrEqual(1);
  const secretAfter = (await client.get<KubeObject & { data: Record<string, string> }>('v1', 'Secret', 'opentelemetry-operator-controller-manager-service-cert', SECRET_NS)).data;
  expect(secretAfter['tls.crt']).not.toBe(secretBefore['tls.crt']);
  // same CA: the caBundle the API server holds still trusts the new certificate
  expect(secretAfter['ca.crt']).toBe(secretBefore['ca.crt']);
  const converted = await client.get<KubeObject & { spec: { config: string } }>('opentelemetry.io/v1alpha1', 'OpenTelemetryCollector', 'alpha', NS);
  expect(typeof converted.spec.config).toBe('string');
  const p = await client.create<KubeObject & { spec: { initContainers?: Array<{ name: string }> } }>({
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name: 'after-rotation', namespace: NS, annotations: { 'sidecar.opentelemetry.io/inject': 'side' } },
    spec: { containers: [{ name: 'app', image: 'example.invalid/app:1' }] },
  });
  expect((p.spec.initContainers ?? []).map((c) => c.name)).toContain('otc-container');
}, 90_000);
