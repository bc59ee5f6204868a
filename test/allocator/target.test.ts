import { Hasher } from '../../src/allocator/hasher';
import { parseRelabelRules } from '../../src/allocator/relabel';
import { dedupeTargets, JobFilterSettings, TargetBuilder, TargetGroup } from '../../src/allocator/target';
import { loadHasher } from './helpers';

let hasher: Hasher;
beforeAll(async () => {
  hasher = await loadHasher();
});

const seeds: Array<[string, string]> = [['job', 'app'], ['__scrape_interval__', '30s'], ['__scrape_timeout__', '10s'], ['__metrics_path__', '/metrics'], ['__scheme__', 'http']];
const job = (rules: unknown[]): JobFilterSettings => ({ jobName: 'app', relabelRules: parseRelabelRules(rules, 't', 'r'), seedLabels: seeds });

describe('target items and the relabel-config filter', () => {
  const groups: TargetGroup[] = [{
    labels: { __meta_kubernetes_namespace: 'default', team: 'a' },
    targets: [{ __address__: '10.0.0.1:80', __meta_kubernetes_pod_name: 'p1' }, { __address__: '10.0.0.2:80', team: 'b' }],
  }];

  test('labels are the discovered ones (group merged with target, target wins), sorted, before relabeling', () => {
    const items = new TargetBuilder(hasher).build(job([{ source_labels: ['team'], target_label: 'renamed' }]), groups, true);
    expect(items.map((t) => t.targetURL)).toEqual(['10.0.0.1:80', '10.0.0.2:80']);
    expect(items[1].labels).toEqual({ __address__: '10.0.0.2:80', __meta_kubernetes_namespace: 'default', team: 'b' });
    expect(Object.keys(items[0].labels)).toEqual(['__address__', '__meta_kubernetes_namespace', '__meta_kubernetes_pod_name', 'team']);
    expect(items[0].keyHash).toBe(hasher.h64('10.0.0.1:80'));
  });

  test('rules see the seeded labels (upstream #5246): keep on job and __metrics_path__', () => {
    const kept = new TargetBuilder(hasher).build(job([
      { source_labels: ['job', '__metrics_path__', '__scheme__'], regex: 'app;/metrics;http', action: 'keep' },
    ]), groups, true);
    expect(kept).toHaveLength(2);
    const dropped = new TargetBuilder(hasher).build(job([{ source_labels: ['job'], regex: 'other', action: 'keep' }]), groups, true);
    expect(dropped).toHaveLength(0);
  });

  test('an unchanged group object with the same job settings yields the same items, without relabeling again', () => {
    const builder = new TargetBuilder(hasher);
    const settings = job([{ source_labels: ['team'], target_label: 'renamed' }]);
    const first = builder.build(settings, groups, true);
    const changed: TargetGroup = { targets: [{ __address__: '10.0.0.3:80' }] };
    const second = builder.build(settings, [...groups, changed], true);
    expect(second.slice(0, 2)).toEqual(first);
    expect(second[0]).toBe(first[0]);
    expect(second[2].targetURL).toBe('10.0.0.3:80');
    // other settings (a config reload) or another filter mode build anew
    expect(builder.build(job([]), groups, true)[0]).not.toBe(first[0]);
    expect(builder.build(settings, groups, false)[0]).not.toBe(first[0]);
  });

  test('labelsJson is the sorted discovered labels as JSON: target wins, empty values left out, escapes kept', () => {
    const g: TargetGroup[] = [{
      labels: { b: 'group', z: 'last', e: '', q: 'quote"\\\n', a: 'group-a' },
      targets: [{ __address__: 'x:1', b: 'target', c: '', a: 'ü' }, { __address__: 'x:2', e: 'set' }],
    }];
    const items = new TargetBuilder(hasher).build(job([]), g, false);
    for (const item of items) {
      expect(item.labelsJson()).toBe(JSON.stringify(item.labels));
    }
    expect(items[0].labelsJson()).toBe('{"__address__":"x:1","a":"ü","b":"target","q":"quote\\"\\\\\\n","z":"last"}');
  });

  test('a discovered label wins over a seed', () => {
    const g = [{ targets: [{ __address__: 'x:1', job: 'from-sd' }] }];
    expect(new TargetBuilder(hasher).build(job([{ source_labels: ['job'], regex: 'from-sd', action: 'keep' }]), g, true)).toHaveLength(1);
  });

  test('Prometheus-Operator sharding rules with $(SHARD) keep every target (__tmp_disable_sharding)', () => {
    const shard = [
      { source_labels: ['__address__', '__tmp_disable_sharding'], modulus: 2, target_label: '__tmp_hash', action: 'hashmod' },
      { source_labels: ['__tmp_hash', '__tmp_disable_sharding'], regex: '$(SHARD);|.+;.+', action: 'keep' },
    ];
    expect(new TargetBuilder(hasher).build(job(shard), groups, true)).toHaveLength(2);
  });

  test('the filter drops targets; with filtering off nothing is dropped', () => {
    const drop = job([{ source_labels: ['team'], regex: 'b', action: 'drop' }]);
    expect(new TargetBuilder(hasher).build(drop, groups, true).map((t) => t.targetURL)).toEqual(['10.0.0.1:80']);
    expect(new TargetBuilder(hasher).build(drop, groups, false)).toHaveLength(2);
  });

  test('ids ignore __meta_ labels: targets differing only there are one target (the last wins)', () => {
    const g = [{ targets: [{ __address__: 'x:1', __meta_a: '1' }, { __address__: 'x:1', __meta_a: '2' }] }];
    const items = new TargetBuilder(hasher).build(job([]), g, true);
    expect(items[0].hash).toBe(items[1].hash);
    const unique = dedupeTargets(items);
    expect(unique).toHaveLength(1);
    expect(unique[0].labels.__meta_a).toBe('2');
  });

  test('ids depend on the relabelled labels: a rule that changes a label changes the id', () => {
    const g = [{ targets: [{ __address__: 'x:1', team: 'a' }] }];
    const plain = new TargetBuilder(hasher).build(job([]), g, true)[0];
    const changed = new TargetBuilder(hasher).build(job([{ target_label: 'team', replacement: 'z' }]), g, true)[0];
    expect(plain.hash).not.toBe(changed.hash);
    expect(plain.hash.startsWith('appx:1')).toBe(true);
  });

  test('a rule that deletes __address__ does not drop the target (the filter drops only on keep=false); its URL stays the discovered address', () => {
    const g = [{ targets: [{ __address__: 'x:1' }] }];
    const items = new TargetBuilder(hasher).build(job([{ regex: '__address__', action: 'labeldrop' }]), g, true);
    expect(items.map((t) => [t.targetURL, t.labels.__address__])).toEqual([['x:1', 'x:1']]);
  });

  test('__meta_ labels leave the id only after relabeling: a label copied from one enters it', () => {
    const g = [{ targets: [{ __address__: 'x:1', __meta_zone: 'a' }] }, { targets: [{ __address__: 'x:1', __meta_zone: 'b' }] }];
    const plain = new TargetBuilder(hasher).build(job([]), g, true);
    expect(plain[0].hash).toBe(plain[1].hash);
    const copied = new TargetBuilder(hasher).build(job([{ source_labels: ['__meta_zone'], target_label: 'zone' }]), g, true);
    expect(copied[0].hash).not.toBe(copied[1].hash);
  });

  test('targets without __address__ are skipped', () => {
    expect(new TargetBuilder(hasher).build(job([]), [{ targets: [{ foo: 'bar' }] }], true)).toHaveLength(0);
  });
});
