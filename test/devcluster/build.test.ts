import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { binariesFor, buildMissingBinaries } from '../../src/devcluster/build';
import { KUBERNETES_VERSION } from '../../src/devcluster/binaries';

describe('dev-cluster binaries', () => {
  test('what a cluster needs follows its options', () => {
    expect(binariesFor({})).toEqual(['etcd', 'kube-apiserver', 'kubectl']);
    expect(binariesFor({ withControllers: true, nodes: 2 })).toEqual(['etcd', 'kube-apiserver', 'kubectl', 'kube-controller-manager', 'kube-scheduler', 'kwok']);
    // a real node needs the controllers (pods get nodes, ServiceAccounts exist) and its own three binaries
    expect(binariesFor({ realNode: true })).toEqual(['etcd', 'kube-apiserver', 'kubectl', 'kube-controller-manager', 'kube-scheduler', 'kubelet', 'kube-proxy', 'coredns']);
  });

  test('nothing is built when every binary is there, nor when the user names the folder', async () => {
    const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-otel-cache-'));
    const bin = path.join(cache, 'bin', KUBERNETES_VERSION);
    fs.mkdirSync(bin, { recursive: true });
    for (const n of ['etcd', 'kube-apiserver', 'kubectl']) fs.writeFileSync(path.join(bin, n), '#!/bin/sh\n', { mode: 0o755 });
    const saved = { cache: process.env.CDK8S_OTEL_CACHE, assets: process.env.KUBEBUILDER_ASSETS };
    process.env.CDK8S_OTEL_CACHE = cache;
    delete process.env.KUBEBUILDER_ASSETS;
    try {
      const lines: string[] = [];
      await buildMissingBinaries(['etcd', 'kube-apiserver', 'kubectl'], (l) => lines.push(l));
      await buildMissingBinaries(['kwok'], (l) => lines.push(l), '/some/user/folder');
      expect(lines).toEqual([]);
    } finally {
      if (saved.cache === undefined) delete process.env.CDK8S_OTEL_CACHE;
      else process.env.CDK8S_OTEL_CACHE = saved.cache;
      if (saved.assets !== undefined) process.env.KUBEBUILDER_ASSETS = saved.assets;
      fs.rmSync(cache, { recursive: true, force: true });
    }
  });
});
