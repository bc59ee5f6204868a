/**
 * `npm run e2e [-- --include GLOB ...]`: upstream's chainsaw suite, files unchanged, against our operator.
 *
 * Starts a dev cluster (etcd, kube-apiserver, controller manager, scheduler, kwok with our pod stages), installs our
 * CRDs, the objects an install makes (namespace opentelemetry-operator-system, the operator's Deployment, which
 * kwok "runs", its RBAC) and the Prometheus Operator and Gateway API CRDs, provisions volumes for claims as kind does, runs `cdk8s-otel operator` on the host
 * with the flags upstream's CI passes (webhooks registered by URL on 127.0.0.1), then the Go-built chainsaw on the
 * reachable case folders of ../shared/upstream-e2e, read in place. Prints a row per case and the last line
 * `N passed, M failed, K skipped`; writes the report, JUnit XML and chainsaw's JSON to --report-dir. Every process
 * and temp folder it made is removed at the end, also on SIGINT/SIGTERM.
 *
 * Exit code: 0 when every failing case is in the known-failures file, 1 otherwise, 2 for wrong usage or a
 * cluster/operator that did not come up.
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { allCrds } from '../apis';
import { ControlPlane, findBinary, freePort, KubeClient, KubeObject, pushAllocatorImage, requireBinary, startControlPlane } from '../devcluster';
import { ManagedProcess, startProcess, tailFile } from '../devcluster';
import { buildOperatorInstallObjects, OPERATOR_NAMESPACE } from '../install';
import { CONTROLLER_MANAGER } from '../install';
import { discoverCases, E2eCase, selectCases, testDirs } from './cases';
import { extraCrds } from './extra-crds';
import { kwokPodStagesYaml } from './kwok-stages';
import { provisionVolumes } from './volumes';
import { caseRows, ChainsawJsonReport, formatReport, junitXml, parseKnownFailures, totals } from './report';

const ROOT = path.resolve(__dirname, '../..');
const FIELD_MANAGER = 'cdk8s-otel-e2e';

/**
 * Flags of upstream's CI for the operator, gathered from its Makefile's e2e targets (one operator serves all suites
 * here, upstream patches one Deployment per suite): add-instrumentation-params (Go), add-multi-instrumentation-params,
 * the metadata filters of e2e-metadata-filters, and enable-targetallocator-cr.
 */
export const UPSTREAM_CI_OPERATOR_FLAGS: readonly string[] = [
  '--enable-go-instrumentation=true',
  '--enable-multi-instrumentation=true',
  '--annotations-filter=.*filter.out',
  '--annotations-filter=config.*.gke.io.*',
  '--labels-filter=.*filter.out',
  '--feature-gates=operator.collector.targetallocatorcr',
];

interface Options {
  include: string[];
  reportDir: string;
  knownFailures: string;
  upstream: string;
  nodes: number;
  keep: boolean;
  realNode: boolean;
}

function usage(): string {
  return [
    'usage: npm run e2e [-- --include GLOB ...] [--report-dir DIR] [--known-failures FILE] [--nodes N] [--keep]',
    '  --include GLOB        run only cases whose <suite>/<case> matches (e.g. e2e-sidecar/*, smoke-*, e2e/**); may repeat',
    '  --report-dir DIR      where e2e-report.txt, junit.xml and chainsaw.json go (default .cache/e2e)',
    '  --known-failures FILE cases allowed to fail, with reasons (default test/e2e/known-failures.txt)',
    '  --nodes N             kwok fake nodes (default 2)',
    '  --keep                keep the cluster folder (logs, kubeconfig) for debugging',
    '  --real-node           run the R cases (not OpenShift) on a real node (root; kubelet + containerd, local registry)',
    '                        instead of the O and K cases on kwok nodes',
    '  env UPSTREAM_E2E_DIR  the upstream suite (default ../shared/upstream-e2e)',
  ].join('\n');
}

function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      'include': { type: 'string', multiple: true },
      'report-dir': { type: 'string' },
      'known-failures': { type: 'string' },
      'nodes': { type: 'string' },
      'keep': { type: 'boolean' },
      'real-node': { type: 'boolean' },
      'help': { type: 'boolean' },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(usage() + '\n');
    process.exit(0);
  }
  const nodes = Number(values.nodes ?? '2');
  if (!Number.isInteger(nodes) || nodes < 1 || nodes > 20) throw new Error(`--nodes ${values.nodes}: expected a whole number from 1 to 20`);
  return {
    include: values.include ?? [],
    reportDir: path.resolve(values['report-dir'] ?? path.join(ROOT, '.cache', 'e2e')),
    knownFailures: path.resolve(values['known-failures'] ?? path.join(ROOT, 'test', 'e2e', 'known-failures.txt')),
    upstream: path.resolve(process.env.UPSTREAM_E2E_DIR ?? path.join(ROOT, '..', 'shared', 'upstream-e2e')),
    nodes,
    keep: values.keep ?? false,
    realNode: values['real-node'] ?? false,
  };
}

type Status = KubeObject & { status?: { conditions?: Array<{ type: string; status: string }>; readyReplicas?: number } };

/** Our CRDs (conversion by the webhook, which the operator points at itself), the install objects, the third-party CRDs. */
async function installCluster(client: KubeClient, log: (l: string) => void, realNode = false): Promise<void> {
  const established = async (crds: KubeObject[]) => {
    for (const crd of crds) {
      await client.waitFor(`CRD ${crd.metadata.name} Established`, async () => {
        const got = await client.get<Status>('apiextensions.k8s.io/v1', 'CustomResourceDefinition', crd.metadata.name!);
        return got.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True');
      }, 60_000);
    }
  };
  // upstream's kind configuration labels its node ingress-ready=true; targetallocator-features pins its pod there
  for (const node of (await client.list('v1', 'Node')).items) {
    await client.mergePatch({ apiVersion: 'v1', kind: 'Node', metadata: { name: node.metadata.name, labels: { 'ingress-ready': 'true' } } });
  }
  const ours = allCrds({ labels: { 'app.kubernetes.io/name': 'opentelemetry-operator' } }) as KubeObject[];
  const theirs = extraCrds(log);
  for (const crd of [...ours, ...theirs]) await client.apply(crd, { fieldManager: FIELD_MANAGER });
  await established([...ours, ...theirs]);
  log(`${ours.length} CRDs of ours, ${theirs.length} Prometheus Operator and Gateway API CRDs established`);

  // The webhook configurations are left out: the operator on the host registers them itself, by URL.
  const install = buildOperatorInstallObjects({ crds: false })
    .filter((o) => !/WebhookConfiguration$/.test(o.kind))
    // on a real node the Deployment would really run a second operator beside the one on the host: kept, scaled to 0
    .map((o) => (realNode && o.kind === 'Deployment' ? { ...o, spec: { ...(o as unknown as { spec: object }).spec, replicas: 0 } } as KubeObject : o));
  for (const kind of ['Namespace', 'ServiceAccount']) {
    for (const o of install.filter((x) => x.kind === kind)) await client.apply(o, { fieldManager: FIELD_MANAGER });
  }
  for (const o of install.filter((x) => x.kind !== 'Namespace' && x.kind !== 'ServiceAccount')) {
    await client.apply(o, { fieldManager: FIELD_MANAGER });
  }
  if (realNode) {
    log(`install objects applied (${install.length}); the operator's Deployment is scaled to 0 (the host's operator serves)`);
    return;
  }
  await client.waitFor(`Deployment ${OPERATOR_NAMESPACE}/${CONTROLLER_MANAGER} ready on a kwok node`, async () => {
    const d = await client.get<Status>('apps/v1', 'Deployment', CONTROLLER_MANAGER, OPERATOR_NAMESPACE);
    return (d.status?.readyReplicas ?? 0) >= 1;
  }, 120_000, 500);
  log(`install objects applied (${install.length}); the operator's Deployment is Ready on a fake node`);
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

/** `cdk8s-otel operator` as a managed process; resolves once its webhooks are registered by URL. */
async function startOperator(cp: ControlPlane, client: KubeClient, log: (l: string) => void): Promise<ManagedProcess> {
  // upstream's ports when free (its operator NetworkPolicy lets in 9443 and 8443, operator-restart asserts them)
  const port = await portIsFree(9443) ? 9443 : await freePort();
  const metricsAddr = await portIsFree(8443) ? '127.0.0.1:8443' : `127.0.0.1:${await freePort()}`;
  const args = [
    path.join(ROOT, 'bin', 'cdk8s-otel'), 'operator',
    '--kubeconfig', cp.kubeconfigPath,
    '--webhook-host', '127.0.0.1', '--webhook-port', String(port),
    '--metrics-addr', metricsAddr, '--health-probe-addr', '0',
    ...UPSTREAM_CI_OPERATOR_FLAGS,
  ];
  const operator = startProcess({
    name: 'operator', command: process.execPath, args, logDir: cp.dir, cwd: ROOT,
    env: { ...process.env, POD_NAMESPACE: OPERATOR_NAMESPACE },
  });
  log(`cdk8s-otel operator starting (webhooks on https://127.0.0.1:${port}, log ${operator.logFile})`);
  await client.waitFor('the operator to register its webhooks by URL', async () => {
    if (!operator.isRunning()) throw new Error(`the operator exited; last log lines:\n${tailFile(operator.logFile)}`);
    const crd = await client.get<KubeObject & { spec: { conversion?: { webhook?: { clientConfig?: { url?: string } } } } }>(
      'apiextensions.k8s.io/v1', 'CustomResourceDefinition', 'opentelemetrycollectors.opentelemetry.io');
    const hooks = await client.tryGet('admissionregistration.k8s.io/v1', 'MutatingWebhookConfiguration', 'opentelemetry-operator-mutating-webhook-configuration');
    return crd.spec.conversion?.webhook?.clientConfig?.url === `https://127.0.0.1:${port}/convert` && hooks !== undefined;
  }, 180_000, 500).catch((e: Error) => {
    throw new Error(`${e.message}\noperator log:\n${tailFile(operator.logFile)}`);
  });
  return operator;
}

/** chainsaw on the case folders, upstream's configuration; resolves with its JSON report (empty when it wrote none). */
async function runChainsaw(cp: ControlPlane, cases: E2eCase[], reportDir: string, log: (l: string) => void): Promise<ChainsawJsonReport> {
  const chainsaw = requireBinary('chainsaw');
  const kubectl = requireBinary('kubectl');
  const dirs = testDirs(cases);
  const args = [
    'test',
    ...dirs.flatMap((d) => ['--test-dir', d]),
    '--config', path.join(ROOT, 'test', 'e2e', 'chainsaw.yaml'),
    // Kubernetes >= 1.29: upstream's CI keeps the native-sidecar twins and drops the legacy ones
    '--selector', 'sidecar!=legacy',
    '--no-color',
    '--report-format', 'JSON', '--report-path', reportDir, '--report-name', 'chainsaw',
  ];
  const chainsawProc = startProcess({
    name: 'chainsaw', command: chainsaw, args, logDir: cp.dir, cwd: ROOT,
    // scripts in the cases call kubectl (and nothing of ours): the cluster's kubectl first on PATH
    env: { ...process.env, KUBECONFIG: cp.kubeconfigPath, PATH: `${path.dirname(kubectl)}${path.delimiter}${process.env.PATH ?? ''}` },
  });
  log(`chainsaw running ${dirs.length} folder(s) (${cases.length} case(s)), log ${chainsawProc.logFile}`);
  const status = await chainsawProc.exited;
  fs.copyFileSync(chainsawProc.logFile, path.join(reportDir, 'chainsaw.log'));
  log(`chainsaw exited with ${status}`);
  const file = path.join(reportDir, 'chainsaw.json');
  return fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) as ChainsawJsonReport : {};
}

export async function main(argv: string[]): Promise<number> {
  const started = Date.now();
  const log = (l: string) => process.stderr.write(`[e2e ${((Date.now() - started) / 1000).toFixed(0).padStart(4)}s] ${l}\n`);
  let opts: Options;
  try {
    opts = parseOptions(argv);
  } catch (e) {
    process.stderr.write(`e2e: ${(e as Error).message}\n${usage()}\n`);
    return 2;
  }
  const known = parseKnownFailures(fs.existsSync(opts.knownFailures) ? fs.readFileSync(opts.knownFailures, 'utf8') : '', opts.knownFailures);
  const all = selectCases(discoverCases(opts.upstream), opts.include);
  if (all.length === 0) {
    process.stderr.write(`e2e: no case matches ${opts.include.join(', ')}\n`);
    return 2;
  }
  const runsHere = (c: E2eCase) => (opts.realNode ? c.reach === 'R' && !c.suite.includes('openshift') : c.reach !== 'R');
  const toRun = all.filter(runsHere);
  const needed = opts.realNode ? (['kubelet', 'kube-proxy', 'coredns'] as const) : (['kwok'] as const);
  for (const name of ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler', ...needed, 'kubectl', 'chainsaw'] as const) {
    if (!findBinary(name)) {
      process.stderr.write(`e2e: ${name} is missing; build it with: bash scripts/build-control-plane.sh\n`);
      return 2;
    }
  }
  fs.rmSync(opts.reportDir, { recursive: true, force: true });
  fs.mkdirSync(opts.reportDir, { recursive: true });

  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-otel-e2e-'));
  let cp: ControlPlane | undefined;
  let operator: ManagedProcess | undefined;
  let cleaning: Promise<void> | undefined;
  const cleanup = () => {
    cleaning ??= (async () => {
      if (operator) {
        fs.copyFileSync(operator.logFile, path.join(opts.reportDir, 'operator.log'));
        await operator.stop(10_000);
      }
      await cp?.stop();
      fs.rmSync(work, { recursive: true, force: true });
    })();
    return cleaning;
  };
  const onSignal = (signal: NodeJS.Signals) => {
    log(`${signal}: stopping chainsaw, the operator and the cluster`);
    void cleanup().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  let report: ChainsawJsonReport = {};
  try {
    if (toRun.length > 0) {
      const stages = path.join(work, 'kwok-stages.yaml');
      fs.writeFileSync(stages, kwokPodStagesYaml());
      cp = await startControlPlane(opts.realNode
        ? { withControllers: true, serviceAccountAdmission: true, realNode: { images: 'all' }, keepDir: opts.keep, log, startTimeoutMs: 40 * 60_000 }
        : { withControllers: true, serviceAccountAdmission: true, nodes: opts.nodes, kwokConfig: stages, keepDir: opts.keep, log, startTimeoutMs: 180_000 });
      const client = cp.client();
      const volumes = provisionVolumes(client, log);
      try {
        // upstream's allocator image name, served by our operator image running `cdk8s-otel target-allocator`
        if (opts.realNode && cp.realNode?.registry) await pushAllocatorImage(cp.realNode.registry);
        await installCluster(client, log, opts.realNode);
        operator = await startOperator(cp, client, log);
        report = await runChainsaw(cp, toRun, opts.reportDir, log);
      } finally {
        volumes.stop();
        client.close();
      }
    }
  } catch (e) {
    log(`could not run the suite: ${(e as Error).message}`);
    await cleanup();
    return 2;
  }
  await cleanup();

  const rows = caseRows(all, report, known, {
    keys: new Set(toRun.map((c) => c.key)),
    otherReason: (c) => (c.reach !== 'R' ? 'runs on kwok nodes (npm run e2e without --real-node)' : c.skipReason),
  });
  const text = formatReport(rows, { wallSeconds: (Date.now() - started) / 1000 });
  fs.writeFileSync(path.join(opts.reportDir, 'e2e-report.txt'), text);
  fs.writeFileSync(path.join(opts.reportDir, 'junit.xml'), junitXml(rows));
  const stale = [...known.keys()].filter((k) => rows.some((r) => r.key === k && r.status === 'passed'));
  if (stale.length) log(`listed as known failures but passed (remove them from ${path.relative(ROOT, opts.knownFailures)}): ${stale.join(', ')}`);
  process.stdout.write(text);
  return totals(rows).unexpected > 0 ? 1 : 0;
}

if (require.main === module) {
  // the managed processes are unref'd: keep the event loop alive while waiting for them
  setInterval(() => undefined, 60_000);
  main(process.argv.slice(2)).then((code) => process.exit(code), (e: Error) => {
    process.stderr.write(`e2e: ${e.stack ?? e.message}\n`);
    process.exit(2);
  });
}
