/**
 * Prometheus compiles relabel regexes with Go's RE2 engine, anchored as `^(?:<regex>)$`. JavaScript's engine
 * differs in syntax and in a few meanings, so a pattern is translated token by token:
 *
 * - kept as is: literals, `|`, groups `(?:…)`, classes, `\d \w \b \B`, greedy and lazy repetition;
 * - rewritten: `(?P<n>…)` → `(?<n>…)`; `.` → `[^\n]` (JS `.` also refuses `\r`, U+2028, U+2029);
 *   `\s` → `[\t\n\f\r ]` (RE2's ASCII set); `\A`/`\z` → text anchors; `\Q…\E` → escaped literals;
 *   `\x{…}` → `\u{…}`; octal `\123`; POSIX classes `[[:alpha:]]`; a leading `(?i)`, `(?s)`, `(?m)` become flags;
 *   `(?s:…)` scopes a dot-matches-newline; a `{` that is not a repetition is a literal (RE2 treats it so);
 * - refused, because RE2 refuses them too (so Prometheus would reject the config): look-arounds, back-references,
 *   possessive or nested repetition, repetition counts above 1000, `\C`, `\Z`;
 * - refused, because JavaScript on Node 20 cannot express them: scoped `(?i:…)`/`(?m:…)`, `(?U)`, negation of
 *   i, m or U (`(?-s)` works: dot-all is translated), group names that are not JS identifiers.
 *
 * The `u` flag is always on, so `.` and classes work on code points as RE2 works on UTF-8 runes.
 */

const POSIX_CLASSES: Record<string, string> = {
  alnum: '0-9A-Za-z',
  alpha: 'A-Za-z',
  ascii: '\\x00-\\x7F',
  blank: '\\t ',
  cntrl: '\\x00-\\x1F\\x7F',
  digit: '0-9',
  graph: '!-~',
  lower: 'a-z',
  print: ' -~',
  punct: '!-\\/:-@\\[-`{-~',
  space: '\\t\\n\\v\\f\\r ',
  upper: 'A-Z',
  word: '0-9A-Za-z_',
  xdigit: '0-9A-Fa-f',
};

const RE2_SPACE = '\\t\\n\\f\\r ';
const JS_SYNTAX = new Set('^$\\.*+?()[]{}|/'.split(''));

/** The reason a pattern cannot be used; thrown by {@link translateRe2}. */
export class Re2SyntaxError extends Error {
  constructor(pattern: string, reason: string) {
    super(`invalid regular expression ${JSON.stringify(pattern)}: ${reason}`);
    this.name = 'Re2SyntaxError';
  }
}

/** A translated pattern: source (without the anchors) and flags for `new RegExp`. */
export interface TranslatedRe2 {
  readonly source: string;
  readonly flags: string;
}

function escapeLiteral(ch: string, inClass: boolean): string {
  if (inClass) return ch === ']' || ch === '\\' || ch === '^' || ch === '-' || ch === '[' ? `\\${ch}` : ch;
  return JS_SYNTAX.has(ch) ? `\\${ch}` : ch;
}

function codePointEscape(cp: number): string {
  return `\\u{${cp.toString(16)}}`;
}

/** Translates an RE2 pattern into JavaScript; throws {@link Re2SyntaxError} for what cannot be translated. */
export function translateRe2(pattern: string, dotAll = false): TranslatedRe2 {
  let i = 0;
  let out = '';
  let flags = 'u';
  const dotAllStack: boolean[] = [dotAll];
  let multiLine = false;
  const fail = (reason: string): never => {
    throw new Re2SyntaxError(pattern, reason);
  };

  // A leading flag group applies to the whole pattern, which JavaScript expresses as RegExp flags.
  const lead = /^\(\?([imsU]+)\)/.exec(pattern);
  if (lead) {
    for (const f of lead[1]) {
      if (f === 'U') fail('the ungreedy flag (?U) is not supported');
      if (f === 'i' && !flags.includes('i')) flags += 'i';
      if (f === 's') dotAllStack[0] = true;
      if (f === 'm') multiLine = true;
    }
    if (multiLine) flags += 'm';
    i = lead[0].length;
  }
  let lastWasQuantifier = false;
  let lazyApplied = false;
  let canRepeat = false;

  const parseEscape = (inClass: boolean): string => {
    const c = pattern[i + 1];
    if (c === undefined) fail('trailing backslash at end of expression');
    i += 2;
    switch (c) {
      case 'd': case 'D': case 'w': case 'W':
        return `\\${c}`;
      case 'b': case 'B':
        if (inClass) fail(`\\${c} is not valid inside a character class`);
        return `\\${c}`;
      case 's':
        return inClass ? RE2_SPACE : `[${RE2_SPACE}]`;
      case 'S':
        return inClass ? '\\S' : `[^${RE2_SPACE}]`;
      case 'A':
        if (inClass) fail('\\A is not valid inside a character class');
        return '(?<![\\s\\S])';
      case 'z':
        if (inClass) fail('\\z is not valid inside a character class');
        return '(?![\\s\\S])';
      case 'a': return '\\x07';
      case 'f': return '\\f';
      case 't': return '\\t';
      case 'n': return '\\n';
      case 'r': return '\\r';
      case 'v': return '\\v';
      case 'C': return fail('\\C (any byte) is not supported');
      case 'Z': return fail('\\Z is not valid RE2 syntax (use \\z or $)');
      case 'p': case 'P': {
        if (pattern[i] === '{') {
          const end = pattern.indexOf('}', i);
          if (end < 0) fail('unterminated \\p{…}');
          const name = pattern.slice(i + 1, end);
          i = end + 1;
          const neg = name.startsWith('^');
          const n = neg ? name.slice(1) : name;
          // RE2 names general categories (L, Lu) and scripts (Greek); JavaScript needs Script= for the latter
          const jsName = /^[A-Z][a-z]?$/.test(n) ? n : `Script=${n}`;
          return `\\${(c === 'P') !== neg ? 'P' : 'p'}{${jsName}}`;
        }
        const one = pattern[i];
        if (one === undefined) fail('missing class name after \\p');
        i += 1;
        return `\\${c}{${one}}`;
      }
      case 'x': {
        if (pattern[i] === '{') {
          const end = pattern.indexOf('}', i);
          if (end < 0) fail('unterminated \\x{…}');
          const hex = pattern.slice(i + 1, end);
          if (!/^[0-9A-Fa-f]+$/.test(hex)) fail(`invalid hex escape \\x{${hex}}`);
          i = end + 1;
          return codePointEscape(parseInt(hex, 16));
        }
        const hex = pattern.slice(i, i + 2);
        if (!/^[0-9A-Fa-f]{2}$/.test(hex)) fail('invalid hex escape');
        i += 2;
        return codePointEscape(parseInt(hex, 16));
      }
      case 'Q': {
        const end = pattern.indexOf('\\E', i);
        const literal = end < 0 ? pattern.slice(i) : pattern.slice(i, end);
        i = end < 0 ? pattern.length : end + 2;
        return Array.from(literal).map((ch) => escapeLiteral(ch, inClass)).join('');
      }
      default:
        break;
    }
    if (c >= '0' && c <= '7') {
      // RE2: a lone non-zero digit would be a back-reference, which it does not support; otherwise octal.
      const next = pattern[i];
      if (c !== '0' && (next === undefined || next < '0' || next > '7')) {
        fail(`back-reference \\${c} is not supported (RE2 has no back-references)`);
      }
      let digits = c;
      while (digits.length < 3 && pattern[i] >= '0' && pattern[i] <= '7') digits += pattern[i++];
      return codePointEscape(parseInt(digits, 8));
    }
    if (c === '8' || c === '9') fail(`back-reference \\${c} is not supported (RE2 has no back-references)`);
    if (/[A-Za-z0-9]/.test(c)) fail(`invalid escape sequence \\${c}`);
    return escapeLiteral(c, inClass);
  };

  const parseClass = (): string => {
    // at '['
    i += 1;
    let body = '';
    let negated = false;
    if (pattern[i] === '^') {
      negated = true;
      i += 1;
    }
    let first = true;
    for (;;) {
      const ch = pattern[i];
      if (ch === undefined) fail('missing closing ]');
      if (ch === ']' && !first) {
        i += 1;
        break;
      }
      first = false;
      if (ch === '[' && pattern[i + 1] === ':') {
        const end = pattern.indexOf(':]', i + 2);
        if (end > 0) {
          let name = pattern.slice(i + 2, end);
          const neg = name.startsWith('^');
          if (neg) name = name.slice(1);
          const ranges = POSIX_CLASSES[name];
          if (!ranges) fail(`invalid character class range [:${name}:]`);
          if (neg) fail(`negated POSIX class [:^${name}:] is not supported`);
          body += ranges;
          i = end + 2;
          continue;
        }
      }
      if (ch === '\\') {
        body += parseEscape(true);
        continue;
      }
      if (ch === '-') {
        // A dash between two class atoms makes a range; elsewhere it is a literal.
        const atRangePosition = body.length > 0 && pattern[i + 1] !== ']' && pattern[i + 1] !== undefined;
        body += atRangePosition ? '-' : '\\-';
        i += 1;
        continue;
      }
      const cp = pattern.codePointAt(i)!;
      const s = String.fromCodePoint(cp);
      body += escapeLiteral(s, true);
      i += s.length;
    }
    return `[${negated ? '^' : ''}${body}]`;
  };

  const groupStack: string[] = [];
  while (i < pattern.length) {
    const ch = pattern[i];
    const dotAll = dotAllStack[dotAllStack.length - 1];
    if (ch === '\\') {
      out += parseEscape(false);
      lastWasQuantifier = false;
      canRepeat = true;
      continue;
    }
    if (ch === '[') {
      out += parseClass();
      lastWasQuantifier = false;
      canRepeat = true;
      continue;
    }
    if (ch === '(') {
      lastWasQuantifier = false;
      canRepeat = false;
      if (pattern[i + 1] === '?') {
        const rest = pattern.slice(i + 2);
        const named = /^P?<([^>]*)>/.exec(rest);
        if (named) {
          if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(named[1])) {
            fail(`capture group name ${JSON.stringify(named[1])} is not supported (use letters, digits and _; not starting with a digit)`);
          }
          out += `(?<${named[1]}>`;
          i += 2 + named[0].length;
          groupStack.push('capture');
          dotAllStack.push(dotAll);
          continue;
        }
        if (rest.startsWith(':')) {
          out += '(?:';
          i += 3;
          groupStack.push('plain');
          dotAllStack.push(dotAll);
          continue;
        }
        if (/^(=|!|<=|<!)/.test(rest)) fail('look-around assertions are not supported (RE2 has none)');
        const flagGroup = /^([imsU]*)(-[imsU]*)?(:|\))/.exec(rest);
        if (flagGroup) {
          const [all, on, off, end] = flagGroup;
          // s is ours to scope (dot-all is translated, not a RegExp flag), so (?-s) works; i, m and U are not
          if (off && /[imU]/.test(off)) fail(`negated flags (?${off}) other than -s are not supported`);
          if (/[imU]/.test(on)) fail(`scoped or non-leading flags (?${on}${end === ':' ? ':…)' : ')'} are not supported; put (?i) or (?m) at the very start`);
          i += 2 + all.length;
          const scopedDotAll = off?.includes('s') ? false : dotAll || on.includes('s');
          if (end === ':') {
            out += '(?:';
            groupStack.push('plain');
            dotAllStack.push(scopedDotAll);
          } else {
            dotAllStack[dotAllStack.length - 1] = scopedDotAll;
          }
          continue;
        }
        fail(`invalid or unsupported group syntax at offset ${i}`);
      }
      out += '(';
      i += 1;
      groupStack.push('capture');
      dotAllStack.push(dotAll);
      continue;
    }
    if (ch === ')') {
      if (groupStack.length === 0) fail('unexpected )');
      groupStack.pop();
      dotAllStack.pop();
      out += ')';
      i += 1;
      lastWasQuantifier = false;
      canRepeat = true;
      continue;
    }
    if (ch === '*' || ch === '+' || ch === '?' || ch === '{') {
      let quant = ch;
      if (ch === '{') {
        const rep = /^\{(\d+)(,(\d*))?\}/.exec(pattern.slice(i));
        if (!rep) {
          out += '\\{';
          i += 1;
          lastWasQuantifier = false;
          canRepeat = true;
          continue;
        }
        const min = Number(rep[1]);
        const max = rep[3] ? Number(rep[3]) : min;
        if (min > 1000 || max > 1000) fail('repetition count above 1000');
        if (rep[3] && max < min) fail(`invalid repeat count ${rep[0]}`);
        quant = rep[0];
      }
      if (!canRepeat) fail(`missing argument to repetition operator ${quant}`);
      if (lastWasQuantifier) {
        if (ch === '?' && !lazyApplied) {
          // lazy modifier on the previous quantifier
          out += '?';
          i += 1;
          lazyApplied = true;
          continue;
        }
        fail(`invalid nested repetition operator ${quant}`);
      }
      lazyApplied = false;
      out += quant;
      i += quant.length;
      lastWasQuantifier = true;
      continue;
    }
    lastWasQuantifier = false;
    canRepeat = true;
    if (ch === '.') {
      out += dotAll ? '[^]' : '[^\\n]';
      i += 1;
      continue;
    }
    if (ch === '^' || ch === '$') {
      out += ch === '^' ? (multiLine ? '^' : '(?<![\\s\\S])') : (multiLine ? '$' : '(?![\\s\\S])');
      i += 1;
      continue;
    }
    if (ch === '|') {
      out += '|';
      i += 1;
      canRepeat = false;
      continue;
    }
    const cp = pattern.codePointAt(i)!;
    const s = String.fromCodePoint(cp);
    out += ch === '}' || ch === ']' || ch === '/' ? `\\${ch}` : s;
    i += s.length;
  }
  if (groupStack.length > 0) fail('missing closing )');
  return { source: out, flags };
}

/**
 * Compiles a Prometheus relabel regex: RE2 syntax, fully anchored (anchors that hold for the whole text even
 * under (?m)). With `dotAll`, `.` also matches a newline: Prometheus 3 anchors relabel regexes as
 * `^(?s:…)$` (Prometheus 2 used `^(?:…)$`).
 */
export function compileAnchored(pattern: string, dotAll = false): RegExp {
  const { source, flags } = translateRe2(pattern, dotAll);
  try {
    return new RegExp(`(?<![\\s\\S])(?:${source})(?![\\s\\S])`, flags);
  } catch (err) {
    throw new Re2SyntaxError(pattern, (err as Error).message);
  }
}
