import { InvalidInputError } from '../../src/common/errors';
import { parseRelabelRules, relabel } from '../../src/allocator/relabel';

const R = (rules: unknown[]) => parseRelabelRules(rules, 'test.yaml', 'relabel_configs');

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
    name: 'dot does not match a newline (RE2 default)',
    input: { a: 'foo\nbar' },
    rules: [{ source_labels: ['a'], regex: 'foo.bar', action: 'drop' }],
    output: { a: 'foo\nbar' },
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

describe('relabel (Prometheus semantics)', () => {
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
    ['lowercase with ${3}', { action: 'lowercase', target_label: '${3}' }, '"${3}" is invalid \'target_label\''],
    ['replace with 0${3}', { source_labels: ['a'], target_label: '0${3}' }, '"0${3}" is invalid \'target_label\''],
    ['replace with -${3}', { source_labels: ['a'], target_label: '-${3}' }, 'is invalid \'target_label\' for replace action'],
    ['hashmod without modulus', { source_labels: ['a'], action: 'hashmod', target_label: 'b' }, 'non-zero modulus'],
    ['keepequal with regex', { source_labels: ['a'], action: 'keepequal', target_label: 'b', regex: '(.*)' }, "requires only 'source_labels' and 'target_label'"],
    ['labeldrop with source_labels', { source_labels: ['a'], action: 'labeldrop', regex: 'x' }, "requires only 'regex'"],
    ['unknown action', { action: 'rename' }, 'unknown relabel action "rename"'],
    ['uppercase with replacement', { action: 'uppercase', target_label: 'b', replacement: 'x' }, "'replacement' can not be set"],
    ['labelmap with invalid replacement', { action: 'labelmap', regex: '(.*)', replacement: '-$1' }, "is invalid 'replacement'"],
    ['look-ahead (RE2 has none)', { source_labels: ['a'], regex: 'a(?=b)', action: 'keep' }, 'look-around'],
    ['back-reference (RE2 has none)', { source_labels: ['a'], regex: '(a)\\1', action: 'keep' }, 'back-reference'],
    ['possessive repetition', { source_labels: ['a'], regex: 'a*+', action: 'keep' }, 'nested repetition'],
    ['unknown field', { source_labels: ['a'], target: 'x' }, 'unknown field'],
    ['invalid source label name', { source_labels: ['a-b'], target_label: 'x' }, 'not a valid label name'],
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
    'target label %s is accepted', (target) => {
      expect(() => R([{ source_labels: ['a'], target_label: target }])).not.toThrow();
    });
  test.each([['-label'], ['${'], ['$'], ['${}'], ['foo${'], ['-foo${1}bar-']])('target label %s is refused', (target) => {
    expect(() => R([{ source_labels: ['a'], target_label: target }])).toThrow(InvalidInputError);
  });
});
