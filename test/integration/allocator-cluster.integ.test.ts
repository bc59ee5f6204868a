/**
 * The target allocator in a cluster (issue 12 items 1, 2, 7, 8): `cdk8s-otel target-allocator` runs as a real
 * process (client-node cannot load in jest) against the test control plane, with the targetallocator.yaml the
 * TargetAllocator construct writes into its ConfigMap, verbatim. Collector pods on a kwok node are discovered
 * by the construct's collector_selector; targets come from Pods and Endpoints through kubernetes_sd_configs;
 * two replicas must give the same answers; and, when the test collector is built, a real OpenTelemetry
 * Collector polls one replica with its collector_id and scrapes what it was given. kwok pod IPs are never
 * dialled: the jobs' relabel rules point `__address__` at a metrics server of this test on 127.0.0.1.
 */
import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Chart, Testing } from 'cdk8s';
import { parse } from 'yaml';
import { OtelCollector } from '../../src/constructs';
import { KubeObject } from '../../src/common/kube';
import { ensureNamespace, useControlPlane } from './harness/control-plane';
import { installPrometheusOperatorCrds } from './prometheus-operator-crds';
import { buildOperator, freePort, httpGet } from './operator-process';
import {
  attrs, close, Collector, MetricsServer, OTELCOL, readExported, startCollector, startMetricsServer, stopCollector, tail, waitFor,
} from './otelcol-harness';
import { storedCollector } from '../targetallocator/helpers';

const OBS = 'obs-ta';
const SHOP = 'shop-ta';
// enough that consistent hashing on kwok's consecutive pod IPs gives both collectors some (6 did not)
const APP_PODS = 16;

/** The allocator's RBAC in upstream's e2e suite, verbatim (step-templates/target-allocator-rbac-comprehensive.yaml). */
const READ = ['get', 'watch', 'list'];
const UPSTREAM_TA_RULES = [
  { apiGroups: [''], resources: ['pods', 'nodes', 'nodes/metrics', 'services', 'endpoints', 'configmaps', 'secrets', 'namespaces'], verbs: READ },
  { apiGroups: ['apps'], resources: ['statefulsets', 'services', 'endpoints'], verbs: READ },
  { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: READ },
  { apiGroups: ['networking.k8s.io'], resources: ['ingresses'], verbs: READ },
  { apiGroups: ['monitoring.coreos.com'], resources: ['servicemonitors', 'podmonitors', 'scrapeconfigs', 'probes'], verbs: READ },
  { nonResourceURLs: ['/metrics', '/apis', '/apis/*', '/api', '/api/*'], verbs: ['get'] },
];
const SM_JOB = `serviceMonitor/${'shop-ta'}/web/0`;
const SC_JOB = `scrapeConfig/${'shop-ta'}/static`;

const tc = useControlPlane({ nodes: 1 }, 'allocator control plane');

interface AllocatorProcess {
  readonly child: ChildProcess;
  readonly port: number;
  output(): string;
  stop(): Promise<number | null>;
}

async function startAllocatorProcess(configFile: string, kubeconfig: string): Promise<AllocatorProcess> {
  const build = buildOperator();
  const port = await freePort();
  const t0 = Date.now();
  const child = spawn(process.execPath, [path.join(build, 'operator.js'), 'target-allocator', '--config', configFile,
    '--listen', `127.0.0.1:${port}`, '--kubeconfig', kubeconfig], {
    stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, OTELCOL_NAMESPACE: OBS },
  });
  const reap = () => child.kill('SIGKILL');
  process.once('exit', reap);
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => {
    process.off('exit', reap);
    resolve(code);
  }));
  const deadline = Date.now() + 60_000;
  while ((await httpGet(port, '/readyz')).status !== 200) {
    if (child.exitCode !== null) throw new Error(`target allocator exited with ${child.exitCode}:\n${out}`);
    if (Date.now() > deadline) throw new Error(`target allocator not ready after 60 s:\n${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  process.stdout.write(`[integration] target allocator process ready in ${Date.now() - t0} ms\n`);
  return {
    child, port, output: () => out,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

/** Polls the async `probe` until it gives a value (waitFor of the harness takes synchronous probes). */
async function waitForAsync<T>(what: string, probe: () => Promise<T | undefined>, diagnostics: () => string, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}\n${diagnostics()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The debug view of a job: collector → the targets' `__address__`es, sorted. */
async function assignment(port: number, job: string): Promise<Record<string, string[]>> {
  // the job name QueryEscape'd, as the collector asks for it (serviceMonitor/ns/name/0 → serviceMonitor%2Fns%2F…)
  const res = await httpGet(port, `/jobs/${encodeURIComponent(job)}/targets`);
  if (res.status !== 200) return {};
  const body = JSON.parse(res.body) as Record<string, { targets: Array<{ targets: string[] }> }>;
  return Object.fromEntries(Object.entries(body).map(([c, v]) => [c, v.targets.map((t) => t.targets[0]).sort()]));
}

function appPod(name: string, node: string): KubeObject {
  return {
    apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: SHOP, labels: { app: 'web' } },
    spec: { nodeName: node, containers: [{ name: 'app', image: 'web:1', ports: [{ name: 'metrics', containerPort: 9090 }, { name: 'http', containerPort: 8080 }] }] },
  } as KubeObject;
}

function staticScrapeConfig(targets: string[]): KubeObject {
  return {
    apiVersion: 'monitoring.coreos.com/v1alpha1', kind: 'ScrapeConfig', metadata: { name: 'static', namespace: SHOP, labels: { team: 'shop' } },
    spec: { staticConfigs: [{ targets, labels: { source: 'scrapeconfig' } }], basicAuth: { username: { name: 'scrape-auth', key: 'user' }, password: { name: 'scrape-auth', key: 'pass' } } },
  } as unknown as KubeObject;
}

describe('target allocator in a cluster, from the ConfigMap the construct writes', () => {
  let dir: string;
  let metrics: MetricsServer;
  let replicas: AllocatorProcess[] = [];
  let collector: Collector | undefined;
  let selectorLabels: Record<string, string>;
  let node: string;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-otel-ta-cluster-'));
    metrics = await startMetricsServer();
    node = tc.cp.nodeNames[0];
    const local = `127.0.0.1:${metrics.port}`;
    // the collector's receiver config, as a user writes it; the construct moves it into the allocator's file
    const toLocal = [
      { source_labels: ['__meta_kubernetes_pod_name'], target_label: 'pod' },
      { target_label: '__address__', replacement: local },
    ];
    const receiverConfig = {
      global: { scrape_interval: '1s', scrape_timeout: '1s' },
      scrape_configs: [
        {
          job_name: 'pods', kubernetes_sd_configs: [{ role: 'pod', namespaces: { names: [SHOP] } }],
          relabel_configs: [{ source_labels: ['__meta_kubernetes_pod_container_port_name'], regex: 'metrics', action: 'keep' }, ...toLocal],
        },
        {
          job_name: 'web-endpoints', kubernetes_sd_configs: [{ role: 'endpoints', namespaces: { names: [SHOP] } }],
          relabel_configs: [{ source_labels: ['__meta_kubernetes_service_name'], regex: 'web', action: 'keep' }, ...toLocal],
        },
      ],
    };
    const chart = new Chart(Testing.app(), 'c');
    const cr = storedCollector({
      apiVersion: 'opentelemetry.io/v1beta1', kind: 'OpenTelemetryCollector', metadata: { name: 'agg', namespace: OBS },
      spec: {
        mode: 'statefulset',
        targetAllocator: { enabled: true, collectorNotReadyGracePeriod: '2s', prometheusCR: { enabled: true, scrapeInterval: '1s', serviceMonitorSelector: { matchLabels: { team: 'shop' } }, scrapeConfigSelector: { matchLabels: { team: 'shop' } } } },
        config: { receivers: { prometheus: { config: receiverConfig } }, exporters: { debug: {} }, service: { pipelines: { metrics: { receivers: ['prometheus'], exporters: ['debug'] } } } },
      },
    });
    const cm = OtelCollector.fromCustomResource(chart, 'c', cr).targetAllocator!.toJson().find((m: any) => m.kind === 'ConfigMap') as any;
    const configFile = path.join(dir, 'targetallocator.yaml');
    fs.writeFileSync(configFile, cm.data['targetallocator.yaml']);
    selectorLabels = parse(cm.data['targetallocator.yaml']).collector_selector.matchlabels;

    const client = tc.client;
    await installPrometheusOperatorCrds(client, ['servicemonitors', 'podmonitors', 'scrapeconfigs']);
    await ensureNamespace(client, OBS);
    await ensureNamespace(client, SHOP);
    for (let i = 0; i < 2; i++) {
      await client.create({
        apiVersion: 'v1', kind: 'Pod', metadata: { name: `agg-collector-${i}`, namespace: OBS, labels: selectorLabels },
        spec: { nodeName: node, containers: [{ name: 'otc-container', image: 'otelcol:test' }] },
      } as KubeObject);
    }
    // a pod of the same namespace that the selector does not pick
    await client.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'not-a-collector', namespace: OBS, labels: { app: 'x' } }, spec: { nodeName: node, containers: [{ name: 'c', image: 'x' }] } } as KubeObject);
    for (let i = 0; i < APP_PODS; i++) await client.create(appPod(`web-${i}`, node));
    await client.create({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: SHOP }, spec: { selector: { app: 'web' }, ports: [{ name: 'metrics', port: 9090 }] } } as KubeObject);
    // no endpoints controller runs: the Endpoints are written as it would write them, pointing at the pods
    await client.create({
      apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'web', namespace: SHOP },
      subsets: [{ addresses: [0, 1, 2].map((i) => ({ ip: `10.0.1.${50 + i}`, nodeName: node, targetRef: { kind: 'Pod', name: `web-${i}`, namespace: SHOP } })), ports: [{ name: 'metrics', port: 9090, protocol: 'TCP' }] }],
    } as KubeObject);

    // no EndpointSlice controller either: the slice the ServiceMonitor's endpointslice role reads
    await client.create({
      apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { name: 'web-x1', namespace: SHOP, labels: { 'kubernetes.io/service-name': 'web' } },
      addressType: 'IPv4', ports: [{ name: 'metrics', port: 9090, protocol: 'TCP' }],
      endpoints: [0, 1, 2, 3].map((i) => ({ addresses: [`10.0.2.${10 + i}`], conditions: { ready: true }, nodeName: node, targetRef: { kind: 'Pod', name: `web-${i}`, namespace: SHOP } })),
    } as unknown as KubeObject);
    await client.apply({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: SHOP, labels: { app: 'web' } }, spec: { selector: { app: 'web' }, ports: [{ name: 'metrics', port: 9090 }] } } as KubeObject);
    await client.create({
      apiVersion: 'monitoring.coreos.com/v1', kind: 'ServiceMonitor', metadata: { name: 'web', namespace: SHOP, labels: { team: 'shop' } },
      spec: { selector: { matchLabels: { app: 'web' } }, attachMetadata: { node: true }, endpoints: [{ port: 'metrics', relabelings: [{ targetLabel: '__address__', replacement: local }] }] },
    } as unknown as KubeObject);
    // a ScrapeConfig (v1alpha1) with static targets on 127.0.0.0/8 and basic auth from a Secret
    await client.create({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'scrape-auth', namespace: SHOP }, stringData: { user: 'scraper', pass: 'hunter2' } } as unknown as KubeObject);
    await client.create(staticScrapeConfig([`127.0.0.1:${metrics.port}`, `127.0.0.2:${metrics.port}`]));
    // replica 0 runs as the cluster admin, replica 1 as a ServiceAccount with only upstream's allocator RBAC
    replicas = [await startAllocatorProcess(configFile, tc.cp.kubeconfigPath), await startAllocatorProcess(configFile, await serviceAccountKubeconfig(dir))];
  }, 180_000);

  afterAll(async () => {
    await stopCollector(collector);
    for (const r of replicas) await r.stop();
    await close(metrics?.server);
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  }, 30_000);

  /** A kubeconfig authenticating as ServiceAccount `ta` of OBS, bound to {@link UPSTREAM_TA_RULES} only. */
  async function serviceAccountKubeconfig(where: string): Promise<string> {
    const client = tc.client;
    await client.create({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'ta', namespace: OBS } } as KubeObject);
    await client.create({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: `targetallocator-${OBS}` }, rules: UPSTREAM_TA_RULES } as unknown as KubeObject);
    await client.create({
      apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: `targetallocator-${OBS}` },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: `targetallocator-${OBS}` },
      subjects: [{ kind: 'ServiceAccount', name: 'ta', namespace: OBS }],
    } as unknown as KubeObject);
    const tr = await client.request<{ status: { token: string } }>('POST', `/api/v1/namespaces/${OBS}/serviceaccounts/ta/token`, {
      apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds: 3600 },
    });
    const file = path.join(where, 'ta.kubeconfig');
    fs.writeFileSync(file, [
      'apiVersion: v1', 'kind: Config',
      `clusters: [{name: t, cluster: {server: "${tc.cp.server}", certificate-authority: "${tc.cp.certs.caCert}"}}]`,
      `users: [{name: ta, user: {token: "${tr.status.token}"}}]`,
      'contexts: [{name: t, context: {cluster: t, user: ta}}]', 'current-context: t', '',
    ].join('\n'), { mode: 0o600 });
    return file;
  }

  const diag = () => replicas.map((r, i) => `replica ${i}:\n${r.output().slice(-2000)}`).join('\n');

  test('collector pods picked by the construct\'s collector_selector get the pod targets, split between them', async () => {
    const converged = (port: number) => waitForAsync('both collectors and every app pod', async () => {
      const now = await assignment(port, 'pods');
      const names = Object.keys(now).sort();
      const total = Object.values(now).reduce((n, t) => n + t.length, 0);
      return names.join() === 'agg-collector-0,agg-collector-1' && total === APP_PODS ? now : undefined;
    }, diag, 60_000);
    const a = await converged(replicas[0].port);
    expect(await converged(replicas[1].port)).toEqual(a);
    expect(Object.fromEntries(Object.entries(a).map(([c, t]) => [c, t.length > 0]))).toEqual({ 'agg-collector-0': true, 'agg-collector-1': true });
    // discovered (pre-relabel) addresses: the kwok pod IPs (--cidr 10.244.0.1/16) with the metrics port; the
    // collector relabels them to 127.0.0.1
    expect(Object.values(a).flat().filter((addr) => !/^10\.244\.\d+\.\d+:9090$/.test(addr))).toEqual([]);
  }, 90_000);

  test('a collector\'s list carries Prometheus\'s __meta_kubernetes_* labels', async () => {
    type Group = { targets: string[]; labels: Record<string, string> };
    // the Endpoints informer may sync after the pods one that the previous test waited for
    const groups = await waitForAsync('the web Endpoints\' three addresses and three http ports', async () => {
      const lists = await Promise.all(['agg-collector-0', 'agg-collector-1'].map((c) => httpGet(replicas[0].port, `/jobs/web-endpoints/targets?collector_id=${c}`)));
      if (lists.some((r) => r.status !== 200)) return undefined;
      const all = lists.flatMap((r) => JSON.parse(r.body) as Group[]);
      return all.length === 6 ? all : undefined;
    }, diag, 60_000);
    // the three ready addresses, and each pod's other container port (http 8080) as a target of its own at the
    // pod's IP, as Prometheus adds the ports an endpoint does not cover
    expect(groups.filter((g) => g.targets[0].endsWith(':9090')).map((g) => g.targets[0]).sort()).toEqual(['10.0.1.50:9090', '10.0.1.51:9090', '10.0.1.52:9090']);
    const http8080 = groups.filter((g) => g.targets[0].endsWith(':8080'));
    expect(http8080.map((g) => g.labels.__meta_kubernetes_pod_name).sort()).toEqual(['web-0', 'web-1', 'web-2']);
    expect(http8080.every((g) => g.labels.__meta_kubernetes_pod_container_port_name === 'http' && g.labels.__meta_kubernetes_endpoint_ready === undefined)).toBe(true);
    const g = groups.find((x) => x.targets[0] === '10.0.1.50:9090')!;
    expect(g.labels).toMatchObject({
      __address__: '10.0.1.50:9090', __meta_kubernetes_namespace: SHOP, __meta_kubernetes_service_name: 'web', __meta_kubernetes_endpoints_name: 'web',
      __meta_kubernetes_endpoint_ready: 'true', __meta_kubernetes_endpoint_port_name: 'metrics', __meta_kubernetes_endpoint_address_target_kind: 'Pod',
      __meta_kubernetes_endpoint_address_target_name: 'web-0', __meta_kubernetes_pod_name: 'web-0', __meta_kubernetes_pod_label_app: 'web',
      __meta_kubernetes_pod_container_name: 'app', __meta_kubernetes_pod_container_port_number: '9090', __meta_kubernetes_pod_node_name: node,
    });
  });

  test('a ServiceMonitor becomes serviceMonitor/<ns>/<name>/0 with the Prometheus Operator\'s relabel rules and EndpointSlice targets', async () => {
    const configs = JSON.parse((await waitForAsync('the ServiceMonitor job', async () => {
      const r = await httpGet(replicas[0].port, '/scrape_configs');
      return r.status === 200 && r.body.includes(SM_JOB) ? r : undefined;
    }, diag, 60_000)).body);
    const job = configs[SM_JOB];
    expect(job.kubernetes_sd_configs).toEqual([expect.objectContaining({ role: 'endpointslice', namespaces: expect.objectContaining({ names: [SHOP] }) })]);
    expect(job.scrape_interval).toBe('1s');
    expect(job.relabel_configs[1]).toMatchObject({ action: 'keep', source_labels: ['__meta_kubernetes_service_label_app', '__meta_kubernetes_service_labelpresent_app'], regex: '(web);true' });
    const a = await waitForAsync('the EndpointSlice targets', async () => {
      const now = await assignment(replicas[0].port, SM_JOB);
      return Object.values(now).flat().length === 4 ? now : undefined;
    }, diag, 60_000);
    expect(Object.values(a).flat().sort()).toEqual(['10.0.2.10:9090', '10.0.2.11:9090', '10.0.2.12:9090', '10.0.2.13:9090']);
    const res = await httpGet(replicas[0].port, `/jobs/${encodeURIComponent(SM_JOB)}/targets?collector_id=${Object.keys(a).find((c) => a[c].length > 0)}`);
    const g = (JSON.parse(res.body) as Array<{ labels: Record<string, string> }>)[0];
    expect(g.labels).toMatchObject({ __meta_kubernetes_endpointslice_name: 'web-x1', __meta_kubernetes_service_name: 'web', __meta_kubernetes_endpointslice_port_name: 'metrics' });
    // attachMetadata.node: the endpoint's node's labels (kwok's node), through a Node informer
    // served as Prometheus marshals it: every attach_metadata key (tools/ta-scrape-configs-fixture)
    expect(job.kubernetes_sd_configs[0].attach_metadata).toEqual({ node: true, namespace: false, deployment: false, job: false, cronjob: false });
    expect(g.labels).toMatchObject({ __meta_kubernetes_node_name: node, __meta_kubernetes_node_label_type: 'kwok', __meta_kubernetes_node_labelpresent_type: 'true' });
  }, 90_000);

  test('two replicas (one with only upstream\'s RBAC) give byte-identical answers for every job and collector', async () => {
    await waitForAsync('the ServiceMonitor job on both replicas', async () => {
      const all = await Promise.all(replicas.map((r) => assignment(r.port, SM_JOB)));
      return all.every((a) => Object.values(a).flat().length === 4) ? all : undefined;
    }, diag, 60_000);
    for (const job of ['pods', 'web-endpoints', SM_JOB, SC_JOB]) {
      for (const c of ['agg-collector-0', 'agg-collector-1', 'unknown']) {
        const p = `/jobs/${encodeURIComponent(job)}/targets?collector_id=${c}`;
        const [a, b] = await Promise.all(replicas.map((r) => httpGet(r.port, p)));
        expect(a.status).toBe(200);
        expect(b.body).toBe(a.body);
      }
    }
    const [sa, sb] = await Promise.all(replicas.map((r) => httpGet(r.port, '/scrape_configs')));
    expect(sb.body).toBe(sa.body);
    expect(Object.keys(JSON.parse(sa.body)).sort()).toEqual(['pods', SC_JOB, SM_JOB, 'web-endpoints']);
  });

  test('a ScrapeConfig with static targets becomes scrapeConfig/<ns>/<name>, its targets are allocated, and a change is reloaded', async () => {
    const configs = JSON.parse((await waitForAsync('the ScrapeConfig job', async () => {
      const r = await httpGet(replicas[0].port, '/scrape_configs');
      return r.status === 200 && r.body.includes(SC_JOB) ? r : undefined;
    }, diag, 60_000)).body);
    const job = configs[SC_JOB];
    expect(job.static_configs).toEqual([{ targets: [`127.0.0.1:${metrics.port}`, `127.0.0.2:${metrics.port}`], labels: { source: 'scrapeconfig' } }]);
    // credentials inlined from the Secret, redacted on plain HTTP as upstream's allocator does
    expect(job.basic_auth).toEqual({ username: 'scraper', password: '<secret>' });
    expect(job.relabel_configs).toEqual([{ source_labels: ['job'], target_label: '__tmp_prometheus_job_name', separator: ';', replacement: '$1', action: 'replace' }]);
    expect(job.scrape_interval).toBe('1s');
    const a = await waitForAsync('the ScrapeConfig targets', async () => {
      const now = await assignment(replicas[0].port, SC_JOB);
      return Object.values(now).flat().length === 2 ? now : undefined;
    }, diag, 60_000);
    expect(Object.values(a).flat().sort()).toEqual([`127.0.0.1:${metrics.port}`, `127.0.0.2:${metrics.port}`]);
    const owner = Object.keys(a).find((c) => a[c].length > 0)!;
    const groups = JSON.parse((await httpGet(replicas[0].port, `/jobs/${encodeURIComponent(SC_JOB)}/targets?collector_id=${owner}`)).body) as Array<{ labels: Record<string, string> }>;
    expect(groups[0].labels.source).toBe('scrapeconfig');

    const t0 = Date.now();
    await tc.client.apply(staticScrapeConfig([`127.0.0.3:${metrics.port}`]), { fieldManager: 'cdk8s-otel-test', force: true });
    for (const r of replicas) {
      await waitForAsync('the changed ScrapeConfig targets', async () => {
        const now = await assignment(r.port, SC_JOB);
        return Object.values(now).flat().join() === `127.0.0.3:${metrics.port}` ? now : undefined;
      }, diag, 60_000);
    }
    process.stdout.write(`[integration] ScrapeConfig changed -> new targets on both replicas in ${Date.now() - t0} ms\n`);
  }, 150_000);

  test('a real collector polls with its collector_id and scrapes the targets assigned to it on 127.0.0.1', async () => {
    if (!fs.existsSync(OTELCOL)) {
      throw new Error(`the test collector is not built (${OTELCOL}); build it with bash scripts/build-otelcol.sh`);
    }
    const mine = JSON.parse((await httpGet(replicas[0].port, '/jobs/pods/targets?collector_id=agg-collector-0')).body) as Array<{ labels: Record<string, string> }>;
    const minePods = mine.map((g) => g.labels.__meta_kubernetes_pod_name).sort();
    expect(minePods.length).toBeGreaterThan(0);
    expect(minePods.length).toBeLessThan(APP_PODS);
    const before = metrics.scrapes;
    collector = startCollector(dir, { name: 'agg-collector-0', collectorId: 'agg-collector-0', endpoint: `http://127.0.0.1:${replicas[0].port}` });
    const c = collector;
    const scrapedPods = () => [...new Set(readExported(c.exportFile)
      .filter((m) => m.name === 'cdk8s_otel_test_temperature' && m.resource['service.name'] === 'pods')
      .flatMap((m) => m.points.map((p) => String(attrs(p.attributes).pod ?? ''))))].sort();
    await waitFor('metrics scraped for every pod assigned to agg-collector-0', () => scrapedPods().length >= minePods.length || undefined,
      () => `collector log:\n${tail(c.logFile)}\n${diag()}`, 60_000);
    expect(metrics.scrapes).toBeGreaterThan(before);
    // exactly the pods assigned to this collector: the other collector's are not scraped here
    expect(scrapedPods()).toEqual(minePods);
  }, 90_000);

  test('a collector pod leaving hands its targets to the one left; a new app pod is picked up', async () => {
    const t0 = Date.now();
    await tc.client.delete('v1', 'Pod', 'agg-collector-1', OBS);
    await tc.client.create(appPod('web-new', node));
    for (const r of replicas) {
      const now = await waitForAsync('all targets on agg-collector-0', async () => {
        const a = await assignment(r.port, 'pods');
        return Object.keys(a).join() === 'agg-collector-0' && a['agg-collector-0'].length === APP_PODS + 1 ? a : undefined;
      }, diag, 60_000);
      expect(now['agg-collector-0']).toHaveLength(APP_PODS + 1);
    }
    // upstream batches collector changes for 5 s; so do we
    process.stdout.write(`[integration] collector pod deleted -> targets reallocated on both replicas in ${Date.now() - t0} ms\n`);
  }, 150_000);
});
