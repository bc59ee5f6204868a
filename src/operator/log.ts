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

/** JSON lines on stderr at `level` (debug, info, warn, error). */
export function jsonLogger(level = 'info'): Logger {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const pino = require('pino') as typeof import('pino');
  return pino.default({ level, base: { logger: 'cdk8s-otel-operator' }, timestamp: pino.stdTimeFunctions.isoTime }, pino.destination(2)) as unknown as Logger;
}
