import { parse } from 'yaml';
import {
  compareGoYamlKeys, formatGoDuration, goFloat, goStruct, goYamlV2Marshal, parseGoDuration,
} from '../../src/targetallocator';
import { normalizedDuration, durationMillis } from '../../src/targetallocator/duration';

describe('goYamlV2Marshal (Go yaml.v2 output)', () => {
  test('block style, 2 spaces, sequences not indented, empty collections inline', () => {
    const doc = { b: { c: [1, 'x'], d: [] as unknown[], e: {} }, a: [{ k: 'v', j: [['n']] }], z: null };
    expect(goYamlV2Marshal(doc)).toBe([
      'a:',
      '- j:',
      '  - - "n"',
      '  k: v',
      'b:',
      '  c:',
      '  - 1',
      '  - x',
      '  d: []',
      '  e: {}',
      'z: null',
      '',
    ].join('\n'));
  });

  test('map keys in yaml.v2 natural order; struct fields in declaration order', () => {
    const keys = ['job10', 'job9', 'a', 'B', '_x', 'job1', 'é'];
    expect([...keys].sort(compareGoYamlKeys)).toEqual(['_x', 'B', 'a', 'job1', 'job9', 'job10', 'é']);
    expect(goYamlV2Marshal(goStruct({ matchlabels: {}, matchexpressions: [] }))).toBe('matchlabels: {}\nmatchexpressions: []\n');
    expect(goYamlV2Marshal({ matchlabels: {}, matchexpressions: [] })).toBe('matchexpressions: []\nmatchlabels: {}\n');
  });

  test.each([
    ['plain', 'plain'],
    ['0.0.0.0:8888', '0.0.0.0:8888'],
    ['(id|name)', '(id|name)'],
    ['$1', '$1'],
    ['', '""'],
    ['true', '"true"'],
    ['yes', '"yes"'],
    ['off', '"off"'],
    ['~', '"~"'],
    ['8080', '"8080"'],
    ['1.5', '"1.5"'],
    ['0x1f', '"0x1f"'],
    ['12:30', '"12:30"'],
    ['2024-01-02', '"2024-01-02"'],
    ['*', "'*'"],
    ['- item', "'- item'"],
    ['key: value', "'key: value'"],
    ['a #comment', "'a #comment'"],
    [' leading', "' leading'"],
    ["it's", "it's"],
    ['{x}', "'{x}'"],
  ])('string %j is written as %s', (value, written) => {
    const out = goYamlV2Marshal({ k: value });
    expect(out).toBe(`k: ${written}\n`);
    // and reads back as the same string
    expect(parse(out, { version: '1.1' }).k).toBe(value);
  });

  test('long plain strings fold at a space past column 80, indented under their key', () => {
    const words = Array.from({ length: 20 }, (_, i) => `word${i}`).join(' ');
    const out = goYamlV2Marshal({ a: { description: words }, l: [words] });
    const lines = out.split('\n');
    // column 81 after word10: the next space becomes a line break
    expect(lines[1]).toBe('  description: word0 word1 word2 word3 word4 word5 word6 word7 word8 word9 word10');
    expect(lines[2]).toBe('    word11 word12 word13 word14 word15 word16 word17 word18 word19');
    expect(lines[4]).toMatch(/^- word0 .* word12$/);
    expect(lines[5]).toBe('  word13 word14 word15 word16 word17 word18 word19');
    const back = parse(out);
    expect(back.a.description).toBe(words);
    expect(back.l[0]).toBe(words);
  });

  test('multi-line strings become literal blocks', () => {
    const out = goYamlV2Marshal({ k: 'a\nb' });
    expect(out).toBe('k: |-\n  a\n  b\n');
    expect(parse(out).k).toBe('a\nb');
  });

  test.each([
    [0, '0'], [10, '10'], [123456, '123456'], [1000000, '1e+06'], [1500000, '1.5e+06'], [0.5, '0.5'],
    [0.0001, '0.0001'], [0.00001, '1e-05'], [-2.25, '-2.25'], [1e21, '1e+21'],
  ])('number %d is written like Go FormatFloat g -1: %s', (n, s) => {
    expect(goFloat(n)).toBe(s);
  });
});

describe('Go durations', () => {
  test.each([
    ['30s', '30s'], ['1m', '1m0s'], ['90s', '1m30s'], ['1h30m', '1h30m0s'], ['2h', '2h0m0s'], ['500ms', '500ms'],
    ['1.5s', '1.5s'], ['1500ms', '1.5s'], ['250us', '250µs'], ['7ns', '7ns'], ['1h0m0.5s', '1h0m0.5s'],
  ])('%s is re-printed as %s', (input, output) => {
    expect(formatGoDuration(parseGoDuration(input)!)).toBe(output);
  });

  test('zero and empty durations are omitted; unparsable text is kept as written', () => {
    expect(normalizedDuration('0s')).toBeUndefined();
    expect(normalizedDuration('')).toBeUndefined();
    expect(normalizedDuration(undefined)).toBeUndefined();
    expect(parseGoDuration('30 seconds')).toBeUndefined();
    expect(normalizedDuration('30 seconds')).toBe('30 seconds');
    expect(durationMillis('1m')).toBe(60000);
  });
});
