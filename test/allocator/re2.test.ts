import { expandTemplate } from '../../src/allocator/expand';
import { compileAnchored, Re2SyntaxError } from '../../src/allocator/re2';

describe('RE2 patterns in JavaScript', () => {
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

  const refused: Array<[string, string]> = [
    ['a(?=b)', 'look-around'],
    ['a(?<!b)', 'look-around'],
    ['(a)\\1', 'back-reference'],
    ['a**', 'nested repetition'],
    ['a{1001}', 'repetition count above 1000'],
    ['(?U)a*', 'ungreedy'],
    ['a(?i)b', 'scoped or non-leading flags'],
    ['(?-i)a', 'negated flags (?-i) other than -s'],
    ['\\C', 'any byte'],
    ['(a', 'missing closing )'],
    ['a)', 'unexpected )'],
    ['[a', 'missing closing ]'],
    ['*a', 'missing argument to repetition operator'],
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

  test('Go Expand semantics', () => {
    const m = /(?<word>a)(b)/u.exec('ab')!;
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
  });
});
