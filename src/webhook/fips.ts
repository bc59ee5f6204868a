/**
 * Upstream's FIPS check (`internal/fips`): on a host in FIPS mode, the validating webhook rejects a collector whose
 * pipelines or service extensions use a component type the operator was told is not FIPS compliant
 * (`--fips-disabled-components=receiver.otlp,exporter.debug,...`). Pure: whether the host is in FIPS mode is read
 * by the operator at start (/proc/sys/crypto/fips_enabled), and the lists are only handed here when it is.
 */
import type { CollectorConfigJson } from '../collector';
import { enabledComponents } from '../collector';
import { InvalidInputError } from '../common/errors';

/** Component types (no `/name` suffix) per kind that a FIPS host must not run. */
export interface FipsDisabledComponents {
  readonly receivers: readonly string[];
  readonly exporters: readonly string[];
  readonly processors: readonly string[];
  readonly extensions: readonly string[];
}

const KINDS: Record<string, keyof FipsDisabledComponents> = { receiver: 'receivers', exporter: 'exporters', processor: 'processors', extension: 'extensions' };

/**
 * Reads the flag's `kind.type` list. Upstream silently skips what it cannot read; a FIPS deny list that silently
 * denies nothing is a hazard, so an entry we cannot read is an error here, except upstream's own default
 * (`uppercase`, a copy-paste in its flag definition, which denies nothing there either).
 */
export function parseFipsDisabledComponents(flag: string, where = '--fips-disabled-components'): FipsDisabledComponents {
  const out: Record<keyof FipsDisabledComponents, string[]> = { receivers: [], exporters: [], processors: [], extensions: [] };
  for (const raw of flag.split(',')) {
    const entry = raw.trim();
    if (entry === '' || entry === 'uppercase') continue;
    const parts = entry.split('.');
    const kind = parts.length === 2 && parts[1] !== '' ? KINDS[parts[0]] : undefined;
    if (!kind) {
      throw new InvalidInputError(where, entry, `"${entry}" is not <kind>.<component type>`, 'write e.g. receiver.otlp,exporter.debug,processor.batch,extension.oidc');
    }
    out[kind].push(parts[1]);
  }
  return out;
}

/** True when the lists deny nothing. */
export function isEmptyFipsList(list: FipsDisabledComponents): boolean {
  return Object.values(list).every((l: readonly string[]) => l.length === 0);
}

/**
 * The denied component types the config's pipelines and service extensions use: at most one per kind, in the order
 * receivers, exporters, processors, extensions (upstream's `DisabledComponents`).
 */
export function fipsDisabledComponentsIn(config: CollectorConfigJson, denied: FipsDisabledComponents): string[] {
  const enabled = enabledComponents(config);
  const out: string[] = [];
  for (const kind of ['receivers', 'exporters', 'processors', 'extensions'] as const) {
    const hit = enabled[kind].map((id) => id.split('/')[0]).find((type) => denied[kind].includes(type));
    if (hit) out.push(hit);
  }
  return out;
}

/** Upstream's rejection, its wording and Go's `%s` of a string slice included. */
export function fipsRejection(components: readonly string[]): string {
  return `the collector configuration contains not FIPS compliant components: [${components.join(' ')}]. Please remove it from the config`;
}
