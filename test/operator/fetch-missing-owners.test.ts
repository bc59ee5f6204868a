import type { ClusterLookup } from '../../src/conformance/simulator';
import { fetchMissingOwners, mutationLookupFromCache, withOwners } from '../../src/operator/webhooks/lookup';

const rs = { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'my-deploy-6b9', namespace: 'ns', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'my-deploy', controller: true }] } };
const dep = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'my-deploy', namespace: 'ns' } };
const pod = { metadata: { ownerReferences: [{ kind: 'ReplicaSet', name: 'my-deploy-6b9', controller: true }] } };

function cacheOf(objects: any[]): ClusterLookup {
  return {
    get: (_apiVersion: string, kind: string, ns: string | undefined, name: string) =>
      objects.find((o) => o.kind === kind && o.metadata.namespace === ns && o.metadata.name === name),
    list: () => [],
  } as unknown as ClusterLookup;
}

describe('owners of a pod the cache has not seen yet (pod admission)', () => {
  test('a ReplicaSet created a moment ago and its Deployment are read from the API server', async () => {
    const gets: string[] = [];
    const api = { get: async (ref: any) => { gets.push(`${ref.apiVersion} ${ref.kind} ${ref.name}`); return [rs, dep].find((o) => o.kind === ref.kind && o.metadata.name === ref.name); } };
    const fetched = await fetchMissingOwners(api, cacheOf([]), 'ns', pod);
    expect(gets).toEqual(['apps/v1 ReplicaSet my-deploy-6b9', 'apps/v1 Deployment my-deploy']);
    const lookup = withOwners(mutationLookupFromCache(cacheOf([])), fetched);
    expect(lookup.owner('ns', 'Deployment', 'my-deploy')).toBe(dep);
    expect(lookup.owner('ns', 'ReplicaSet', 'my-deploy-6b9')).toBe(rs);
  });

  test('owners already cached cost no request; a failed read leaves the owner unknown', async () => {
    const none = { get: async () => { throw new Error('should not be called'); } };
    expect((await fetchMissingOwners(none, cacheOf([rs, dep]), 'ns', pod)).size).toBe(0);
    const failing = { get: async () => { throw new Error('403'); } };
    expect((await fetchMissingOwners(failing, cacheOf([]), 'ns', pod)).size).toBe(0);
    const jobPod = { metadata: { ownerReferences: [{ kind: 'Job', name: 'j', controller: true }] } };
    const job = { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'j', namespace: 'ns', ownerReferences: [{ kind: 'CronJob', name: 'cj', controller: true }] } };
    const cron = { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'cj', namespace: 'ns' } };
    const batch = { get: async (ref: any) => { expect(ref.apiVersion).toBe('batch/v1'); return [job, cron].find((o) => o.kind === ref.kind); } };
    expect([...(await fetchMissingOwners(batch, cacheOf([]), 'ns', jobPod)).keys()]).toEqual(['Job/ns/j', 'CronJob/ns/cj']);
  });
});
