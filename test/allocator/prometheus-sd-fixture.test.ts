/**
 * Our `kubernetes_sd_configs` against Prometheus's own: tools/prom-sd-fixture/fixture.json holds objects as a real
 * API server returned them and, per config, the target groups Prometheus's discovery/kubernetes (the version the
 * collector's prometheusreceiver uses) built from them. The objects go through our discovery's own entry (shared
 * informers over a KubeApi, {@link KubernetesDiscovery.groups}) and every group must match, label set for label
 * set. Regenerate the fixture with `bash tools/prom-sd-fixture/generate.sh`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { InformerPool, KubernetesDiscovery } from '../../src/allocator/kubernetes/discovery';
import { parseKubernetesSDConfigs } from '../../src/allocator/kubernetes/sd-config';
import { KubeObject } from '../../src/kube';
import { FakeKubeApi } from '../operator/fake-api';

type LabelSet = Record<string, string>;
interface Group { source: string; labels: LabelSet; targets: LabelSet[] }
interface Fixture {
  prometheus: string;
  objects: Record<string, KubeObject[]>;
  results: Array<{ name: string; sd: Record<string, unknown>; groups: Group[] }>;
}

const fixture: Fixture = JSON.parse(fs.readFileSync(path.join(__dirname, '../../tools/prom-sd-fixture/fixture.json'), 'utf8'));

/**
 * Labels Prometheus writes that we knowingly do not (see docs/target-allocator.md, "Labels that differ from
 * Prometheus"): removed from Prometheus's side before comparing. Keep this list empty whenever possible.
 */
const EXCEPTIONS: Array<{ config: RegExp; label: RegExp; why: string }> = [];

function withoutExceptions(config: string, ls: LabelSet): LabelSet {
  const rules = EXCEPTIONS.filter((e) => e.config.test(config));
  return Object.fromEntries(Object.entries(ls).filter(([k]) => !rules.some((r) => r.label.test(k))));
}

/** A label set as one line with sorted names: how targets are ordered and matched. */
function key(ls: LabelSet): string {
  return JSON.stringify(Object.keys(ls).sort().map((k) => [k, ls[k]]));
}

/** What differs between two label sets, one `-` line per label only Prometheus has (or has other value), `+` ours. */
function labelDiff(prom: LabelSet, ours: LabelSet, indent: string): string[] {
  const out: string[] = [];
  for (const k of [...new Set([...Object.keys(prom), ...Object.keys(ours)])].sort()) {
    if (prom[k] === ours[k]) continue;
    if (k in prom) out.push(`${indent}- ${k}=${JSON.stringify(prom[k])}`);
    if (k in ours) out.push(`${indent}+ ${k}=${JSON.stringify(ours[k])}`);
  }
  return out;
}

/**
 * A readable diff of two groups lists ('' when equal): per source, the group labels that differ, then the targets
 * only one side has, each paired with the most similar target of the other side to show its differing labels.
 */
function diffGroups(prom: Group[], ours: Group[]): string {
  const out: string[] = [];
  const bySource = (gs: Group[]) => new Map(gs.map((g) => [g.source, g]));
  const p = bySource(prom);
  const o = bySource(ours);
  for (const source of [...new Set([...p.keys(), ...o.keys()])].sort()) {
    const pg = p.get(source);
    const og = o.get(source);
    if (!pg || !og) {
      out.push(`${source}: only ${pg ? 'Prometheus' : 'we'} have this group (${(pg ?? og)!.targets.length} targets)`);
      continue;
    }
    const lines = labelDiff(pg.labels, og.labels, '    ');
    const groupLines = lines.length ? ['  group labels:', ...lines] : [];
    const unmatchedOurs = [...og.targets];
    const unmatchedProm: LabelSet[] = [];
    for (const t of pg.targets) {
      const i = unmatchedOurs.findIndex((u) => key(u) === key(t));
      if (i === -1) unmatchedProm.push(t);
      else unmatchedOurs.splice(i, 1);
    }
    const targetLines: string[] = [];
    for (const t of unmatchedProm) {
      const score = (u: LabelSet) => Object.keys(t).filter((k) => u[k] === t[k]).length;
      const best = [...unmatchedOurs].sort((a, b) => score(b) - score(a))[0];
      if (best && score(best) > 1) {
        unmatchedOurs.splice(unmatchedOurs.indexOf(best), 1);
        targetLines.push(`  target ${t.__address__} differs:`, ...labelDiff(t, best, '    '));
      } else {
        targetLines.push(`  target ${t.__address__} only Prometheus has: ${key(t)}`);
      }
    }
    for (const u of unmatchedOurs) targetLines.push(`  target ${u.__address__} only we have: ${key(u)}`);
    if (groupLines.length || targetLines.length) out.push(`${source}:`, ...groupLines, ...targetLines);
  }
  return out.join('\n');
}

/** The fixture's namespaces: the generator keeps only their groups (and cluster-scoped ones), so do we. */
const fixtureNamespaces = new Set(fixture.objects.namespaces.map((ns) => ns.metadata.name));
const inFixture = (source: string) => {
  const parts = source.split('/');
  return parts.length !== 3 || fixtureNamespaces.has(parts[1]);
};

async function ourGroups(sd: Record<string, unknown>): Promise<Group[]> {
  const api = new FakeKubeApi();
  for (const objs of Object.values(fixture.objects)) for (const obj of objs) api.seed(obj);
  const [config] = parseKubernetesSDConfigs([sd], 'fixture.json', 'sd', undefined);
  const pool = new InformerPool(api);
  const discovery = new KubernetesDiscovery(config, pool, () => undefined);
  await pool.start();
  try {
    return discovery.groups().filter((g) => inFixture(g.source ?? '')).map((g) => ({ source: g.source ?? '', labels: { ...g.labels }, targets: g.targets.map((t) => ({ ...t })) }));
  } finally {
    discovery.close();
    await pool.stop();
  }
}

describe(`kubernetes_sd_configs labels against Prometheus ${fixture.prometheus}'s discovery (tools/prom-sd-fixture)`, () => {
  test('the fixture was made with the Prometheus module of the collector we build (else: regenerate it)', () => {
    const version = (goMod: string) => {
      const m = /github\.com\/prometheus\/prometheus (v\S+)/.exec(fs.readFileSync(path.join(__dirname, '../..', goMod), 'utf8'));
      return m?.[1];
    };
    expect({ collector: version('tools/otelcol/go.mod'), generator: version('tools/prom-sd-fixture/go.mod') })
      .toEqual({ collector: fixture.prometheus, generator: fixture.prometheus });
  });

  test('the fixture covers every role, with targets', () => {
    const roles = new Set(fixture.results.map((r) => r.sd.role));
    expect([...roles].sort()).toEqual(['endpoints', 'endpointslice', 'ingress', 'node', 'pod', 'service']);
    const withoutTargets = fixture.results.filter((r) => !r.groups.some((g) => g.targets.length > 0)).map((r) => r.name);
    expect(withoutTargets).toEqual([]);
  });

  test.each(fixture.results.map((r) => [r.name, r] as const))('%s: every target group equals Prometheus\'s', async (name, result) => {
    const prom = result.groups.map((g) => ({
      source: g.source,
      labels: withoutExceptions(name, g.labels),
      targets: g.targets.map((t) => withoutExceptions(name, t)),
    }));
    const ours = await ourGroups(result.sd);
    expect(diffGroups(prom, ours)).toBe('');
  });

  test('the diff names what differs', () => {
    const prom: Group[] = [{ source: 'pod/a/b', labels: { x: '1' }, targets: [{ __address__: '1.2.3.4:80', a: '1', b: '2', c: '3' }] }];
    const ours: Group[] = [{ source: 'pod/a/b', labels: { x: '2' }, targets: [{ __address__: '1.2.3.4:80', a: '1', b: '2', d: '4' }] }, { source: 'pod/a/c', labels: {}, targets: [] }];
    expect(diffGroups(prom, ours)).toBe([
      'pod/a/b:', '  group labels:', '    - x="1"', '    + x="2"',
      '  target 1.2.3.4:80 differs:', '    - c="3"', '    + d="4"',
      'pod/a/c: only we have this group (0 targets)',
    ].join('\n'));
    expect(diffGroups(prom, prom)).toBe('');
  });
});
