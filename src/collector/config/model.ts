import { goJsonMarshal, goJsonSha256, goStruct } from '../../common/gojson';

/** One pipeline of `service.pipelines`, as JSON. */
export interface PipelineJson {
  receivers?: string[] | null;
  processors?: string[] | null;
  exporters?: string[] | null;
}

/**
 * A collector configuration in the v1beta1 shape (`spec.config`): component sections are maps from component id to
 * that component's own settings (any JSON), `service` wires them into pipelines.
 */
export interface CollectorConfigJson {
  receivers?: Record<string, unknown> | null;
  exporters?: Record<string, unknown> | null;
  processors?: Record<string, unknown> | null;
  connectors?: Record<string, unknown> | null;
  extensions?: Record<string, unknown> | null;
  service?: {
    extensions?: string[] | null;
    telemetry?: Record<string, unknown> | null;
    pipelines?: Record<string, PipelineJson | null> | null;
    [key: string]: unknown;
  } | null;
  [key: string]: unknown;
}

export const COMPONENT_SECTIONS = ['receivers', 'processors', 'exporters', 'connectors', 'extensions'] as const;

/** Deep copy of plain JSON (one home: common/json). */
export { cloneJson } from '../../common/json';

const nonEmptyList = (l: string[] | null | undefined) => (l && l.length > 0 ? l : undefined);

/**
 * The config as upstream's Go struct marshals it: fields receivers, exporters, processors?, connectors?,
 * extensions?, service{extensions?, telemetry?, pipelines{exporters, processors?, receivers}}. Absent/null optional
 * sections are omitted, absent required ones are `null`, component maps have sorted keys.
 */
export function toGoConfigStruct(config: CollectorConfigJson): Record<string, unknown> {
  const service = config.service ?? {};
  const pipelines = service.pipelines ?? null;
  const goPipelines = pipelines === null ? null : Object.fromEntries(
    Object.entries(pipelines).map(([name, p]) => [name, p === null ? null : goStruct([
      ['exporters', p.exporters ?? null],
      ['processors', nonEmptyList(p.processors)],
      ['receivers', p.receivers ?? null],
    ])]),
  );
  return goStruct([
    ['receivers', config.receivers ?? null],
    ['exporters', config.exporters ?? null],
    ['processors', config.processors ?? undefined],
    ['connectors', config.connectors ?? undefined],
    ['extensions', config.extensions ?? undefined],
    ['service', goStruct([
      ['extensions', nonEmptyList(service.extensions)],
      ['telemetry', service.telemetry ?? undefined],
      ['pipelines', goPipelines],
    ])],
  ]);
}

/** The full SHA-256 (hex) upstream puts in `opentelemetry-operator-config/sha256`; its first 8 name the ConfigMap. */
export function configHash(defaultedConfig: CollectorConfigJson): string {
  return goJsonSha256(toGoConfigStruct(defaultedConfig));
}

/** The exact bytes hashed, for debugging hash mismatches. */
export function configHashInput(defaultedConfig: CollectorConfigJson): string {
  return goJsonMarshal(toGoConfigStruct(defaultedConfig));
}
