import { expandTemplate } from '../../src/allocator/expand';
import { compileAnchored, compileAnchoredRe2js, Re2Regex, Re2SyntaxError } from '../../src/allocator/re2';

describe('RE2 patterns (re2js)', () => {
  const matches: Array<[string, string, boolean]> = [
    ['a.c', 'abc', true],
    ['a.c', 'a\nc', false], // RE2's dot excludes only \n ...
    ['a.c', 'a\rc', true], // ... while JavaScript's would also exclude \r
    ['(?s)a.c', 'a\nc', true],
    ['(?s:a.)c', 'a\nc', true],
    ['(?i)abc', 'ABC', true],
    ['a\\sb', 'a\u00a0b', false], // \s is ASCII-only in RE2
    ['a\\sb', 'a\tb', true],
    ['[[:digit:]]+', '123', true],
    ['[^[:space:]]+', 'a b', false],
    ['\\Qa.b\\E', 'a.b', true],
    ['\\Qa.b\\E', 'axb', false],
    ['\\x{41}\\x42', 'AB', true],
    ['\\101', 'A', true],
    ['a{2}', 'aa', true],
    ['a{,2}', 'a{,2}', true], // not a repetition in RE2: a literal
    ['x|y', 'xy', false], // anchored as ^(?:x|y)$
    ['^a$', 'a', true],
    ['\\pL+', 'Ωmega', true],
    ['\\p{Greek}+', 'Ωμ', true],
    ['(?P<n>a)-(?<m>b)', 'a-b', true],
    ['a+?b', 'aab', true],
    ['[]a]+', ']a]', true],
    ['[a-]+', 'a-a', true],
    ['\\-', '-', true],
  ];
  test.each(matches)('%j on %j matches: %s', (pattern, input, expected) => {
    expect(compileAnchored(pattern).test(input)).toBe(expected);
  });

  // RE2's own messages, as Go's regexp writes them (Prometheus shows the anchored pattern it compiled)
  const refused: Array<[string, string]> = [
    ['a(?=b)', 'invalid or unsupported Perl syntax: `(?=`'],
    ['a(?<!b)', 'invalid named capture: `(?<!b))$`'], // Go quotes the rest of the anchored pattern
    ['(a)\\1', 'invalid escape sequence: `\\1`'],
    ['a**', 'invalid nested repetition operator: `**`'],
    ['a{1001}', 'invalid repeat count: `{1001}`'],
    ['(?P<n>a)(?P<n>b)', 'duplicate capture group name: `n`'],
    ['\\C', 'invalid escape sequence: `\\C`'],
    ['\\Z', 'invalid escape sequence: `\\Z`'],
    ['(a', 'missing closing ): `^(?:(a)$`'],
    ['a)', 'unexpected ): `^(?:a))$`'],
    ['[a', 'missing closing ]: `[a)$`'],
    ['*a', 'missing argument to repetition operator: `*`'],
  ];
  // Prometheus 3 compiles relabel regexes as ^(?s:…)$: `.` matches a newline unless (?-s) turns it off
  const dotAll: Array<[string, string, boolean]> = [
    ['a.c', 'a\nc', true],
    ['(?-s)a.c', 'a\nc', false],
    ['(?-s:a.)c', 'a\nc', false],
    ['(?-s:a)(.)c', 'a\n\nc', false],
    ['(?-s:a?)a.c', 'a\nc', true], // the scope ends: dot-all again
    ['a[^b]c', 'a\nc', true],
  ];
  test.each(dotAll)('dot-all mode: %j on %j matches: %s', (pattern, input, expected) => {
    expect(compileAnchored(pattern, true).test(input)).toBe(expected);
  });

  test.each(refused)('%j is refused (%s)', (pattern, reason) => {
    expect(() => compileAnchored(pattern)).toThrow(Re2SyntaxError);
    expect(() => compileAnchored(pattern)).toThrow(reason);
  });

  // what the hand-written translation to JavaScript could not express, RE2 runs as Go does
  const flags: Array<[string, string, boolean]> = [
    ['(?U)a+', 'aaa', true],
    ['a(?i)b', 'aB', true],
    ['a(?i)b', 'AB', false],
    ['(?i:a)b', 'Ab', true],
    ['(?i:a)b', 'AB', false],
    ['(?i)(?-i:a)b', 'aB', true],
    ['(?i)(?-i:a)b', 'AB', false],
    ['(?m:^b$)', 'b', true],
    ['[[:^alpha:]]+', '12', true],
    ['(?i)k', '\u212a', true], // Kelvin sign folds to k in Go
    ['(?i)ſ', 'S', true], // long s folds to s and S
    ['(?s:.)', '𝒜', true], // one rune, not two UTF-16 units
    ['..', '𝒜', false],
    ['(?P<1x>a)', 'a', true], // Go allows group names that start with a digit
  ];
  test.each(flags)('%j on %j matches: %s', (pattern, input, expected) => {
    expect(compileAnchored(pattern, true).test(input)).toBe(expected);
  });

  test('anchors are added as Prometheus adds them, by concatenation: "a)|(b" matches any value starting with a', () => {
    const re = compileAnchored('a)|(b', true);
    expect(re.test('axyz')).toBe(true);
    expect(re.test('xyzb')).toBe(true);
    expect(re.test('xyz')).toBe(false);
    expect(re.exec('axyz')?.[0]).toBe('a');
  });

  // Patterns that take exponential time in a backtracking engine: RE2 answers them in linear time. These are
  // correctness tests; the bench (`npm run bench`) measures the time.
  const pathological: Array<[string, string, boolean]> = [
    ['(a+)+b', `${'a'.repeat(28)}c`, false],
    ['(a+)+b', `${'a'.repeat(28)}b`, true],
    ['(a|a)*b', `${'a'.repeat(40)}c`, false],
    ['(a*)*b', `${'a'.repeat(40)}c`, false],
    ['(a|aa)+', `${'a'.repeat(60)}c`, false],
    ['(x+x+)+y', 'x'.repeat(5000), false],
    ['(\\w+\\s?)*', `${'word '.repeat(2000)}!`, false],
    ['(.*a){12}', 'a'.repeat(5000), true],
    ['(.*a){12}', `${'a'.repeat(11)}${'b'.repeat(5000)}`, false],
    ['^(([a-z])+.)+[A-Z]([a-z])+$', `${'a'.repeat(40)}!`, false],
  ];
  test.each(pathological)('pathological %j on a long input: %s', (pattern, input, expected) => {
    const re = compileAnchored(pattern, true);
    expect(re.test(input)).toBe(expected);
    expect(re.exec(input) !== null).toBe(expected);
  });

  // The fast paths (literal, prefix + any, literal set) must answer as RE2 does, group for group.
  const fastPatterns = ['', 'web', 'a;b', 'true', '(.*)', '(.+)', 'Node;(.*)', '__meta_kubernetes_pod_label_(.+)',
    'ns-a|ns-b', '(ns-a|ns-b|)', '(x)', 'x(.*)y', 'é(.+)', 'a|b)', '(a|b'];
  const inputs = ['', 'web', 'webx', 'a;b', 'true', 'TRUE', 'Node;', 'Node;n1', 'Node;\nx', 'Pod;n1', '\n',
    '__meta_kubernetes_pod_label_', '__meta_kubernetes_pod_label_app', 'ns-a', 'ns-b', 'ns-c', 'ns-a|ns-b', 'x',
    'é', 'éa', 'é\u0301', '𝒜'];
  test.each(fastPatterns)('fast path for %j answers as re2js does', (pattern) => {
    for (const dotAll of [true, false]) {
      let fast: Re2Regex;
      try {
        fast = compileAnchored(pattern, dotAll);
      } catch (err) {
        expect(() => compileAnchoredRe2js(pattern, dotAll)).toThrow((err as Error).message);
        continue;
      }
      const slow = compileAnchoredRe2js(pattern, dotAll);
      for (const input of inputs) {
        expect([pattern, dotAll, input, fast.test(input)]).toEqual([pattern, dotAll, input, slow.test(input)]);
        const f = fast.exec(input);
        const s = slow.exec(input);
        expect([pattern, dotAll, input, f && Array.from({ length: 3 }, (_, i) => f[i])])
          .toEqual([pattern, dotAll, input, s && Array.from({ length: 3 }, (_, i) => s[i])]);
      }
    }
  });

  test('Go Expand semantics', () => {
    const m = compileAnchored('(?P<word>a)(b)', true).exec('ab')!;
    expect(expandTemplate('$1', m)).toBe('a');
    expect(expandTemplate('${1}x', m)).toBe('ax');
    expect(expandTemplate('$1x', m)).toBe(''); // group "1x" does not exist
    expect(expandTemplate('$word-$2', m)).toBe('a-b');
    expect(expandTemplate('$$1', m)).toBe('$1');
    expect(expandTemplate('${1', m)).toBe('${1');
    expect(expandTemplate('$9', m)).toBe('');
    expect(expandTemplate('$01', m)).toBe(''); // leading zero: a name, not a number
    expect(expandTemplate('no dollars', m)).toBe('no dollars');
    expect(expandTemplate('$1²', m)).toBe('a²'); // ² is a number but not a decimal digit: the name stops before it
    expect(expandTemplate('$1٣', m)).toBe(''); // an Arabic-Indic digit is a decimal digit: group "1٣"
    expect(expandTemplate('$-', m)).toBe('$-');
    expect(expandTemplate('$1𝒜-', m)).toBe('-'); // an astral letter continues the name (group "1" + that letter)
    const digitName = compileAnchored('(?P<1x>a)(b)', true).exec('ab')!;
    expect(expandTemplate('$1x-$1', digitName)).toBe('a-a'); // "1x" is a group name here
    const unmatched = compileAnchored('(a)|(b)', true).exec('b')!;
    expect(expandTemplate('[$1][$2]', unmatched)).toBe('[][b]');
  });
});
