/**
 * The target allocator's config file is written by upstream with Go's `gopkg.in/yaml.v2`, and e2e asserts compare
 * it byte for byte (and its SHA-256 is the pod annotation that rolls the allocator). This module reproduces that
 * output for JSON-like values:
 *
 * - block style, 2-space indentation, sequence items NOT indented under their key (`key:\n- a`);
 * - map keys in yaml.v2's order (natural order: digit runs compare as numbers, non-letters before letters),
 *   except objects marked as Go structs ({@link goStruct}), whose keys keep the order they were built in;
 * - empty maps `{}`, empty sequences `[]`, nil `null`;
 * - strings plain when YAML 1.1 would read them back as the same string, double-quoted when they would resolve
 *   to another type (`"true"`, `"8080"`, `""`), single-quoted when plain is not allowed (`'*'`, `': x'`), literal
 *   block when multi-line;
 * - numbers as Go's `strconv.FormatFloat(f, 'g', -1, 64)` (so `1e+06`), since upstream reads them as float64.
 */

const STRUCT = Symbol('go-struct');

/** Marks an object as a Go struct: yaml.v2 writes its fields in declaration order, not sorted. */
export function goStruct<T extends object>(fields: T): T {
  Object.defineProperty(fields, STRUCT, { value: true, enumerable: false });
  return fields;
}

function isStruct(o: object): boolean {
  return (o as Record<symbol, unknown>)[STRUCT] === true;
}

/** yaml.v2's key order (`keyList.Less`), for string keys. */
export function compareGoYamlKeys(a: string, b: string): number {
  if (a === b) return 0;
  return goYamlKeyLess(a, b) ? -1 : 1;
}

const isLetter = (c: string) => /\p{L}/u.test(c);
const isDigit = (c: string) => c >= '0' && c <= '9';

function goYamlKeyLess(a: string, b: string): boolean {
  const ar = [...a];
  const br = [...b];
  for (let i = 0; i < ar.length && i < br.length; i++) {
    if (ar[i] === br[i]) continue;
    const al = isLetter(ar[i]);
    const bl = isLetter(br[i]);
    if (al && bl) return ar[i] < br[i];
    if (al || bl) return bl;
    // digit runs compare numerically, as yaml.v2 does
    let an = 0;
    let bn = 0;
    if (ar[i] === '0' || br[i] === '0') {
      for (let j = i - 1; j >= 0 && isDigit(ar[j]); j--) {
        if (ar[j] !== '0') {
          an = 1;
          bn = 1;
          break;
        }
      }
    }
    let ai = i;
    let bi = i;
    for (; ai < ar.length && isDigit(ar[ai]); ai++) an = an * 10 + Number(ar[ai]);
    for (; bi < br.length && isDigit(br[bi]); bi++) bn = bn * 10 + Number(br[bi]);
    if (an !== bn) return an < bn;
    if (ai !== bi) return ai < bi;
    return ar[i] < br[i];
  }
  return ar.length < br.length;
}

/** Go's `strconv.FormatFloat(f, 'g', -1, 64)` as yaml.v2 writes floats (`.inf`, `.nan` for the specials). */
export function goFloat(n: number): string {
  if (Number.isNaN(n)) return '.nan';
  if (n === Infinity) return '.inf';
  if (n === -Infinity) return '-.inf';
  if (n === 0) return Object.is(n, -0) ? '-0' : '0';
  // toExponential() without digits gives the shortest round-trip digits, as Go's shortest formatting does
  const [mantissa, expPart] = n.toExponential().split('e');
  const exp = Number(expPart);
  // Go switches to exponent form below 1e-4 and from 1e6 on (precision 6 for the shortest form)
  if (exp < -4 || exp >= 6) {
    const sign = exp < 0 ? '-' : '+';
    const abs = Math.abs(exp);
    return `${mantissa}e${sign}${abs < 10 ? `0${abs}` : abs}`;
  }
  const neg = n < 0;
  const digits = mantissa.replace('-', '').replace('.', '');
  const pointAt = exp + 1;
  let body: string;
  if (pointAt <= 0) body = `0.${'0'.repeat(-pointAt)}${digits}`;
  else if (pointAt >= digits.length) body = digits + '0'.repeat(pointAt - digits.length);
  else body = `${digits.slice(0, pointAt)}.${digits.slice(pointAt)}`;
  return neg ? `-${body}` : body;
}

// YAML 1.1 scalars yaml.v2 resolves to something other than a string.
const NON_STRING_PLAIN = new Set([
  '', '~', 'null', 'Null', 'NULL',
  'y', 'Y', 'yes', 'Yes', 'YES', 'on', 'On', 'ON', 'true', 'True', 'TRUE',
  'n', 'N', 'no', 'No', 'NO', 'off', 'Off', 'OFF', 'false', 'False', 'FALSE',
  '.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF', '-.inf', '-.Inf', '-.INF', '.nan', '.NaN', '.NAN', '<<',
]);
const INT = /^[-+]?(0b[01_]+|0x[0-9a-fA-F_]+|0o?[0-7_]+|[0-9][0-9_]*)$/;
const FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const BASE60 = /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/;
const TIMESTAMP = /^\d{4}-\d{1,2}-\d{1,2}([Tt ]|$)/;

function resolvesToNonString(s: string): boolean {
  return NON_STRING_PLAIN.has(s) || INT.test(s) || FLOAT.test(s.replace(/_/g, '')) || BASE60.test(s) || TIMESTAMP.test(s);
}

/** Whether libyaml's emitter allows `s` as a plain scalar in block context. */
function plainAllowed(s: string): boolean {
  if (s.length === 0) return false;
  if (/^\s|\s$/.test(s)) return false;
  if (/^[#,[\]{}&*!|>'"%@`]/.test(s)) return false;
  if (/^[-?:](\s|$)/.test(s)) return false;
  if (s.startsWith('---') || s.startsWith('...')) return false;
  if (/:(\s|$)/.test(s) || /\s#/.test(s)) return false;
  // control characters, and characters libyaml does not print unescaped
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u0085\u2028\u2029\ufeff]/.test(s)) return false;
  return true;
}

function doubleQuoted(s: string): string {
  let out = '"';
  for (const ch of s) {
    const code = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).toUpperCase().padStart(2, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

function scalarString(s: string, indent: string): string {
  if (s.includes('\n') && plainAllowedForBlock(s)) {
    const chomp = s.endsWith('\n') ? (s.endsWith('\n\n') ? '+' : '') : '-';
    const body = (chomp === '' || chomp === '+' ? s.replace(/\n$/, '') : s).split('\n');
    const lead = /^\s/.test(s) ? '2' : '';
    return `|${lead}${chomp}\n${body.map((l) => (l === '' ? '' : `${indent}  ${l}`)).join('\n')}`;
  }
  if (resolvesToNonString(s)) return doubleQuoted(s);
  if (plainAllowed(s)) return s;
  if (s.includes('\n')) return doubleQuoted(s);
  return `'${s.replace(/'/g, "''")}'`;
}

function plainAllowedForBlock(s: string): boolean {
  // eslint-disable-next-line no-control-regex
  return !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(s) && !/ \n|\n $/.test(s);
}

function scalar(v: unknown, indent: string): string | undefined {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') return goFloat(v);
  if (typeof v === 'string') return scalarString(v, indent);
  if (Array.isArray(v) && v.length === 0) return '[]';
  if (typeof v === 'object' && entries(v as object).length === 0) return '{}';
  return undefined;
}

/** libyaml's preferred line width: plain scalars break at a space once a line is longer. */
const BEST_WIDTH = 80;

/**
 * libyaml folds a long plain scalar: at a single space, once the line is past 80 columns, it starts a new line
 * indented two more than the line's own indentation (the scalar's indentation level).
 */
function foldPlain(prefix: string, value: string, indent: string): string {
  let out = prefix;
  let column = prefix.length;
  const continuation = `${indent}  `;
  for (let i = 0; i < value.length; i++) {
    const ch = value[i];
    if (ch === ' ' && value[i - 1] !== ' ' && column > BEST_WIDTH && value[i + 1] !== undefined && value[i + 1] !== ' ') {
      out += `\n${continuation}`;
      column = continuation.length;
      continue;
    }
    out += ch;
    column++;
  }
  return out;
}

function entries(o: object): Array<[string, unknown]> {
  const list = Object.entries(o).filter(([, v]) => v !== undefined);
  return isStruct(o) ? list : list.sort(([a], [b]) => compareGoYamlKeys(a, b));
}

function emitMap(o: object, indent: string, lines: string[]): void {
  for (const [k, v] of entries(o)) {
    const key = scalarString(k, indent);
    const s = scalar(v, indent);
    if (typeof v === 'string' && s === v) {
      lines.push(foldPlain(`${indent}${key}: `, v, indent));
    } else if (s !== undefined) {
      lines.push(`${indent}${key}: ${s}`);
    } else if (Array.isArray(v)) {
      lines.push(`${indent}${key}:`);
      emitSeq(v, indent, lines);
    } else {
      lines.push(`${indent}${key}:`);
      emitMap(v as object, `${indent}  `, lines);
    }
  }
}

function emitSeq(items: unknown[], indent: string, lines: string[]): void {
  for (const item of items) {
    const s = scalar(item, `${indent}  `);
    if (typeof item === 'string' && s === item) {
      lines.push(foldPlain(`${indent}- `, item, indent));
      continue;
    }
    if (s !== undefined) {
      lines.push(`${indent}- ${s}`);
      continue;
    }
    // the first line of a nested block goes on the dash line
    const nested: string[] = [];
    if (Array.isArray(item)) emitSeq(item, `${indent}  `, nested);
    else emitMap(item as object, `${indent}  `, nested);
    nested[0] = `${indent}- ${nested[0].slice(indent.length + 2)}`;
    lines.push(...nested);
  }
}

/** The document yaml.v2's `Marshal` writes for a map (ends with a newline). */
export function goYamlV2Marshal(doc: object): string {
  const s = scalar(doc, '');
  if (s !== undefined) return `${s}\n`;
  const lines: string[] = [];
  if (Array.isArray(doc)) emitSeq(doc, '', lines);
  else emitMap(doc, '', lines);
  return `${lines.join('\n')}\n`;
}
