import { traceFields } from '@handoff/tracing';

/**
 * Structured logs as one JSON object per line. Fields are scalars only, so an event's
 * `data` (which may hold customer contact details) cannot be handed to a log by accident:
 * callers log ids, types, positions and error names.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogValue = string | number | boolean | null | undefined;
export type LogFields = Readonly<Record<string, LogValue>>;

export interface StructuredLogger {
  log(level: LogLevel, message: string, fields?: LogFields): void;
}

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export const isLogLevel = (value: string): value is LogLevel => value in RANK;

export interface JsonLineLoggerOptions {
  /** Entries below this level are dropped (default `info`). */
  readonly minLevel?: LogLevel;
  /** Added to every line, e.g. `{ service: 'routing' }`. */
  readonly base?: LogFields;
  /** Where lines go (default: stdout); a test may collect them. */
  readonly write?: (line: string) => void;
}

export function jsonLineLogger(options: JsonLineLoggerOptions = {}): StructuredLogger {
  const threshold = RANK[options.minLevel ?? 'info'];
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  return {
    log(level, message, fields) {
      if (RANK[level] < threshold) return;
      write(JSON.stringify({ time: new Date().toISOString(), level, msg: message, ...traceFields(), ...options.base, ...fields }));
    },
  };
}

/** Whether `level` passes `minLevel`, for adapters that filter before building fields. */
export const atLeast = (level: LogLevel, minLevel: LogLevel): boolean => RANK[level] >= RANK[minLevel];

/**
 * What may be logged about an error: its class and code, never its message, because
 * messages from JSON.parse, zod or a handler can quote the payload they choked on.
 */
export function errorFields(error: unknown): LogFields {
  if (!(error instanceof Error)) return { errorName: typeof error };
  const { code } = error as { code?: unknown };
  return {
    errorName: error.name,
    ...(typeof code === 'string' || typeof code === 'number' ? { errorCode: code } : {}),
  };
}
