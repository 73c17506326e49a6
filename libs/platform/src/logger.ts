import type { LoggerService } from '@nestjs/common';
import { replaceContactSpans } from '@handoff/contracts';
import { traceFields } from '@handoff/tracing';

type Level = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/**
 * Defence in depth: code never logs customer data on purpose, and anything that looks like
 * an e-mail address or a phone number (contracts' `contactSpans`) is masked before it leaves the process anyway. UUIDs,
 * hex digests, ISO instants and plain numbers (positions, offsets, durations) are left whole, so
 * an operator can still find a request or a ticket by its id.
 */
export function redact(text: string): string {
  return replaceContactSpans(text, (_clear, kind) => (kind === 'email' ? '[redacted-email]' : '[redacted-phone]'));
}

function serialise(value: unknown): unknown {
  if (value instanceof Error) return { name: value.name, message: redact(value.message) };
  if (typeof value === 'string') return redact(value);
  return value;
}

/** Structured JSON lines on stdout, one per entry: what a log shipper expects. */
export class JsonLogger implements LoggerService {
  constructor(
    private readonly service: string,
    private readonly minimum: Level = 'info',
    private readonly write: (line: string) => void = (line) => process.stdout.write(line + '\n'),
  ) {}

  private emit(level: Level, message: unknown, context?: unknown, fields?: Record<string, unknown>): void {
    if (ORDER[level] < ORDER[this.minimum]) return;
    const entry: Record<string, unknown> = {
      time: new Date().toISOString(),
      level,
      service: this.service,
      ...(typeof context === 'string' ? { context } : {}),
      msg: serialise(message),
      // The line's place in a trace, to go from a span to its logs and back.
      ...traceFields(),
    };
    if (fields) for (const [key, value] of Object.entries(fields)) entry[key] = serialise(value);
    this.write(redact(JSON.stringify(entry)));
  }

  log(message: unknown, context?: unknown): void {
    this.emit('info', message, context);
  }
  error(message: unknown, stackOrContext?: unknown, context?: unknown): void {
    // Nest passes (message, stack, context); stacks stay out of the line to keep it one entry.
    this.emit('error', message, context ?? stackOrContext);
  }
  warn(message: unknown, context?: unknown): void {
    this.emit('warn', message, context);
  }
  debug(message: unknown, context?: unknown): void {
    this.emit('debug', message, context);
  }
  verbose(message: unknown, context?: unknown): void {
    this.emit('debug', message, context);
  }
  info(message: string, fields?: Record<string, unknown>): void {
    this.emit('info', message, undefined, fields);
  }
  event(level: Level, message: string, fields: Record<string, unknown>): void {
    this.emit(level, message, undefined, fields);
  }
}
