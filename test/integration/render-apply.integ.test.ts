/**
 * Everything `render` produces is accepted by the real API server with server-side apply, and applying the
 * same objects again is a no-op (every resourceVersion unchanged): what the operator's apply loop relies on
 * to not fight itself. Examples: the OpenTelemetryCollectors of the upstream e2e install/update steps (each
 * merged into the previous state on the server, as chainsaw does) and those in examples/**.yaml.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { CR_KINDS, installCrds, renderForTestCluster, upstreamCustomResources } from './fixtures';
import { ensureNamespace, KubeApiError, KubeClient, KubeObject, namespaceName, useControlPlane } from './harness/control-plane';


/** Groups of kinds that need CRDs this cluster does not have (prometheus-operator, OpenShift, Gateway API, cert-manager). */
const FOREIGN_GROUPS = [
  'monitoring.coreos.com/',
  'route.openshift.io/',
  'gateway.networking.k8s.io/',
  'autoscaling.k8s.io/',
  'cert-manager.io/',
];

/**
 * Upstream cases where our render still differs from the upstream operator: run with `test.failing`, so the
 * suite turns red the day they pass and the entry can go. Each names the owner's problem.
 */
const KNOWN_DIVERGENCES: Record<string, string> = {
  // (none: e2e-prometheuscr/create-sm-prometheus-exporters/05-install.yaml, whose pipeline names an exporter the
  // mis-indented upstream file does not define, renders with a warning as upstream deploys it; issue 14 #27)
};

/** Fills in the uid of owner references that have none from the live owner (same namespace). */
async function withOwnerUids(client: KubeClient, obj: KubeObject): Promise<KubeObject> {
  const refs = obj.metadata.ownerReferences;
  if (!refs || refs.every((r) => r.uid)) return obj;
  const filled = [];
  for (const r of refs) {
    if (r.uid) {
      filled.push(r);
      continue;
    }
    const owner = await client.get(r.apiVersion, r.kind, r.name, obj.metadata.namespace);
    filled.push({ ...r, uid: owner.metadata.uid as string });
  }
  return { ...obj, metadata: { ...obj.metadata, ownerReferences: filled } };
}

const WORKLOADS = ['Deployment', 'DaemonSet', 'StatefulSet'];
const recreated: string[] = [];

/**
 * Server-side apply; when a workload's selector (immutable) changed, delete and apply again, as upstream's operator
 * does (e2e-targetallocator/targetallocator-features step 02 adds a CR label that ends up in the selector).
 */
async function applyRecreatingOnImmutableSelector(client: KubeClient, o: KubeObject): Promise<KubeObject> {
  try {
    return await client.apply(o, { fieldManager: 'cdk8s-otel' });
  } catch (e) {
    const immutable = e instanceof KubeApiError && e.statusCode === 422 && /spec\.selector: .*field is immutable/.test(e.message);
    if (!immutable || !WORKLOADS.includes(o.kind)) throw e;
    recreated.push(`${o.kind} ${o.metadata.namespace}/${o.metadata.name}`);
    await client.delete(o.apiVersion, o.kind, o.metadata.name!, o.metadata.namespace);
    await client.waitFor(`${o.kind} ${o.metadata.name} deleted`, async () =>
      (await client.tryGet(o.apiVersion, o.kind, o.metadata.name!, o.metadata.namespace)) === undefined);
    return client.apply(o, { fieldManager: 'cdk8s-otel' });
  }
}

interface Example {
  readonly label: string;
  readonly cr: KubeObject;
  /** Where it goes when the file names no namespace: one per upstream case, as chainsaw does. */
  readonly namespace: string;
}

function examples(): Example[] {
  const out: Example[] = upstreamCustomResources({
    include: (rel) => !rel.startsWith('e2e-crd-validations/'),
    namespaceFor: (caseDir) => namespaceName(caseDir),
  })
    .filter((o) => o.object.kind === 'OpenTelemetryCollector')
    .map((o) => ({ label: `${o.file} ${o.object.metadata.name}`, cr: o.object, namespace: namespaceName(o.caseDir) }));
  const dir = path.resolve(__dirname, '../../examples');
  const walk = (d: string): string[] =>
    fs.existsSync(d)
      ? fs.readdirSync(d, { withFileTypes: true }).flatMap((e) =>
          e.isDirectory() ? walk(path.join(d, e.name)) : /\.ya?ml$/.test(e.name) ? [path.join(d, e.name)] : [],
        )
      : [];
  for (const file of walk(dir).sort()) {
    for (const doc of parseAllDocuments(fs.readFileSync(file, 'utf8'))) {
      const obj = doc.toJS() as KubeObject | null;
      if (obj && obj.kind === 'OpenTelemetryCollector') {
        const rel = path.relative(dir, file);
        out.push({ label: `examples/${rel} ${obj.metadata?.name}`, cr: obj, namespace: namespaceName(`examples/${rel}`) });
      }
    }
  }
  return out;
}

const cluster = useControlPlane({}, 'apiserver + etcd');
const all = examples();
const foreign: string[] = [];

// The operator renders the CR as it reads it from the API server (schema defaults applied, and for the
// upstream update steps merged into the existing object), so the examples go through the server first.
beforeAll(() => installCrds(cluster.client));

test('there are examples to render', () => {
  expect(all.length).toBeGreaterThan(50);
});

const checkExample = async (ex: Example) => {
  const client = cluster.client;
  const namespace = ex.cr.metadata.namespace ?? ex.namespace;
  await ensureNamespace(client, namespace);
  // As chainsaw applies the step: create, else merge patch into what the earlier steps left.
  const stored = await client.createOrMergePatch({ ...ex.cr, metadata: { ...ex.cr.metadata, namespace } });
  // Our own kinds among them (the TargetAllocator CR a collector generates) are applied too: the CRDs are here.
  const objects = renderForTestCluster(stored).filter((o) => {
    if (FOREIGN_GROUPS.some((g) => o.apiVersion.startsWith(g))) {
      foreign.push(`${o.apiVersion} ${o.kind}`);
      return false;
    }
    return true;
  });
  if ((stored.spec as { managementState?: string }).managementState !== 'unmanaged') {
    expect(objects.length).toBeGreaterThan(0);
  }
  // As the runtime does: owners that render emits (the generated TargetAllocator CR) are applied first, and
  // owner references that render leaves without a uid (only the live owner has one) get it before applying.
  const ordered = [...objects.filter((o) => CR_KINDS.includes(o.kind)), ...objects.filter((o) => !CR_KINDS.includes(o.kind))];
  const first = new Map<string, string | undefined>();
  const ready: KubeObject[] = [];
  for (const rendered of ordered) {
    const ns = rendered.metadata.namespace;
    if (ns) await ensureNamespace(client, ns);
    const o = await withOwnerUids(client, rendered);
    ready.push(o);
    const applied = await applyRecreatingOnImmutableSelector(client, o);
    first.set(`${o.kind}/${ns ?? ''}/${o.metadata.name}`, applied.metadata.resourceVersion as string | undefined);
  }
  const changed: string[] = [];
  for (const o of ready) {
    const key = `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
    const again = await client.apply(o, { fieldManager: 'cdk8s-otel' });
    if (again.metadata.resourceVersion !== first.get(key)) changed.push(key);
  }
  expect(changed).toEqual([]);
};
// In file order, so that the update steps of a case follow its install steps.
for (const ex of all) {
  const divergence = KNOWN_DIVERGENCES[ex.label];
  if (divergence) test.failing(`KNOWN DIVERGENCE ${ex.label} (${divergence})`, () => checkExample(ex));
  else test(`${ex.label}: rendered objects apply, and re-apply is a no-op`, () => checkExample(ex));
}

afterAll(() => {
  if (recreated.length > 0) {
    process.stdout.write(`[integration] recreated after an immutable selector change: ${recreated.join(', ')}\n`);
  }
  if (foreign.length > 0) {
    const counts = new Map<string, number>();
    for (const f of foreign) counts.set(f, (counts.get(f) ?? 0) + 1);
    process.stdout.write(
      `[integration] not applied (their CRDs are not installed): ${[...counts].map(([k, n]) => `${k} x${n}`).join(', ')}\n`,
    );
  }
});
