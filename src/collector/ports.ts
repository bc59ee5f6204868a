import { InvalidInputError } from '../common/errors';
import { receiverParser } from './components/receivers';
import { exporterParser, extensionParser } from './components/others';
import { ComponentParser, componentType, InferredPort } from './components/types';
import { EnabledComponents } from './config/defaults';
import { CollectorConfigJson } from './config/model';
import { clean, Json } from '../common/json';

type Section = 'receivers' | 'exporters' | 'extensions';
const PARSERS: Record<Section, (t: string) => ComponentParser> = {
  receivers: receiverParser,
  exporters: exporterParser,
  extensions: extensionParser,
};

/** Ports opened by the enabled components of the given sections, sorted by name (upstream's order). */
export function inferPorts(config: CollectorConfigJson, enabled: EnabledComponents, sections: Section[], resource: string): InferredPort[] {
  const ports: InferredPort[] = [];
  for (const section of sections) {
    const defs = (config[section] ?? {}) as Record<string, unknown>;
    for (const id of enabled[section]) {
      const parser = PARSERS[section](componentType(id));
      if (!parser.ports) continue;
      let found: InferredPort[];
      try {
        found = parser.ports(id, defs[id]);
      } catch (e) {
        throw new InvalidInputError(resource, `spec.config.${section}.${id}`, (e as Error).message,
          'correct the listening settings (protocols, endpoint, listen_address) of this component');
      }
      const bad = found.find((p) => !isValidPortNumber(p.port));
      if (bad) {
        throw new InvalidInputError(resource, `spec.config.${section}.${id}`, `the port ${bad.port} (${bad.name}) is not between 1 and 65535`,
          'use a valid port in the endpoint');
      }
      ports.push(...found);
    }
  }
  return ports.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

const PORT_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Kubernetes' IANA_SVC_NAME rule for port names: at most 15 characters, lowercase letters, digits and `-`. */
export function portNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'must not be empty';
  if (name.length > 15) return `"${name}" is longer than 15 characters`;
  if (!PORT_NAME.test(name) || name.includes('--')) return `"${name}" must contain only lowercase letters, digits and '-', not at the ends and not doubled`;
  if (!/[a-z]/.test(name)) return `"${name}" must contain at least one letter`;
  return undefined;
}

export function isValidPortNumber(n: unknown): n is number {
  return typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= 65535;
}

const protocolOf = (p: { protocol?: string }) => p.protocol || 'TCP';

/** A Service port in wire form from an inferred port. */
export function toServicePort(p: InferredPort): Json {
  return clean({ name: p.name, port: p.port, protocol: protocolOf(p), appProtocol: p.appProtocol, targetPort: p.targetPort });
}

/** `spec.ports` entries as Service ports (the CR adds `hostPort`, which belongs on the container only). */
export function userServicePorts(ports: Json[] | undefined): Json[] {
  return (ports ?? []).map(({ hostPort: _hostPort, ...rest }) => clean({ ...rest, protocol: rest.protocol || 'TCP' }));
}

/**
 * The base Service's ports: `spec.ports` first, then the inferred ones that do not clash. An inferred port with the
 * same number and protocol as a user port is dropped; one with the same name is renamed `port-<n>`, or dropped when
 * that name is taken too.
 */
export function mergeServicePorts(user: Json[] | undefined, inferred: InferredPort[]): Json[] {
  const userPorts = userServicePorts(user);
  const numbers = new Set(userPorts.map((p) => `${p.port}/${protocolOf(p)}`));
  const names = new Set(userPorts.map((p) => p.name));
  const kept: Json[] = [];
  for (const p of inferred) {
    if (numbers.has(`${p.port}/${protocolOf(p)}`)) continue;
    if (names.has(p.name)) {
      const fallback = `port-${p.port}`;
      if (names.has(fallback)) continue;
      kept.push(toServicePort({ ...p, name: fallback }));
      continue;
    }
    kept.push(toServicePort(p));
  }
  return [...userPorts, ...kept];
}

/**
 * Container ports: every inferred port (receivers, exporters, extensions) plus `metrics`, then `spec.ports` by name
 * (a user port replaces an inferred one of the same name), sorted by name.
 */
export function containerPorts(inferred: InferredPort[], metricsPort: number, user: Json[] | undefined): Json[] {
  const byName = new Map<string, Json>();
  for (const p of inferred) {
    if (portNameProblem(p.name) || !isValidPortNumber(p.port)) continue; // upstream drops them silently
    byName.set(p.name, { containerPort: p.port, name: p.name, protocol: protocolOf(p) });
  }
  byName.set('metrics', { containerPort: metricsPort, name: 'metrics', protocol: 'TCP' });
  for (const p of user ?? []) {
    byName.set(p.name, clean({ containerPort: p.port, name: p.name, protocol: protocolOf(p), hostPort: p.hostPort }));
  }
  return [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
