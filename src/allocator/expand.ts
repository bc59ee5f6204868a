import type { Re2Match } from './re2';

/** a character of a `$name`: Go's `unicode.IsLetter`, `unicode.IsDigit` (decimal digits only) or `_` */
const NAME_CHAR = /^[\p{L}\p{Nd}_]$/u;

/**
 * Go's `Regexp.Expand`: `$name` takes the longest run of letters, decimal digits (not `²`) and `_`, so `$1x`
 * names group "1x", which usually does not exist and expands to ""; `${name}` is delimited, `$$` is a literal `$`,
 * a name that is a number is a group index (no leading zeros), unknown or unmatched groups expand to "", and a
 * malformed `$` is copied as is.
 */
export function expandTemplate(template: string, match: Re2Match): string {
  if (!template.includes('$')) return template;
  let out = '';
  let i = 0;
  while (i < template.length) {
    const dollar = template.indexOf('$', i);
    if (dollar < 0) break;
    out += template.slice(i, dollar);
    i = dollar + 1;
    if (template[i] === '$') {
      out += '$';
      i += 1;
      continue;
    }
    const brace = template[i] === '{';
    let j = brace ? i + 1 : i;
    const start = j;
    while (j < template.length) {
      const ch = String.fromCodePoint(template.codePointAt(j)!); // whole code points, as Go decodes runes
      if (!NAME_CHAR.test(ch)) break;
      j += ch.length;
    }
    const name = template.slice(start, j);
    if (name.length === 0 || (brace && template[j] !== '}')) {
      out += '$';
      continue;
    }
    i = brace ? j + 1 : j;
    let num = -1;
    if (/^[0-9]+$/.test(name) && !(name.length > 1 && name[0] === '0') && name.length <= 8) num = Number(name);
    if (num >= 0) {
      out += match[num] ?? '';
    } else {
      out += match.groups?.[name] ?? '';
    }
  }
  return out + template.slice(i);
}
