/**
 * Stands in for kind's local-path provisioner: kwok runs no volume plugin and the dev cluster has no StorageClass,
 * so a PersistentVolumeClaim (a StatefulSet's volumeClaimTemplates) would stay Pending and its pod unscheduled.
 * Every Pending claim gets a hostPath PersistentVolume pre-bound to it (claimRef); the controller manager's PV
 * controller binds the pair and the scheduler places the pod. Nothing is written on disk: kwok runs no container.
 */
import type { KubeClient, KubeObject } from '../devcluster';

type Claim = KubeObject & {
  spec?: { accessModes?: string[]; resources?: { requests?: { storage?: string } }; storageClassName?: string; volumeMode?: string };
  status?: { phase?: string };
};

/** The PersistentVolume that satisfies `claim` (pure). */
export function volumeFor(claim: Claim): KubeObject {
  const ns = claim.metadata.namespace!;
  const name = `e2e-${ns}-${claim.metadata.name}`.slice(0, 253).replace(/[^a-z0-9.-]/g, '-');
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name, labels: { 'cdk8s-otel.dev/e2e-volume': 'true' } },
    spec: {
      capacity: { storage: claim.spec?.resources?.requests?.storage ?? '1Gi' },
      accessModes: claim.spec?.accessModes ?? ['ReadWriteOnce'],
      ...(claim.spec?.volumeMode ? { volumeMode: claim.spec.volumeMode } : {}),
      storageClassName: claim.spec?.storageClassName ?? '',
      persistentVolumeReclaimPolicy: 'Retain',
      hostPath: { path: `/var/lib/e2e-volumes/${name}` },
      claimRef: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', namespace: ns, name: claim.metadata.name, uid: claim.metadata.uid },
    },
  };
}

/** Polls for Pending claims every `intervalMs` until the returned stop() is called. */
export function provisionVolumes(client: KubeClient, log: (line: string) => void, intervalMs = 1000): { stop(): void } {
  const done = new Set<string>();
  let stopped = false;
  const tick = async () => {
    try {
      const claims = await client.list<Claim>('v1', 'PersistentVolumeClaim');
      for (const c of claims.items) {
        const uid = c.metadata.uid!;
        if (c.status?.phase !== 'Pending' || done.has(uid)) continue;
        await client.create(volumeFor(c)).catch((e: Error) => {
          if (!/409|AlreadyExists/.test(e.message)) throw e;
        });
        done.add(uid);
        log(`PersistentVolume for claim ${c.metadata.namespace}/${c.metadata.name}`);
      }
    } catch (e) {
      if (!stopped) log(`volume provisioner: ${(e as Error).message}`);
    }
    if (!stopped) timer = setTimeout(() => void tick(), intervalMs);
  };
  let timer = setTimeout(() => void tick(), intervalMs);
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
