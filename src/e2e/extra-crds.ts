/**
 * Third-party CRDs some upstream cases need, read from their Go modules as upstream's CI installs them: the
 * Prometheus Operator's (ServiceMonitor, PodMonitor, ScrapeConfig, Probe, ...) and the Gateway API's standard
 * channel (HTTPRoute). Fetched once through the Go module proxy (`go mod download -json`) and cached as plain YAML
 * under ${CDK8S_OTEL_CACHE:-~/.cache/cdk8s-otel}/crds/<module>@<version>/, so later runs need neither go nor network.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { KubeObject } from '../devcluster';

export interface CrdModule {
  readonly module: string;
  readonly version: string;
  /** Folder inside the module holding the CRD files. */
  readonly dir: string;
  /** Only files whose name matches. @default every .yaml */
  readonly files?: RegExp;
}

/** The versions upstream's CI installs at be89444 are newer than these only in fields no case reads. */
export const EXTRA_CRD_MODULES: readonly CrdModule[] = [
  { module: 'github.com/prometheus-operator/prometheus-operator', version: 'v0.85.0', dir: 'example/prometheus-operator-crd' },
  { module: 'sigs.k8s.io/gateway-api', version: 'v1.3.0', dir: 'config/crd/standard' },
];

function cacheRoot(): string {
  return process.env.CDK8S_OTEL_CACHE || path.join(os.homedir(), '.cache', 'cdk8s-otel');
}

/** The module's CRD files in our cache, downloading the module through the Go proxy the first time. */
export function crdFiles(m: CrdModule, log: (line: string) => void = () => undefined): string[] {
  const cached = path.join(cacheRoot(), 'crds', `${m.module.replace(/\//g, '_')}@${m.version}`);
  const pick = (dir: string) => fs.readdirSync(dir).filter((f) => /\.ya?ml$/.test(f) && (!m.files || m.files.test(f))).sort();
  if (!fs.existsSync(cached)) {
    log(`fetching ${m.module}@${m.version} through the Go module proxy`);
    let out: string;
    try {
      out = execFileSync('go', ['mod', 'download', '-json', `${m.module}@${m.version}`], {
        encoding: 'utf8', cwd: os.tmpdir(), env: { ...process.env, GOFLAGS: '-mod=mod', GOTOOLCHAIN: 'local' }, stdio: ['ignore', 'pipe', 'pipe'],
      });
    } catch (e) {
      const err = e as { stdout?: string; stderr?: string; message: string };
      throw new Error(`go mod download ${m.module}@${m.version} failed (needs go on PATH and the Go module proxy): ${err.stdout || err.stderr || err.message}`);
    }
    const info = JSON.parse(out) as { Dir?: string; Error?: string };
    if (!info.Dir) throw new Error(`go mod download ${m.module}@${m.version}: ${info.Error ?? 'no Dir in its answer'}`);
    const src = path.join(info.Dir, m.dir);
    const tmp = fs.mkdtempSync(`${cached}.tmp-`);
    for (const f of pick(src)) fs.copyFileSync(path.join(src, f), path.join(tmp, f));
    fs.renameSync(tmp, cached);
  }
  return pick(cached).map((f) => path.join(cached, f));
}

/** The CRD objects of every module in EXTRA_CRD_MODULES. */
export function extraCrds(log?: (line: string) => void): KubeObject[] {
  const out: KubeObject[] = [];
  for (const m of EXTRA_CRD_MODULES) {
    fs.mkdirSync(path.join(cacheRoot(), 'crds'), { recursive: true });
    for (const file of crdFiles(m, log)) {
      for (const doc of parseAllDocuments(fs.readFileSync(file, 'utf8'))) {
        const obj = doc.toJS() as KubeObject | null;
        if (obj?.kind === 'CustomResourceDefinition') out.push(obj);
      }
    }
  }
  return out;
}
