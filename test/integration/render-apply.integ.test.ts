/**
 * Everything `render` produces is accepted by the real API server with server-side apply, and applying the
 * same objects again is a no-op (every resourceVersion unchanged): what the operator's apply loop relies on
 * to not fight itself. Examples: the OpenTelemetryCollectors of the upstream e2e install steps and the
 * custom resources in examples/**.yaml.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { CR_KINDS, renderEntry, renderObjects, upstreamCustomResources } from './fixtures';
import { ensureNamespace, KubeObject, namespaceName, useControlPlane } from './harness/control-plane';

const render = renderEntry();

/** Groups of kinds that need CRDs this cluster does not have (prometheus-operator, OpenShift, Gateway API). */
const FOREIGN_GROUPS = ['monitoring.coreos.com/', 'route.openshift.io/', 'gateway.networking.k8s.io/', 'autoscaling.k8s.io/'];

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
      if (obj && CR_KINDS.includes(obj.kind) && obj.kind !== 'Instrumentation') {
        const rel = path.relative(dir, file);
        out.push({ label: `examples/${rel} ${obj.metadata?.name}`, cr: obj, namespace: namespaceName(`examples/${rel}`) });
      }
    }
  }
  return out;
}

if (!render.ok) {
  test.skip(`server-side apply of rendered objects is accepted and idempotent — ${render.missing}`, () => undefined);
} else {
  const cluster = useControlPlane({}, 'apiserver + etcd');
  const renderFn = render.value;
  const all = examples();
  const foreign: string[] = [];

  test('there are examples to render', () => {
    expect(all.length).toBeGreaterThan(50);
  });

  test.each(all.map((e) => [e.label, e] as const))('%s: rendered objects apply, and re-apply is a no-op', async (_l, ex) => {
    const client = cluster.client;
    const namespace = ex.cr.metadata.namespace ?? ex.namespace;
    await ensureNamespace(client, namespace);
    const cr = { ...ex.cr, metadata: { ...ex.cr.metadata, namespace } };
    const objects = (await renderObjects(renderFn, cr)).filter((o) => {
      if (CR_KINDS.includes(o.kind)) return false;
      if (FOREIGN_GROUPS.some((g) => o.apiVersion.startsWith(g))) {
        foreign.push(`${o.apiVersion} ${o.kind}`);
        return false;
      }
      return true;
    });
    expect(objects.length).toBeGreaterThan(0);
    const first = new Map<string, string | undefined>();
    for (const o of objects) {
      const ns = o.metadata.namespace;
      if (ns) await ensureNamespace(client, ns);
      const applied = await client.apply(o, { fieldManager: 'cdk8s-otel' });
      first.set(`${o.kind}/${ns ?? ''}/${o.metadata.name}`, applied.metadata.resourceVersion as string | undefined);
    }
    const changed: string[] = [];
    for (const o of objects) {
      const key = `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
      const again = await client.apply(o, { fieldManager: 'cdk8s-otel' });
      if (again.metadata.resourceVersion !== first.get(key)) changed.push(key);
    }
    expect(changed).toEqual([]);
  });

  afterAll(() => {
    if (foreign.length > 0) {
      const counts = new Map<string, number>();
      for (const f of foreign) counts.set(f, (counts.get(f) ?? 0) + 1);
      process.stdout.write(
        `[integration] not applied (their CRDs are not installed): ${[...counts].map(([k, n]) => `${k} x${n}`).join(', ')}\n`,
      );
    }
  });
}
