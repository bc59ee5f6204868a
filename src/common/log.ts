/**
 * The operator's logger: structured JSON lines (pino) naming the resource, as controller-runtime's zap logger
 * does. Modules take the small {@link Logger} shape so tests can pass a silent or recording one.
 */
export interface Logger {
  debug(fields: object, msg: string): void;
  info(fields: object, msg: string): void;
  warn(fields: object, msg: string): void;
  error(fields: object, msg: string): void;
  child(fields: object): Logger;
}

const noop = () => undefined;

/** Logs nothing. */
export const silentLogger: Logger = { debug: noop, info: noop, warn: noop, error: noop, child: () => silentLogger };

const LEVELS = { debug: 20, info: 30, warn: 40, error: 50 } as const;
type Level = keyof typeof LEVELS;

/**
 * JSON lines on stderr at `level` (debug, info, warn, error), in pino's shape (`level` number, `time`, `msg`, the
 * fields), so log tooling reading the usual Node.js operators reads these too.
 */
export function jsonLogger(level = 'info', base: object = { logger: 'cdk8s-otel-operator' },
  write: (line: string) => void = (l) => process.stderr.write(l)): Logger {
  const min = LEVELS[level as Level] ?? LEVELS.info;
  const at = (name: Level) => (fields: object, msg: string) => {
    if (LEVELS[name] < min) return;
    write(`${JSON.stringify({ level: LEVELS[name], time: new Date().toISOString(), ...base, ...fields, msg }, (_k, v) => (v instanceof Error ? v.message : v))}\n`);
  };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), child: (fields) => jsonLogger(level, { ...base, ...fields }, write) };
}
