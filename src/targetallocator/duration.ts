/**
 * Durations as upstream handles them: the CRD holds a Go duration string (`30s`, `1m`, `1h30m`, `500ms`), the
 * operator parses it into a `time.Duration` and yaml.v2 writes it back with `Duration.String()` (`1m0s`,
 * `1h30m0s`). The allocator config file therefore shows the normalised form, and so must we.
 */

const UNIT_NS: Record<string, number> = {
  ns: 1,
  us: 1e3,
  'µs': 1e3,
  'μs': 1e3,
  ms: 1e6,
  s: 1e9,
  m: 60e9,
  h: 3600e9,
};

/** Nanoseconds of a Go duration string, or undefined when it is not one (`time.ParseDuration`). */
export function parseGoDuration(text: string): number | undefined {
  const s = text.trim();
  if (s === '0' || s === '+0' || s === '-0') return 0;
  const m = /^([-+]?)((?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+$/.exec(s);
  if (!m) return undefined;
  let total = 0;
  for (const part of s.replace(/^[-+]/, '').matchAll(/(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g)) {
    total += Number(part[1]) * UNIT_NS[part[2]];
  }
  return Math.round(m[1] === '-' ? -total : total);
}

/** Go's `time.Duration.String()` for a number of nanoseconds. */
export function formatGoDuration(ns: number): string {
  if (ns === 0) return '0s';
  const neg = ns < 0;
  let u = Math.abs(ns);
  let out: string;
  if (u < 1e9) {
    // below one second Go picks the largest unit that keeps an integer part
    const [unit, size] = u < 1e3 ? ['ns', 1] : u < 1e6 ? ['µs', 1e3] : ['ms', 1e6];
    out = `${trimFraction(u / size)}${unit}`;
  } else {
    const h = Math.floor(u / 3600e9);
    u -= h * 3600e9;
    const m = Math.floor(u / 60e9);
    u -= m * 60e9;
    const sec = `${trimFraction(u / 1e9)}s`;
    out = h > 0 ? `${h}h${m}m${sec}` : m > 0 ? `${m}m${sec}` : sec;
  }
  return neg ? `-${out}` : out;
}

function trimFraction(v: number): string {
  // at most 9 fractional digits (nanoseconds), trailing zeros dropped
  return v.toFixed(9).replace(/\.?0+$/, '');
}

/** A CRD duration re-printed as upstream writes it; undefined when empty or zero (upstream omits those). */
export function normalizedDuration(text: unknown): string | undefined {
  if (typeof text !== 'string' || text === '') return undefined;
  const ns = parseGoDuration(text);
  if (ns === undefined) return text;
  return ns === 0 ? undefined : formatGoDuration(ns);
}

/** Milliseconds of a duration (the allocator's telemetry reader intervals are written as integers). */
export function durationMillis(text: unknown): number | undefined {
  if (typeof text !== 'string' || text === '') return undefined;
  const ns = parseGoDuration(text);
  return ns === undefined ? undefined : Math.trunc(ns / 1e6);
}
