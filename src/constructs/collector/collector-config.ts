import { InvalidInputError } from '../../common/errors';
import { cloneJson, CollectorConfigJson, parseConfigYaml, validateConfig } from '../../collector';

/** Settings of one pipeline of the typed builder. */
export interface PipelineProps {
  /** receiver (or connector) ids feeding the pipeline */
  readonly receivers: string[];
  /** processor ids, in order @default - none */
  readonly processors?: string[];
  /** exporter (or connector) ids the pipeline sends to */
  readonly exporters: string[];
}

/**
 * An OpenTelemetry Collector configuration: from YAML, from a plain object (the v1beta1 `spec.config` shape), or
 * built with `CollectorConfig.builder()`. Validation happens when a collector uses it, so every problem is reported
 * with the collector's name.
 */
export class CollectorConfig {
  /** A configuration written as YAML (syntax errors are reported when the collector is built). */
  public static fromYaml(yaml: string): CollectorConfig {
    return new CollectorConfig(undefined, yaml);
  }

  /** A configuration as a plain object: `{ receivers, processors, exporters, connectors, extensions, service }`. */
  public static fromObject(config: { [key: string]: any }): CollectorConfig {
    return new CollectorConfig(cloneJson(config) as CollectorConfigJson, undefined);
  }

  /** A builder that checks, when the collector is built, that pipelines only name components it defines. */
  public static builder(): CollectorConfigBuilder {
    return new CollectorConfigBuilder();
  }

  private constructor(private readonly object: CollectorConfigJson | undefined, private readonly yaml: string | undefined) {}

  /**
   * The configuration as JSON. `resource` names the collector in errors.
   * @internal
   */
  public _toJson(resource: string, path = 'spec.config'): CollectorConfigJson {
    if (this.yaml !== undefined) return parseConfigYaml(this.yaml, resource, path);
    return cloneJson(this.object ?? {});
  }
}

/** How errors of the builder name their source: the builder and the call, not CR fields the user never wrote. */
const BUILDER = 'CollectorConfig.builder()';
const ADDERS = {
  receivers: 'addReceiver', processors: 'addProcessor', exporters: 'addExporter', connectors: 'addConnector', extensions: 'addExtension',
} as const;

/**
 * Builds a collector configuration step by step. Ids follow the collector's `type[/name]` form (`otlp/internal`).
 * Referencing an id that is not defined raises `InvalidInputError` when the collector is built.
 */
export class CollectorConfigBuilder {
  private readonly config: CollectorConfigJson = {
    receivers: {}, processors: {}, exporters: {}, connectors: {}, extensions: {}, service: { extensions: [], pipelines: {} },
  };

  /** Defines a receiver. */
  public addReceiver(id: string, settings: { [key: string]: any } = {}): CollectorConfigBuilder {
    return this.define('receivers', id, settings);
  }

  /** Defines a processor. */
  public addProcessor(id: string, settings: { [key: string]: any } = {}): CollectorConfigBuilder {
    return this.define('processors', id, settings);
  }

  /** Defines an exporter. */
  public addExporter(id: string, settings: { [key: string]: any } = {}): CollectorConfigBuilder {
    return this.define('exporters', id, settings);
  }

  /** Defines a connector (usable as an exporter of one pipeline and a receiver of another). */
  public addConnector(id: string, settings: { [key: string]: any } = {}): CollectorConfigBuilder {
    return this.define('connectors', id, settings);
  }

  /** Defines an extension and enables it in `service.extensions`. */
  public addExtension(id: string, settings: { [key: string]: any } = {}): CollectorConfigBuilder {
    this.define('extensions', id, settings);
    this.config.service!.extensions!.push(id);
    return this;
  }

  /** Adds a pipeline, e.g. `traces` or `metrics/internal`. */
  public addPipeline(name: string, pipeline: PipelineProps): CollectorConfigBuilder {
    const pipelines = this.config.service!.pipelines!;
    if (name in pipelines) {
      throw new InvalidInputError(BUILDER, `addPipeline(${JSON.stringify(name)})`, `pipeline "${name}" is defined twice`, 'give each pipeline a unique name');
    }
    pipelines[name] = {
      receivers: [...pipeline.receivers],
      ...(pipeline.processors?.length ? { processors: [...pipeline.processors] } : {}),
      exporters: [...pipeline.exporters],
    };
    return this;
  }

  /** Sets `service.telemetry` (logs, metrics, traces of the collector itself). */
  public withTelemetry(telemetry: { [key: string]: any }): CollectorConfigBuilder {
    this.config.service!.telemetry = cloneJson(telemetry);
    return this;
  }

  /** The configuration, checked strictly (pipelines exist and name only defined components). */
  public build(): CollectorConfig {
    const out = cloneJson(this.config);
    for (const section of ['processors', 'connectors', 'extensions'] as const) {
      if (Object.keys(out[section] ?? {}).length === 0) delete out[section];
    }
    if (out.service?.extensions?.length === 0) delete out.service.extensions;
    // problems are named by the builder calls that cause them, not by CR fields the user never wrote
    validateConfig(out, BUILDER, { strict: true, builder: true });
    return CollectorConfig.fromObject(out);
  }

  private define(section: keyof typeof ADDERS, id: string, settings: object): CollectorConfigBuilder {
    const target = this.config[section] as Record<string, unknown>;
    const call = `${ADDERS[section]}(${JSON.stringify(id)})`;
    if (!/^[a-zA-Z][a-zA-Z0-9_]*(\/[^\s/]+)?$/.test(id)) {
      throw new InvalidInputError(BUILDER, call, `"${id}" is not a valid component id`, 'use type or type/name, e.g. otlp or otlp/internal');
    }
    if (id in target) {
      throw new InvalidInputError(BUILDER, call, `"${id}" is defined twice`, 'give each component a unique id');
    }
    target[id] = cloneJson(settings);
    return this;
  }
}

type Ids<T> = Extract<keyof T, string>;

/** What the compiler says of an id no section defines: the id itself and where to define it. */
type UndefinedId<Id, Where extends string> = `"${Id & string}" is not defined: add it under ${Where}`;

/**
 * A list of ids with each undefined one replaced by its message, so the compile error reads
 * `Type '"batch"' is not assignable to type '"memory_limiter" | "\"batch\" is not defined: add it under processors"'`
 * instead of `Type 'string' is not assignable to type 'never'`.
 */
type CheckedIds<L, Known extends string, Where extends string> =
  L extends readonly (infer Id)[] ? ReadonlyArray<Id extends Known ? Id : UndefinedId<Id, Where>> : L;

/** The `service` section as written (inferred literally, so the ids it names are known to the compiler). */
export interface TypedServiceShape {
  readonly extensions?: readonly string[];
  readonly telemetry?: Record<string, unknown>;
  readonly pipelines: { readonly [name: string]: { readonly receivers: readonly string[]; readonly processors?: readonly string[]; readonly exporters: readonly string[] } };
}

/** `service` with every id checked against the sections that may define it. */
type CheckedService<S extends TypedServiceShape, R, E, P, C, X> = {
  readonly extensions?: CheckedIds<S['extensions'], Ids<X>, 'extensions'>;
  readonly telemetry?: Record<string, unknown>;
  readonly pipelines: {
    readonly [N in keyof S['pipelines']]: {
      readonly receivers: CheckedIds<S['pipelines'][N]['receivers'], Ids<R> | Ids<C>, 'receivers (or connectors)'>;
      readonly processors?: CheckedIds<S['pipelines'][N]['processors'], Ids<P>, 'processors'>;
      readonly exporters: CheckedIds<S['pipelines'][N]['exporters'], Ids<E> | Ids<C>, 'exporters (or connectors)'>;
    };
  };
};

/**
 * TypeScript-only typed form: the compiler rejects a pipeline or `service.extensions` entry naming a component the
 * config does not define, and its message names the id and the section to define it in. `service` is inferred as
 * written (`const`), then checked: when every id is defined its type is itself, else the checked form the error
 * is reported against.
 *
 * ```ts
 * typedCollectorConfig({
 *   receivers: { otlp: { protocols: { grpc: {} } } },
 *   exporters: { debug: {} },
 *   service: { pipelines: { traces: { receivers: ['otlp'], exporters: ['debug'] } } },
 * });
 * ```
 */
export function typedCollectorConfig<
  R extends Record<string, object>,
  E extends Record<string, object>,
  P extends Record<string, object> = {},
  C extends Record<string, object> = {},
  X extends Record<string, object> = {},
  const S extends TypedServiceShape = TypedServiceShape,
>(config: {
  receivers: R;
  exporters: E;
  processors?: P;
  connectors?: C;
  extensions?: X;
  service: S extends CheckedService<S, R, E, P, C, X> ? S : CheckedService<S, R, E, P, C, X>;
}): CollectorConfig {
  return CollectorConfig.fromObject(config);
}
