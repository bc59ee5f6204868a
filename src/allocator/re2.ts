import { RE2JS } from 're2js';

/**
 * Relabel regexes as Prometheus runs them: RE2 syntax and semantics, in time linear in the input. Prometheus 3
 * compiles `^(?s:<regex>)$` with Go's `regexp` (Prometheus 2: `^(?:<regex>)$`), so a relabel rule written by
 * anyone allowed to create a ServiceMonitor or a scrape config cannot stall the allocator with a pattern such as
 * `(a+)+b`, as it could with JavaScript's backtracking engine.
 *
 * The engine is `re2js`, a pure-JavaScript port of RE2 at parity with Go's `regexp` (same parser, same error
 * messages, same Unicode tables and case folding, leftmost-first submatches). Like Prometheus, the anchors are
 * added by string concatenation, so a pattern behaves exactly as in Prometheus, quirks included: `a)|(b` is
 * accepted and matches any value starting with `a`.
 *
 * Every pattern is compiled by re2js, so what RE2 refuses is refused with Go's message. The shapes that make up
 * most real rules are then matched without running the automaton, by string operations that give the same answer
 * by construction (tested against re2js on many inputs):
 * - a literal (`web`, `true`, `__tmp_disable_sharding`): equality;
 * - a literal followed by a group of any characters, `L(.*)` / `L(.+)` (`(.*)`, `__meta_kubernetes_pod_label_(.+)`):
 *   a prefix test, the group is the rest;
 * - an alternation of literals, bare or as one group (`(ns-a|ns-b)`): a set look-up.
 */

/** What a match yields: group texts by index (undefined: the group did not take part), named groups by name. */
export interface Re2Match {
  readonly [group: number]: string | undefined;
  readonly groups?: Readonly<Record<string, string | undefined>>;
}

/** A compiled, anchored RE2 pattern. */
export interface Re2Regex {
  /** the pattern as written, without the anchors */
  readonly pattern: string;
  /** Go's `MatchString` on the anchored pattern */
  test(input: string): boolean;
  /** Go's `FindStringSubmatch` on the anchored pattern; null without a match */
  exec(input: string): Re2Match | null;
}

/** The reason a pattern cannot be used (RE2's own message); thrown by {@link compileAnchored}. */
export class Re2SyntaxError extends Error {
  constructor(pattern: string, reason: string) {
    super(`invalid regular expression ${JSON.stringify(pattern)}: ${reason}`);
    this.name = 'Re2SyntaxError';
  }
}

/** characters that are syntax somewhere in RE2; a pattern without them (and without lone surrogates) is a literal */
const LITERAL = /^[^\\.+*?()|[\]{}^$\p{Surrogate}]*$/u;
const PREFIX_ANY = /^([^\\.+*?()|[\]{}^$\p{Surrogate}]*)\(\.([*+])\)$/u;
const LITERAL_SET = /^(\()?((?:[^\\.+*?()|[\]{}^$\p{Surrogate}]*\|)+[^\\.+*?()|[\]{}^$\p{Surrogate}]*)(\))?$/u;

class Re2jsRegex implements Re2Regex {
  constructor(public readonly pattern: string, private readonly re: RE2JS) {}

  test(input: string): boolean {
    return this.re.test(input);
  }

  exec(input: string): Re2Match | null {
    return this.re.exec(input) as Re2Match | null;
  }
}

class LiteralRegex implements Re2Regex {
  constructor(public readonly pattern: string) {}

  test(input: string): boolean {
    return input === this.pattern;
  }

  exec(input: string): Re2Match | null {
    return input === this.pattern ? [input] : null;
  }
}

class PrefixAnyRegex implements Re2Regex {
  constructor(
    public readonly pattern: string,
    private readonly prefix: string,
    /** 1 for `(.+)`, 0 for `(.*)` */
    private readonly minRest: number,
    /** whether `.` matches a newline */
    private readonly dotAll: boolean,
  ) {}

  test(input: string): boolean {
    return input.length - this.prefix.length >= this.minRest && input.startsWith(this.prefix) &&
      (this.dotAll || input.indexOf('\n', this.prefix.length) < 0);
  }

  exec(input: string): Re2Match | null {
    return this.test(input) ? [input, input.slice(this.prefix.length)] : null;
  }
}

class LiteralSetRegex implements Re2Regex {
  constructor(public readonly pattern: string, private readonly literals: ReadonlySet<string>, private readonly captured: boolean) {}

  test(input: string): boolean {
    return this.literals.has(input);
  }

  exec(input: string): Re2Match | null {
    if (!this.literals.has(input)) return null;
    return this.captured ? [input, input] : [input];
  }
}

/**
 * Compiles a Prometheus relabel regex: RE2 syntax, fully anchored. With `dotAll`, `.` also matches a newline:
 * Prometheus 3 anchors relabel regexes as `^(?s:…)$`, Prometheus 2 as `^(?:…)$`.
 */
export function compileAnchored(pattern: string, dotAll = false): Re2Regex {
  let re: RE2JS;
  try {
    re = RE2JS.compile(dotAll ? `^(?s:${pattern})$` : `^(?:${pattern})$`);
  } catch (err) {
    throw new Re2SyntaxError(pattern, (err as Error).message);
  }
  if (LITERAL.test(pattern)) return new LiteralRegex(pattern);
  const prefixAny = PREFIX_ANY.exec(pattern);
  if (prefixAny) return new PrefixAnyRegex(pattern, prefixAny[1], prefixAny[2] === '+' ? 1 : 0, dotAll);
  const set = LITERAL_SET.exec(pattern);
  // `(a|b` or `a|b)` would not have compiled; both parentheses or neither
  if (set && (set[1] === undefined) === (set[3] === undefined)) {
    return new LiteralSetRegex(pattern, new Set(set[2].split('|')), set[1] !== undefined);
  }
  return new Re2jsRegex(pattern, re);
}

/** The pattern compiled by re2js alone, without the fast paths (to check them against). */
export function compileAnchoredRe2js(pattern: string, dotAll = false): Re2Regex {
  compileAnchored(pattern, dotAll);
  return new Re2jsRegex(pattern, RE2JS.compile(dotAll ? `^(?s:${pattern})$` : `^(?:${pattern})$`));
}
