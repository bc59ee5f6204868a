/**
 * The one place where the integration tests reach into the library (CRDs, render, the construct), so that a change of
 * those entry points changes this file only.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { App, Chart } from 'cdk8s';
import { parseAllDocuments } from 'yaml';
import { allCrds } from '../../src/apis';
import type { KubeClient, KubeObject } from '../../src/devcluster';
import { CollectorConfig, CollectorMode, injectCollectorSidecar, Instrumentation, OtelCollector } from '../../src';
import { Language } from '../../src/instrumentation/languages';
import { renderObjects as renderObjectsOfLibrary } from '../../src/render';
import { synthPlusWorkloads } from '../instrumentation/support/plus-workloads';

const ROOT = path.resolve(__dirname, '../..');

/** The reference data of the upstream e2e suite (shared, read-only). */
export const UPSTREAM_E2E = process.env.UPSTREAM_E2E_DIR ?? path.resolve(ROOT, '../shared/upstream-e2e');

/**
 * Our CRDs as the test clusters need them: without the conversion webhook (the tests run no webhook server; with
 * strategy None the server validates each version against its own schema).
 */
export function testCrds(): KubeObject[] {
  return allCrds({ conversionWebhook: false }) as KubeObject[];
}

/** Applies `testCrds()` and waits until every one is Established. */
export async function installCrds(client: KubeClient): Promise<void> {
  for (const crd of testCrds()) await client.apply(crd, { fieldManager: 'cdk8s-otel-install' });
  for (const crd of testCrds()) {
    await client.waitFor(`CRD ${crd.metadata.name} Established`, async () => {
      const got = await client.get<KubeObject & { status?: { conditions?: { type: string; status: string }[] } }>(
        'apiextensions.k8s.io/v1', 'CustomResourceDefinition', crd.metadata.name!);
      return got.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True');
    });
  }
}

/**
 * src/render#renderObjects for one resource. The test cluster has no prometheus-operator CRDs, so ServiceMonitors
 * and PodMonitors are not asked for.
 */
export function renderForTestCluster(cr: KubeObject): KubeObject[] {
  return renderObjectsOfLibrary([cr], { prometheusCrdsAvailable: false }) as KubeObject[];
}

/**
 * The objects the `OtelCollector` cdk8s construct synthesizes, in memory (`new App()`, a Chart, `toJson()`),
 * as the runtime does. `config` is the collector config as an object.
 */
export function synthesizeOtelCollector(props: {
  name: string;
  namespace: string;
  replicas?: number;
  config: Record<string, unknown>;
}): KubeObject[] {
  const app = new App();
  const chart = new Chart(app, 'integration');
  new OtelCollector(chart, props.name, {
    name: props.name,
    namespace: props.namespace,
    replicas: props.replicas,
    config: CollectorConfig.fromObject(props.config as Parameters<typeof CollectorConfig.fromObject>[0]),
  });
  return chart.toJson() as KubeObject[];
}

/** How `synthesizeInjectedPlusWorkloads` injects into each workload. */
export type PlusInjection = 'none' | 'java' | 'sidecar' | 'java+sidecar';

/**
 * The cdk8s-plus Deployment, StatefulSet, DaemonSet, Job and CronJob of test/instrumentation/support, with
 * `Instrumentation.inject()` and/or `injectCollectorSidecar()` applied at synth time; only the workloads (and
 * the StatefulSet's Service) are returned, not the custom resources.
 */
export function synthesizeInjectedPlusWorkloads(namespace: string, how: PlusInjection): KubeObject[] {
  let inst: Instrumentation | undefined;
  let collector: OtelCollector | undefined;
  const objects = synthPlusWorkloads(namespace, (chart, workload) => {
    if (how === 'java' || how === 'java+sidecar') {
      inst ??= new Instrumentation(chart, 'inst', { name: 'java', exporter: { endpoint: 'http://$(OTEL_NODE_IP):4317' } });
      inst.inject(workload, { language: Language.JAVA });
    }
    if (how === 'sidecar' || how === 'java+sidecar') {
      collector ??= new OtelCollector(chart, 'agent', {
        name: 'agent', mode: CollectorMode.SIDECAR,
        config: CollectorConfig.fromObject({
          receivers: { otlp: { protocols: { grpc: {} } } }, exporters: { debug: {} },
          service: { pipelines: { traces: { receivers: ['otlp'], exporters: ['debug'] } } },
        }),
      });
      injectCollectorSidecar(workload, collector);
    }
  });
  return objects.filter((o) => !CR_KINDS.includes(o.kind)) as KubeObject[];
}

// ---- upstream e2e data ----------------------------------------------------------------------------------

export const CR_KINDS = ['OpenTelemetryCollector', 'Instrumentation', 'TargetAllocator'];

export interface E2eObject {
  /** Path relative to UPSTREAM_E2E. */
  readonly file: string;
  /** The test case folder, relative to UPSTREAM_E2E. */
  readonly caseDir: string;
  readonly object: KubeObject;
}

function walk(dir: string, out: string[] = []): string[] {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(p, out);
    else out.push(p);
  }
  return out;
}

/** The chainsaw binding `($namespace)` and the `${NAMESPACE}` of script steps, replaced by our namespace. */
function substitute(value: unknown, namespace: string): unknown {
  if (typeof value === 'string') {
    return value === '($namespace)' ? namespace : value.replace(/\$\{NAMESPACE\}|\(\$namespace\)/g, namespace);
  }
  if (Array.isArray(value)) return value.map((v) => substitute(v, namespace));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, namespace)]));
  }
  return value;
}

/**
 * Objects of our kinds from the install and update steps of the upstream suite, in file order per case,
 * without the OpenShift folders. `namespaceFor(caseDir)` names the namespace that stands in for chainsaw's
 * per-test namespace.
 */
export function upstreamCustomResources(opts: {
  include: (relFile: string) => boolean;
  namespaceFor: (caseDir: string) => string;
}): E2eObject[] {
  const result: E2eObject[] = [];
  for (const file of walk(UPSTREAM_E2E)) {
    const rel = path.relative(UPSTREAM_E2E, file);
    const base = path.basename(file);
    if (rel.includes('openshift') || !base.endsWith('.yaml')) continue;
    if (!/install|update/.test(base) || !opts.include(rel)) continue;
    const caseDir = path.dirname(rel);
    const namespace = opts.namespaceFor(caseDir);
    for (const doc of parseAllDocuments(fs.readFileSync(file, 'utf8'))) {
      const obj = doc.toJS() as KubeObject | null;
      if (!obj || typeof obj !== 'object' || !CR_KINDS.includes(obj.kind)) continue;
      result.push({ file: rel, caseDir, object: substitute(obj, namespace) as KubeObject });
    }
  }
  return result;
}

/** Names of the install files that e2e-crd-validations/<case>/chainsaw-test.yaml expects to be rejected. */
export function expectedRejections(): { file: string; objects: KubeObject[]; expectedMessage: string }[] {
  const dir = path.join(UPSTREAM_E2E, 'e2e-crd-validations');
  const out: { file: string; objects: KubeObject[]; expectedMessage: string }[] = [];
  for (const caseName of fs.readdirSync(dir).sort()) {
    const testFile = path.join(dir, caseName, 'chainsaw-test.yaml');
    if (!fs.existsSync(testFile)) continue;
    const test = parseAllDocuments(fs.readFileSync(testFile, 'utf8'))[0].toJS() as {
      spec: {
        steps: {
          bindings?: { name: string; value: string }[];
          try: { apply?: { file: string; expect?: { check: Record<string, unknown> }[] } }[];
        }[];
      };
    };
    for (const step of test.spec.steps) {
      // The CEL message for Kubernetes >= 1.35 is the one our server (1.36) gives.
      const message = step.bindings?.find((b) => /CELv135$/.test(b.name))?.value ?? '';
      for (const op of step.try) {
        const expectsError = op.apply?.expect?.some((e) => e.check['($error != null)'] === true);
        if (!op.apply || !expectsError) continue;
        const file = path.join(dir, caseName, op.apply.file);
        const objects = parseAllDocuments(fs.readFileSync(file, 'utf8'))
          .map((d) => d.toJS() as KubeObject)
          .filter((o) => o && CR_KINDS.includes(o.kind));
        out.push({ file: path.relative(UPSTREAM_E2E, file), objects, expectedMessage: message });
      }
    }
  }
  return out;
}
