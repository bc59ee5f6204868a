/**
 * The Prometheus Operator's CRDs (monitoring.coreos.com) for the test clusters, from its Go module: fetched once
 * with `go mod download` through the Go module proxy and cached under ~/.cache/cdk8s-otel/crds.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse } from 'yaml';
import { KubeClient } from '../../src/devcluster';
import { KubeObject } from '../../src/common/kube';

export const PROMETHEUS_OPERATOR_VERSION = 'v0.85.0';
const MODULE = 'github.com/prometheus-operator/prometheus-operator';
const DIR = path.join(os.homedir(), '.cache', 'cdk8s-otel', 'crds', `${MODULE.replace(/\//g, '_')}@${PROMETHEUS_OPERATOR_VERSION}`);

/** The CRDs of `plurals` (e.g. `servicemonitors`), downloading the module's example/prometheus-operator-crd once. */
export function prometheusOperatorCrds(plurals: readonly string[]): KubeObject[] {
  const file = (plural: string) => path.join(DIR, `monitoring.coreos.com_${plural}.yaml`);
  if (!plurals.every((p) => fs.existsSync(file(p)))) {
    let out: string;
    try {
      out = execFileSync('go', ['mod', 'download', '-json', `${MODULE}@${PROMETHEUS_OPERATOR_VERSION}`], {
        cwd: os.tmpdir(), encoding: 'utf8', env: { ...process.env, GOTOOLCHAIN: 'local', GOFLAGS: '-mod=mod' },
      });
    } catch (err) {
      throw new Error(`cannot fetch the Prometheus Operator CRDs (go mod download ${MODULE}@${PROMETHEUS_OPERATOR_VERSION}): ${(err as Error).message}`);
    }
    const src = path.join((JSON.parse(out) as { Dir: string }).Dir, 'example', 'prometheus-operator-crd');
    fs.mkdirSync(DIR, { recursive: true });
    for (const f of fs.readdirSync(src)) if (f.endsWith('.yaml')) fs.copyFileSync(path.join(src, f), path.join(DIR, f));
  }
  return plurals.map((p) => parse(fs.readFileSync(file(p), 'utf8')) as KubeObject);
}

/** Creates the CRDs and waits until the API server serves them. */
export async function installPrometheusOperatorCrds(client: KubeClient, plurals: readonly string[]): Promise<void> {
  const crds = prometheusOperatorCrds(plurals);
  for (const crd of crds) await client.apply(crd, { fieldManager: 'cdk8s-otel-test' });
  for (const crd of crds) {
    await client.waitFor(`CRD ${crd.metadata.name} Established`, async () => {
      const got = await client.get<KubeObject & { status?: { conditions?: Array<{ type: string; status: string }> } }>(
        'apiextensions.k8s.io/v1', 'CustomResourceDefinition', crd.metadata.name!);
      return got.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True');
    });
  }
}
