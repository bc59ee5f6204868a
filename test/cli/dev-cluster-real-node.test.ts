import { runDevCluster } from '../../src/cli/dev-cluster';

describe('dev-cluster --real-node options', () => {
  test('an empty --node-images list is wrong usage (2) with a one-line reason, before anything starts', async () => {
    const err: string[] = [];
    const out: string[] = [];
    const code = await runDevCluster({ realNode: true, nodeImages: ' , ', err: (l) => err.push(l), out: (l) => out.push(l) });
    expect(code).toBe(2);
    expect(err).toEqual(['cdk8s-otel dev-cluster: --node-images must name at least one image (e.g. pause,busybox) or be "all"']);
    expect(out).toEqual([]);
  });
});
