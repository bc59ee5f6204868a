import { InvalidInputError } from '../../src/common/errors';
import { NameValidationScheme } from '../../src/allocator/labels';
import { parseRelabelRules, relabel } from '../../src/allocator/relabel';

const R = (rules: unknown[], scheme: NameValidationScheme = 'utf8') => parseRelabelRules(rules, 'test.yaml', 'relabel_configs', scheme);

// Cases from Prometheus' documented behaviour (model/relabel tests).
const cases: Array<{ name: string; input: Record<string, string>; rules: unknown[]; output?: Record<string, string> }> = [
  {
    name: 'replace with ${1} expansion',
    input: { a: 'foo', b: 'bar', c: 'baz' },
    rules: [{ source_labels: ['a'], regex: 'f(.*)', target_label: 'd', replacement: 'ch${1}-ch${1}' }],
    output: { a: 'foo', b: 'bar', c: 'baz', d: 'choo-choo' },
  },
  {
    name: 'replace reads labels written by earlier rules',
    input: { a: 'foo', b: 'bar', c: 'baz' },
    rules: [
      { source_labels: ['a', 'b'], regex: 'f(.*);(.*)r', target_label: 'a', replacement: 'b${1}${2}m' },
      { source_labels: ['c', 'a'], regex: '(b).*b(.*)ba(.*)', target_label: 'd', replacement: '$1$2$2$3' },
    ],
    output: { a: 'boobam', b: 'bar', c: 'baz', d: 'boooom' },
  },
  { name: 'drop on match stops processing', input: { a: 'foo' }, rules: [{ source_labels: ['a'], regex: '.*o.*', action: 'drop' }] },
  { name: 'regex is anchored: f|o does not match foo', input: { a: 'foo' }, rules: [{ source_labels: ['a'], regex: 'f|o', action: 'drop' }], output: { a: 'foo' } },
  { name: 'keep without match drops', input: { a: 'foo' }, rules: [{ source_labels: ['a'], regex: 'no-match', action: 'keep' }] },
  { name: 'keep with match', input: { a: 'foo' }, rules: [{ source_labels: ['a'], regex: 'f.*', action: 'keep' }], output: { a: 'foo' } },
  {
    name: 'no replacement without a match',
    input: { a: 'boo' },
    rules: [{ source_labels: ['a'], regex: 'f', target_label: 'b', replacement: 'bar' }],
    output: { a: 'boo' },
  },
  {
    name: 'hashmod: md5, last 8 bytes big-endian, modulo',
    input: { a: 'foo', b: 'bar', c: 'baz' },
    rules: [{ source_labels: ['c'], target_label: 'd', action: 'hashmod', modulus: 1000 }],
    output: { a: 'foo', b: 'bar', c: 'baz', d: '976' },
  },
  {
    name: 'hashmod over a value with a newline',
    input: { a: 'foo\nbar' },
    rules: [{ source_labels: ['a'], target_label: 'b', action: 'hashmod', modulus: 1000 }],
    output: { a: 'foo\nbar', b: '734' },
  },
  {
    name: 'labelmap copies matching names',
    input: { a: 'foo', b1: 'bar', b2: 'baz' },
    rules: [{ regex: '(b.*)', replacement: 'bar_${1}', action: 'labelmap' }],
    output: { a: 'foo', b1: 'bar', b2: 'baz', bar_b1: 'bar', bar_b2: 'baz' },
  },
  {
    name: 'labelmap of meta labels',
    input: { a: 'foo', __meta_my_bar: 'aaa', __meta_my_baz: 'bbb', __meta_other: 'ccc' },
    rules: [{ regex: '__meta_(my.*)', replacement: '${1}', action: 'labelmap' }],
    output: { a: 'foo', __meta_my_bar: 'aaa', __meta_my_baz: 'bbb', __meta_other: 'ccc', my_bar: 'aaa', my_baz: 'bbb' },
  },
  {
    name: 'target label from a group',
    input: { a: 'some-name-value' },
    rules: [{ source_labels: ['a'], regex: 'some-([^-]+)-([^,]+)', replacement: '${2}', target_label: '${1}' }],
    output: { a: 'some-name-value', name: 'value' },
  },
  {
    name: 'empty replacement deletes nothing that is not there',
    input: { a: 'some-name-value' },
    rules: [{ source_labels: ['a'], regex: 'some-([^-]+)-([^,]+)', replacement: '${3}', target_label: '${1}' }],
    output: { a: 'some-name-value' },
  },
  {
    name: 'invalid expanded target label is skipped',
    input: { a: 'some-name-0' },
    rules: [{ source_labels: ['a'], regex: 'some-([^-]+)-([^,]+)', replacement: '${1}', target_label: '${3}' }],
    output: { a: 'some-name-0' },
  },
  {
    name: 'real-life tag parsing',
    input: { __meta_sd_tags: 'path:/secret,job:some-job,label:foo=bar' },
    rules: [
      { source_labels: ['__meta_sd_tags'], regex: '(?:.+,|^)path:(/[^,]+).*', replacement: '${1}', target_label: '__metrics_path__' },
      { source_labels: ['__meta_sd_tags'], regex: '(?:.+,|^)job:([^,]+).*', replacement: '${1}', target_label: 'job' },
      { source_labels: ['__meta_sd_tags'], regex: '(?:.+,|^)label:([^=]+)=([^,]+).*', replacement: '${2}', target_label: '${1}' },
    ],
    output: { __meta_sd_tags: 'path:/secret,job:some-job,label:foo=bar', __metrics_path__: '/secret', job: 'some-job', foo: 'bar' },
  },
  {
    name: 'labeldrop then re-set (prometheus#12283)',
    input: { __meta_kubernetes_pod_container_port_name: 'foo', __meta_kubernetes_pod_annotation_XXX_metrics_port: '9091' },
    rules: [
      { regex: '^__meta_kubernetes_pod_container_port_name$', action: 'labeldrop' },
      { source_labels: ['__meta_kubernetes_pod_annotation_XXX_metrics_port'], regex: '(.+)', replacement: 'metrics', target_label: '__meta_kubernetes_pod_container_port_name' },
      { source_labels: ['__meta_kubernetes_pod_container_port_name'], regex: '^metrics$', action: 'keep' },
    ],
    output: { __meta_kubernetes_pod_annotation_XXX_metrics_port: '9091', __meta_kubernetes_pod_container_port_name: 'metrics' },
  },
  { name: 'labelkeep', input: { a: 'foo', b1: 'bar', b2: 'baz' }, rules: [{ regex: '(b.*)', action: 'labelkeep' }], output: { b1: 'bar', b2: 'baz' } },
  { name: 'labeldrop', input: { a: 'foo', b1: 'bar', b2: 'baz' }, rules: [{ regex: '(b.*)', action: 'labeldrop' }], output: { a: 'foo' } },
  {
    name: 'uppercase and lowercase',
    input: { foo: 'bAr123Foo' },
    rules: [
      { source_labels: ['foo'], action: 'uppercase', target_label: 'foo_uppercase' },
      { source_labels: ['foo'], action: 'lowercase', target_label: 'foo_lowercase' },
    ],
    output: { foo: 'bAr123Foo', foo_lowercase: 'bar123foo', foo_uppercase: 'BAR123FOO' },
  },
  {
    name: 'keepequal keeps equal values',
    input: { __tmp_port: '1234', __port1: '1234', __port2: '5678' },
    rules: [{ source_labels: ['__tmp_port'], action: 'keepequal', target_label: '__port1' }],
    output: { __tmp_port: '1234', __port1: '1234', __port2: '5678' },
  },
  { name: 'dropequal drops equal values', input: { __tmp_port: '1234', __port1: '1234' }, rules: [{ source_labels: ['__tmp_port'], action: 'dropequal', target_label: '__port1' }] },
  {
    name: 'dropequal keeps different values',
    input: { __tmp_port: '1234', __port2: '5678' },
    rules: [{ source_labels: ['__tmp_port'], action: 'dropequal', target_label: '__port2' }],
    output: { __tmp_port: '1234', __port2: '5678' },
  },
  { name: 'keepequal drops different values', input: { __tmp_port: '1234', __port2: '5678' }, rules: [{ source_labels: ['__tmp_port'], action: 'keepequal', target_label: '__port2' }] },
  {
    name: 'Go Expand: $1x names a group called "1x", which expands to ""',
    input: { a: 'foo' },
    rules: [{ source_labels: ['a'], regex: '(f)oo', target_label: 'b', replacement: '$1x-${1}x' }],
    output: { a: 'foo', b: '-fx' },
  },
  {
    name: 'Go Expand: named groups, $$ and a malformed $',
    input: { a: 'foo' },
    rules: [{ source_labels: ['a'], regex: '(?P<first>f)(o+)', target_label: 'b', replacement: '${first}$$2-$' }],
    output: { a: 'foo', b: 'f$2-$' },
  },
  {
    name: 'defaults: source labels joined with ";" and regex (.*) with $1',
    input: { a: 'x', b: 'y' },
    rules: [{ source_labels: ['a', 'b', 'missing'], target_label: 'c' }],
    output: { a: 'x', b: 'y', c: 'x;y;' },
  },
  {
    name: 'replace with empty result deletes the target label',
    input: { a: 'x', c: 'old' },
    rules: [{ source_labels: ['missing'], regex: '(.*)', target_label: 'c' }],
    output: { a: 'x' },
  },
  {
    name: 'fast path: empty value and default regex set the replacement verbatim',
    input: { a: 'x' },
    rules: [{ target_label: '__tmp_disable_sharding', replacement: 'true' }],
    output: { a: 'x', __tmp_disable_sharding: 'true' },
  },
  {
    name: 'lowercase of an empty value deletes the label',
    input: { a: 'x', b: 'y' },
    rules: [{ source_labels: ['missing'], action: 'lowercase', target_label: 'b' }],
    output: { a: 'x' },
  },
  {
    name: 'action is case-insensitive',
    input: { a: 'x' },
    rules: [{ source_labels: ['a'], regex: 'x', action: 'DROP' }],
  },
  {
    name: 'dot matches a newline (Prometheus 3 anchors regexes as ^(?s:…)$)',
    input: { a: 'foo\nbar' },
    rules: [{ source_labels: ['a'], regex: 'foo.bar', action: 'drop' }],
  },
  {
    name: '(?s) makes dot match a newline',
    input: { a: 'foo\nbar' },
    rules: [{ source_labels: ['a'], regex: '(?s)foo.bar', action: 'drop' }],
  },
  {
    name: 'POSIX class and (?i)',
    input: { a: 'ABC123' },
    rules: [{ source_labels: ['a'], regex: '(?i)[[:alpha:]]+([[:digit:]]+)', target_label: 'n' }],
    output: { a: 'ABC123', n: '123' },
  },
];

// Edge cases of Prometheus 3's model/relabel, one documented behaviour per case.
const edgeCases: Array<{ name: string; input: Record<string, string>; rules: unknown[]; output?: Record<string, string>; scheme?: NameValidationScheme }> = [
  {
    name: 'no source_labels: the value is "", so regex "" matches and the replacement is written',
    input: { a: 'x' },
    rules: [{ regex: '', target_label: 'b', replacement: 'set' }],
    output: { a: 'x', b: 'set' },
  },
  {
    name: 'no source_labels: regex (.+) does not match "", nothing is written',
    input: { a: 'x' },
    rules: [{ regex: '(.+)', target_label: 'b', replacement: 'set' }],
    output: { a: 'x' },
  },
  {
    name: '${1} expanding to a dotted name writes it (UTF-8 label names)',
    input: { a: 'k8s.pod' },
    rules: [{ source_labels: ['a'], regex: '(.*)', target_label: '${1}', replacement: 'v' }],
    output: { a: 'k8s.pod', 'k8s.pod': 'v' },
  },
  {
    name: '${1} expanding to a dotted name is not written with legacy names (the write is dropped)',
    input: { a: 'k8s.pod' },
    rules: [{ source_labels: ['a'], regex: '(.*)', target_label: '${1}', replacement: 'v' }],
    output: { a: 'k8s.pod' },
    scheme: 'legacy',
  },
  {
    name: 'target_label ${0} expanding to "" is an invalid name: the write is dropped',
    input: { a: 'x' },
    rules: [{ target_label: '${0}', replacement: 'dropped' }],
    output: { a: 'x' },
  },
  {
    name: 'replacement ${0} expanding to "" deletes the target label (no fast path with a $ in the replacement)',
    input: { a: 'x', dropped: 'old' },
    rules: [{ target_label: 'dropped', replacement: '${0}' }],
    output: { a: 'x' },
  },
  {
    name: 'replacement: with no value is "" and deletes the target label',
    input: { a: 'x', b: 'old' },
    rules: [{ target_label: 'b', replacement: null }],
    output: { a: 'x' },
  },
  {
    name: 'regex: with no value matches only "": keep passes a missing label',
    input: { a: 'x' },
    rules: [{ source_labels: ['missing'], regex: null, action: 'keep' }],
    output: { a: 'x' },
  },
  { name: 'regex: with no value does not match a present label: keep drops', input: { a: 'x' }, rules: [{ source_labels: ['a'], regex: null, action: 'keep' }] },
  { name: 'a missing label reads as "": keep with .+ drops', input: { a: 'x' }, rules: [{ source_labels: ['missing'], regex: '.+', action: 'keep' }] },
  { name: 'a missing label reads as "": drop with regex "" drops', input: { a: 'x' }, rules: [{ source_labels: ['missing'], regex: '', action: 'drop' }] },
  {
    name: 'a missing label reads as "": keep with the default regex keeps',
    input: { a: 'x' },
    rules: [{ source_labels: ['missing'], action: 'keep' }],
    output: { a: 'x' },
  },
  {
    name: 'separator joins several source labels, missing ones as ""',
    input: { a: 'x', b: 'y' },
    rules: [{ source_labels: ['a', 'missing', 'b'], separator: '/', target_label: 'c' }],
    output: { a: 'x', b: 'y', c: 'x//y' },
  },
  {
    name: 'separator: with no value joins with ""',
    input: { a: 'x', b: 'y' },
    rules: [{ source_labels: ['a', 'b'], separator: null, target_label: 'c' }],
    output: { a: 'x', b: 'y', c: 'xy' },
  },
  {
    name: 'labelmap with a replacement template renames with a prefix',
    input: { __meta_kubernetes_pod_label_app: 'web', __meta_kubernetes_pod_label_tier: 'fe' },
    rules: [{ regex: '__meta_kubernetes_pod_label_(.+)', replacement: 'pod_${1}', action: 'labelmap' }],
    output: { __meta_kubernetes_pod_label_app: 'web', __meta_kubernetes_pod_label_tier: 'fe', pod_app: 'web', pod_tier: 'fe' },
  },
  {
    name: 'keepequal: two missing labels are equal ("" = "")',
    input: { a: 'x' },
    rules: [{ source_labels: ['m1'], action: 'keepequal', target_label: 'm2' }],
    output: { a: 'x' },
  },
  { name: 'dropequal: two missing labels are equal, so the target is dropped', input: { a: 'x' }, rules: [{ source_labels: ['m1'], action: 'dropequal', target_label: 'm2' }] },
  {
    name: 'keepequal joins several source labels with ";" before comparing',
    input: { a: 'x', b: 'y', c: 'x;y' },
    rules: [{ source_labels: ['a', 'b'], action: 'keepequal', target_label: 'c' }],
    output: { a: 'x', b: 'y', c: 'x;y' },
  },
  {
    name: 'uppercase maps as Go strings.ToUpper (simple mapping: ß stays, ᾳ becomes ᾼ)',
    input: { a: 'straße ᾳ' },
    rules: [{ source_labels: ['a'], action: 'uppercase', target_label: 'b' }],
    output: { a: 'straße ᾳ', b: 'STRAßE ᾼ' },
  },
  {
    name: 'lowercase maps as Go strings.ToLower (İ becomes i, a final Σ becomes σ)',
    input: { a: 'İSTANBUL ΟΔΟΣ' },
    rules: [{ source_labels: ['a'], action: 'lowercase', target_label: 'b' }],
    output: { a: 'İSTANBUL ΟΔΟΣ', b: 'istanbul οδοσ' },
  },
  {
    name: 'hashmod writes the value modulo the modulus, then a keep on it (Prometheus-Operator sharding)',
    input: { __address__: '10.0.0.1:9100' },
    rules: [
      { source_labels: ['__address__'], target_label: '__tmp_hash', modulus: 1, action: 'hashmod' },
      { source_labels: ['__tmp_hash'], regex: '0', action: 'keep' },
    ],
    output: { __address__: '10.0.0.1:9100', __tmp_hash: '0' },
  },
  {
    name: '__tmp_ labels are ordinary labels until something drops them',
    input: { a: 'x' },
    rules: [{ source_labels: ['a'], target_label: '__tmp_a' }, { source_labels: ['__tmp_a'], target_label: 'b' }, { regex: '__tmp_.*', action: 'labeldrop' }],
    output: { a: 'x', b: 'x' },
  },
];

describe('relabel (Prometheus semantics)', () => {
  test.each(edgeCases)('$name', ({ input, rules, output, scheme }) => {
    expect(relabel(input, R(rules, scheme))).toEqual(output);
  });

  test.each(cases)('$name', ({ input, rules, output }) => {
    expect(relabel(input, R(rules))).toEqual(output);
  });

  test('labelmap: when two names map to one, the later one in Prometheus order wins', () => {
    // base labels iterate sorted, so x_b is written after x_a
    const out = relabel({ x_a: '1', x_b: '2' }, R([{ regex: 'x_(a|b)', replacement: 'y', action: 'labelmap' }]));
    expect(out).toEqual({ x_a: '1', x_b: '2', y: '2' });
  });
});

describe('relabel validation (Prometheus checks, with the path)', () => {
  const invalid: Array<[string, unknown, string]> = [
    ['replace without target_label', { source_labels: ['a'] }, "requires 'target_label'"],
    ['lowercase without target_label', { action: 'lowercase' }, "requires 'target_label'"],
    ['hashmod without modulus', { source_labels: ['a'], action: 'hashmod', target_label: 'b' }, 'non-zero modulus'],
    ['keepequal with regex', { source_labels: ['a'], action: 'keepequal', target_label: 'b', regex: '(.*)' }, "requires only 'source_labels' and 'target_label'"],
    ['labeldrop with source_labels', { source_labels: ['a'], action: 'labeldrop', regex: 'x' }, "requires only 'regex'"],
    ['unknown action', { action: 'rename' }, 'unknown relabel action "rename"'],
    ['uppercase with replacement', { action: 'uppercase', target_label: 'b', replacement: 'x' }, "'replacement' can not be set"],
    ['look-ahead (RE2 has none)', { source_labels: ['a'], regex: 'a(?=b)', action: 'keep' }, 'invalid or unsupported Perl syntax: `(?=`'],
    ['back-reference (RE2 has none)', { source_labels: ['a'], regex: '(a)\\1', action: 'keep' }, 'invalid escape sequence: `\\1`'],
    ['possessive repetition', { source_labels: ['a'], regex: 'a*+', action: 'keep' }, 'nested repetition'],
    ['unknown field', { source_labels: ['a'], target: 'x' }, 'unknown field'],
    ['empty source label name', { source_labels: [''], target_label: 'x' }, 'not a valid label name'],
    ['hashmod with modulus 0', { source_labels: ['a'], action: 'hashmod', target_label: 'b', modulus: 0 }, 'non-zero modulus'],
    ['hashmod with a quoted modulus (a uint64 in Prometheus)', { source_labels: ['a'], action: 'hashmod', target_label: 'b', modulus: '4' }, 'must be a non-negative integer'],
    ['hashmod with a negative modulus', { source_labels: ['a'], action: 'hashmod', target_label: 'b', modulus: -1 }, 'must be a non-negative integer'],
    ['action: with no value', { source_labels: ['a'], action: null }, 'relabel action cannot be empty'],
    ['labeldrop with an empty source_labels list (Prometheus checks != nil)', { source_labels: [], action: 'labeldrop', regex: 'x' }, "requires only 'regex'"],
    ['keepequal with an empty regex:', { source_labels: ['a'], action: 'keepequal', target_label: 'b', regex: null }, "requires only 'source_labels' and 'target_label'"],
    ['replace with target_label: and no value', { source_labels: ['a'], target_label: null }, "requires 'target_label'"],
  ];
  test.each(invalid)('%s', (_name, rule, message) => {
    let err: unknown;
    try {
      R([{ target_label: 'ok' }, rule]);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InvalidInputError);
    expect((err as Error).message).toContain(message);
    expect((err as InvalidInputError).path).toMatch(/^relabel_configs\[1\]/);
  });

  test.each([['label'], ['label${1}'], ['${1}label'], ['${1}'], ['$1'], ['asd$2asd'], ['_${1}_'], ['foo${bar}foo']])(
    'legacy scheme: target label %s is accepted', (target) => {
      expect(() => R([{ source_labels: ['a'], target_label: target }], 'legacy')).not.toThrow();
    });
  test.each([['-label'], ['${'], ['$'], ['${}'], ['foo${'], ['-foo${1}bar-'], ['bar.foo${1}bar']])('legacy scheme: target label %s is refused', (target) => {
    expect(() => R([{ source_labels: ['a'], target_label: target }], 'legacy')).toThrow(InvalidInputError);
  });

  // Prometheus 3 (relabel_test TestRelabelValidate): with UTF-8 names these are legal, with legacy names not
  const legacyOnly: Array<[string, unknown, string]> = [
    ['lowercase with ${3}', { action: 'lowercase', target_label: '${3}' }, '"${3}" is invalid \'target_label\' for lowercase action'],
    ['replace with 0${3}', { source_labels: ['a'], target_label: '0${3}' }, '"0${3}" is invalid \'target_label\''],
    ['replace with -${3}', { source_labels: ['a'], target_label: '-${3}' }, 'is invalid \'target_label\' for replace action'],
    ['replace with a dotted name', { source_labels: ['a'], target_label: 'k8s.pod' }, 'is invalid \'target_label\' for replace action'],
    ['labelmap with replacement -$1', { action: 'labelmap', regex: '(.*)', replacement: '-$1' }, "is invalid 'replacement'"],
    ['source label a-b', { source_labels: ['a-b'], target_label: 'x' }, 'not a valid label name'],
  ];
  test.each(legacyOnly)('%s: accepted with utf8 names, refused with legacy names', (_name, rule, message) => {
    expect(() => R([rule])).not.toThrow();
    expect(() => R([rule], 'legacy')).toThrow(message);
  });
});
