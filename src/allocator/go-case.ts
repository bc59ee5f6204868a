/**
 * Go's `strings.ToLower` / `strings.ToUpper`, which the `lowercase` and `uppercase` relabel actions use. Go maps
 * each code point on its own with Unicode's *simple* case mapping; JavaScript's `toLowerCase`/`toUpperCase` use
 * the full mapping with context (SpecialCasing), so they differ for a few characters:
 * - `ß`.toUpperCase() is `SS` in JavaScript, `ß` in Go (no simple upper-case mapping);
 * - `İ` (U+0130).toLowerCase() is `i` + U+0307 in JavaScript, `i` in Go;
 * - a final `Σ` lower-cases to `ς` in JavaScript, to `σ` in Go (no context);
 * - `ᾳ` (U+1FB3) upper-cases to `ΑΙ` in JavaScript, to `ᾼ` (U+1FBC, its simple mapping) in Go.
 */
export function goToLower(s: string): string {
  // eslint-disable-next-line no-control-regex
  if (/^[\x00-\x7f]*$/.test(s)) return s.toLowerCase();
  return mapCodePoints(s, lowerOne);
}

export function goToUpper(s: string): string {
  // eslint-disable-next-line no-control-regex
  if (/^[\x00-\x7f]*$/.test(s)) return s.toUpperCase();
  return mapCodePoints(s, upperOne);
}

function mapCodePoints(s: string, one: (c: string) => string): string {
  let out = '';
  for (const c of s) out += one(c);
  return out;
}

function lowerOne(c: string): string {
  if (c === '\u0130') return 'i';
  const l = c.toLowerCase();
  return singleCodePoint(l) ? l : c;
}

function upperOne(c: string): string {
  const u = c.toUpperCase();
  if (singleCodePoint(u)) return u;
  // Greek with ypogegrammeni: the full mapping splits off an iota, the simple mapping goes to the title-case form
  const cp = c.codePointAt(0)!;
  if ((cp >= 0x1f80 && cp <= 0x1f87) || (cp >= 0x1f90 && cp <= 0x1f97) || (cp >= 0x1fa0 && cp <= 0x1fa7)) {
    return String.fromCodePoint(cp + 8);
  }
  if (cp === 0x1fb3 || cp === 0x1fc3 || cp === 0x1ff3) return String.fromCodePoint(cp + 9);
  return c;
}

function singleCodePoint(s: string): boolean {
  const cp = s.codePointAt(0);
  return cp !== undefined && s.length === (cp > 0xffff ? 2 : 1);
}
