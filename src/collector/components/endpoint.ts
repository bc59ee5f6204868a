import { portName } from '../../common/naming';
import { ComponentParser, InferredPort, portFromEndpoint } from './types';
import { asRecord } from '../../common/json';

const DEFAULT_ADDRESS = '0.0.0.0';

/** The port of `{endpoint}` or `{listen_address}` (endpoint first), as upstream reads it. */
export function endpointPort(config: unknown): number | undefined {
  const c = asRecord(config);
  if (!c) return undefined;
  if (typeof c.endpoint === 'string' && c.endpoint.length > 0) return portFromEndpoint(c.endpoint);
  if (typeof c.listen_address === 'string' && c.listen_address.length > 0) return portFromEndpoint(c.listen_address);
  return undefined;
}

/**
 * Upstream's address defaulting: no endpoint ⇒ `0.0.0.0:<port>`; an endpoint without a host (`:4317`, `4317`) ⇒
 * `0.0.0.0:<that port>`; anything else is kept. Returns only the endpoint fields (the caller merges the rest back).
 */
export function defaultEndpoint(config: unknown, defaultPort: number): Record<string, unknown> {
  const c = asRecord(config) ?? {};
  const port = endpointPort(c) ?? defaultPort;
  let endpoint = typeof c.endpoint === 'string' ? c.endpoint : '';
  if (endpoint === '') {
    endpoint = `${DEFAULT_ADDRESS}:${port}`;
  } else {
    const parts = endpoint.split(':');
    if (parts.length < 2 || parts[0] === '') endpoint = `${DEFAULT_ADDRESS}:${parts[parts.length - 1]}`;
  }
  const out: Record<string, unknown> = { endpoint };
  if (typeof c.listen_address === 'string' && c.listen_address !== '') out.listen_address = c.listen_address;
  return out;
}

export interface SinglePortOptions {
  /** 0 when the component has no default port (a port is only inferred from an explicit endpoint) */
  readonly port: number;
  readonly protocol?: string;
  readonly appProtocol?: string;
  /** upstream sets targetPort only for components registered with one */
  readonly withTargetPort?: boolean;
}

/** A component with one listening endpoint (`endpoint` or `listen_address`). */
export function singlePort(opts: SinglePortOptions): ComponentParser {
  return {
    ports(id, config) {
      // a null component opens nothing here; defaulting has already turned null into an endpoint for
      // components with a default port, and ports are always read from the defaulted configuration
      if (config === null || config === undefined) return [];
      const port = endpointPort(config) ?? opts.port;
      if (!port) return [];
      return [makePort(id, port, opts)];
    },
    defaults: opts.port ? (config) => defaultEndpoint(config, opts.port) : undefined,
  };
}

function makePort(id: string, port: number, opts: SinglePortOptions): InferredPort {
  return {
    name: portName(id, port),
    port,
    protocol: opts.protocol ?? 'TCP',
    appProtocol: opts.appProtocol,
    targetPort: opts.withTargetPort ? port : undefined,
  };
}

export interface ProtocolPort {
  readonly port: number;
  readonly protocol?: string;
  readonly appProtocol?: string;
}

/**
 * A receiver with one endpoint per protocol under `protocols:` (otlp, jaeger, ...). Each listed protocol opens a port
 * named `<id>-<protocol>`; an unknown protocol key is an error, as upstream reports it.
 */
export function multiPort(protocols: Record<string, ProtocolPort>): ComponentParser {
  const listed = (config: unknown): Array<[string, unknown]> => {
    const p = asRecord(asRecord(config)?.protocols);
    if (!p) return [];
    return Object.keys(p).sort().map((k) => [k, p[k]]);
  };
  const check = (protocol: string) => {
    if (!(protocol in protocols)) {
      throw new Error(`unknown protocol set: ${protocol} (known: ${Object.keys(protocols).join(', ')})`);
    }
    return protocols[protocol];
  };
  return {
    ports(id, config) {
      return listed(config).map(([protocol, pc]) => {
        const def = check(protocol);
        const port = endpointPort(pc) ?? def.port;
        return {
          name: portName(`${id}-${protocol}`, port),
          port,
          protocol: def.protocol ?? 'TCP',
          appProtocol: def.appProtocol,
          targetPort: port,
        };
      });
    },
    defaults(config) {
      const out: Record<string, unknown> = {};
      for (const [protocol, pc] of listed(config)) out[protocol] = defaultEndpoint(pc, check(protocol).port);
      return { protocols: out };
    },
  };
}
