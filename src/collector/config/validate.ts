import { parseDocument } from 'yaml';
import { InvalidInputError } from '../../common/errors';
import { CollectorConfigJson, COMPONENT_SECTIONS } from './model';
import { asRecord } from '../../common/json';

/**
 * Parses a collector configuration written as YAML (the v1alpha1 `spec.config` string, or a file). Syntax errors
 * raise `InvalidInputError` with the line and column.
 */
export function parseConfigYaml(text: string, resource: string, path = 'spec.config'): CollectorConfigJson {
  // merge keys (<<) as Go's YAML decoders accept them
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true, merge: true });
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    const where = e.linePos?.[0] ? ` at line ${e.linePos[0].line}, column ${e.linePos[0].col}` : '';
    throw new InvalidInputError(resource, path, `the collector configuration is not valid YAML${where}: ${e.message.split('\n')[0]}`,
      'fix the YAML syntax of the configuration');
  }
  const value = doc.toJS({ maxAliasCount: 100 });
  if (value === null || value === undefined) return {};
  if (!asRecord(value)) {
    throw new InvalidInputError(resource, path, 'the collector configuration must be a YAML mapping',
      'write the configuration as a mapping with receivers, exporters and service keys');
  }
  return value as CollectorConfigJson;
}

export interface ConfigValidationOptions {
  /**
   * Also require at least one pipeline and that every id a pipeline or `service.extensions` names is defined.
   * Upstream's webhook accepts such configs (the collector fails at start), so CRs are checked leniently.
   */
  readonly strict: boolean;
  /**
   * Name places and fixes in terms of `CollectorConfig.builder()` calls (`addPipeline("traces").processors[0]`,
   * `addProcessor("batch")`) rather than the CR's `spec.config` fields, for configurations made with the builder.
   * @default false
   */
  readonly builder?: boolean;
}

const BUILDER_ADDERS: Record<string, string> = {
  receivers: 'addReceiver', processors: 'addProcessor', exporters: 'addExporter', connectors: 'addConnector', extensions: 'addExtension',
};

/** Where a problem is and what defines an id: the CR's field paths, or the builder's calls. */
function problemWording(path: string, builder: boolean) {
  if (!builder) {
    return {
      at: (p: string) => `${path}.${p}`,
      pipeline: (name: string, kind?: string) => `service.pipelines.${name}${kind ? `.${kind}` : ''}`,
      definedUnder: (kind: string) => `under ${path}.${kind}`,
      define: (kind: string, id: string) => `define "${id}" under ${path}.${kind}`,
      addPipeline: 'add a pipeline, e.g. traces: {receivers: [otlp], exporters: [debug]}',
    };
  }
  return {
    at: (p: string) => p,
    pipeline: (name: string, kind?: string) => `addPipeline(${JSON.stringify(name)})${kind ? `.${kind}` : ''}`,
    definedUnder: (kind: string) => `with ${BUILDER_ADDERS[kind]}()`,
    define: (kind: string, id: string) => `define it with ${BUILDER_ADDERS[kind]}(${JSON.stringify(id)}) before build()`,
    addPipeline: 'call addPipeline("traces", { receivers: [...], exporters: [...] }) before build()',
  };
}

/**
 * Checks the structure of a configuration and collects every problem before anything is built. Throws one
 * `InvalidInputError` naming the first problem's field path (the message lists all of them).
 */
export function validateConfig(config: CollectorConfigJson, resource: string, opts: ConfigValidationOptions, path = 'spec.config'): void {
  const problems: Array<{ path: string; problem: string; fix: string }> = [];
  const say = problemWording(path, opts.builder ?? false);
  const add = (p: string, problem: string, fix: string) => problems.push({ path: say.at(p), problem, fix });

  for (const section of COMPONENT_SECTIONS) {
    const v = config[section];
    if (v !== undefined && v !== null && !asRecord(v)) add(section, `must be a mapping of component ids, got ${typeName(v)}`, `write ${section} as "id: {settings}"`);
  }
  const service = config.service;
  if (service !== undefined && service !== null && !asRecord(service)) add('service', `must be a mapping, got ${typeName(service)}`, 'write service with pipelines');
  const pipelines = asRecord(service)?.pipelines;
  if (pipelines !== undefined && pipelines !== null && !asRecord(pipelines)) add('service.pipelines', `must be a mapping of pipeline names, got ${typeName(pipelines)}`, 'write pipelines as "traces: {receivers: [...], exporters: [...]}"');
  const exts = asRecord(service)?.extensions;
  if (exts !== undefined && exts !== null && !isStringList(exts)) add('service.extensions', 'must be a list of extension ids', 'write service.extensions as a list, e.g. [health_check]');

  const pipelineEntries = Object.entries(asRecord(pipelines) ?? {});
  if (opts.strict && pipelineEntries.length === 0) {
    add(opts.builder ? 'addPipeline()' : 'service.pipelines', 'no pipelines are defined, so the collector would do nothing', say.addPipeline);
  }
  const defined = (section: string, id: string) => {
    const s = asRecord(config[section]);
    return !!s && Object.prototype.hasOwnProperty.call(s, id);
  };
  for (const [name, p] of pipelineEntries) {
    if (p === null) continue;
    const pipeline = asRecord(p);
    if (!pipeline) { add(`service.pipelines.${name}`, 'must be a mapping', 'give the pipeline receivers, processors and exporters lists'); continue; }
    for (const kind of ['receivers', 'processors', 'exporters'] as const) {
      const ids = pipeline[kind];
      if (ids === undefined || ids === null) {
        if (opts.strict && kind !== 'processors') add(say.pipeline(name, kind), `pipeline "${name}" has no ${kind}`, `list at least one of the ${kind} defined ${say.definedUnder(kind)}`);
        continue;
      }
      if (!isStringList(ids)) { add(`service.pipelines.${name}.${kind}`, 'must be a list of component ids', `write ${kind} as a list, e.g. [otlp]`); continue; }
      if (opts.strict && ids.length === 0 && kind !== 'processors') add(say.pipeline(name, kind), `pipeline "${name}" has no ${kind}`, `list at least one of the ${kind} defined ${say.definedUnder(kind)}`);
      if (!opts.strict) continue;
      ids.forEach((id, i) => {
        // connectors act as exporters of one pipeline and receivers of another
        const ok = defined(kind, id) || (kind !== 'processors' && defined('connectors', id));
        if (!ok) add(`${say.pipeline(name, kind)}[${i}]`, `"${id}" is not defined`, `${say.define(kind, id)} or remove it from the pipeline`);
      });
    }
  }
  if (opts.strict && isStringList(exts)) {
    exts.forEach((id, i) => {
      if (!defined('extensions', id)) add(`service.extensions[${i}]`, `"${id}" is not defined`, `${say.define('extensions', id)} or remove it from service.extensions`);
    });
  }
  if (problems.length > 0) {
    const first = problems[0];
    const others = problems.slice(1).map((p) => `; ${p.path}: ${p.problem}`).join('');
    throw new InvalidInputError(resource, first.path, `${first.problem}${others}`, first.fix);
  }
}

function isStringList(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((x) => typeof x === 'string');
}

function typeName(v: unknown): string {
  return Array.isArray(v) ? 'a list' : typeof v;
}
