/**
 * Our CRDs on the real API server: they install and become Established; every OpenTelemetryCollector,
 * Instrumentation and TargetAllocator of the upstream e2e install/update steps is accepted (applied in
 * step order, so update rules run too); the invalid objects of e2e-crd-validations are rejected with the
 * message upstream's chainsaw test expects from a >= 1.35 server.
 */
import { CR_KINDS, expectedRejections, installCrds, testCrds, upstreamCustomResources } from './fixtures';
import { renderObjects } from '../../src/render';
import { ensureNamespace, KubeApiError, namespaceName, useControlPlane } from './harness/control-plane';

const cluster = useControlPlane({}, 'apiserver + etcd');
beforeAll(() => installCrds(cluster.client));

test('the CRDs for our three kinds are served', async () => {
  const served = new Set<string>();
  for (const crd of testCrds()) {
    const spec = crd.spec as { group: string; names: { kind: string }; versions: { name: string; served: boolean }[] };
    for (const v of spec.versions.filter((x) => x.served)) {
      const r = await cluster.client.resourceFor(`${spec.group}/${v.name}`, spec.names.kind);
      served.add(`${r.kind}`);
    }
  }
  for (const kind of CR_KINDS) expect(served).toContain(kind);
});

const accepted = upstreamCustomResources({
  include: (rel) => !rel.startsWith('e2e-crd-validations/'),
  namespaceFor: (caseDir) => namespaceName(caseDir),
});
const byCase = new Map<string, typeof accepted>();
for (const o of accepted) byCase.set(o.caseDir, [...(byCase.get(o.caseDir) ?? []), o]);

test('the upstream e2e data was found', () => {
  expect(accepted.length).toBeGreaterThan(100);
});

test.each([...byCase.keys()])('accepts the custom resources of %s', async (caseDir) => {
  const client = cluster.client;
  const failures: string[] = [];
  for (const { file, object } of byCase.get(caseDir)!) {
    const namespace = object.metadata.namespace ?? namespaceName(caseDir);
    await ensureNamespace(client, namespace);
    try {
      // As chainsaw applies them (create, else merge patch): the files hold nulls (`spec:`, `processors:`)
      // that only server-side apply would refuse.
      await client.createOrMergePatch({ ...object, metadata: { ...object.metadata, namespace } });
    } catch (e) {
      failures.push(`${file}: ${object.kind} ${object.metadata.name}: ${(e as Error).message}`);
    }
  }
  expect(failures).toEqual([]);
});

const rejected = expectedRejections();
test('the upstream CRD validation cases were found', () => {
  expect(rejected.length).toBeGreaterThanOrEqual(4);
});

test.each(rejected.map((r) => [r.file, r] as const))('rejects %s', async (_file, r) => {
  const client = cluster.client;
  const namespace = 'crd-validations';
  await ensureNamespace(client, namespace);
  for (const object of r.objects) {
    const error = await client
      .createOrMergePatch({ ...object, metadata: { ...object.metadata, namespace } })
      .then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(KubeApiError);
    expect((error as KubeApiError).statusCode).toBe(422);
    expect(((error as KubeApiError).body as { message: string }).message).toBe(r.expectedMessage);
  }
});

// Issue 14 #9: upstream's v1alpha1 spec.config is +required; the API server with our CRD says so as upstream's
// does, and `render` names the same field.
test('a v1alpha1 collector without spec.config is rejected with spec.config: Required value, as render says', async () => {
  const client = cluster.client;
  const namespace = 'v1alpha1-required-config';
  await ensureNamespace(client, namespace);
  const cr = { apiVersion: 'opentelemetry.io/v1alpha1', kind: 'OpenTelemetryCollector', metadata: { name: 'old', namespace }, spec: { mode: 'deployment' } };
  const error = await client.createOrMergePatch(cr).then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(KubeApiError);
  expect((error as KubeApiError).statusCode).toBe(422);
  expect(((error as KubeApiError).body as { message: string }).message).toContain('spec.config: Required value');
  expect(() => renderObjects([cr])).toThrow('spec.config: Required value');
});
