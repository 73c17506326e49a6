import type { LoggerService } from '@nestjs/common';
import { traceFields } from '@handoff/tracing';

type Level = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

const EMAIL = String.raw`[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}`;
// Ids and instants are matched first and kept whole, so that no digit run inside them is taken for a phone number.
const UUID = String.raw`[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}`;
const INSTANT = String.raw`\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?`;
// Digit groups joined by one space or dash, an optional leading + and area codes in brackets; not
// inside a word or an identifier (letters, digits or `x-` on either side).
const PHONE = String.raw`(?<!\w|\w-)\+?(?:\(\d{1,5}\)[ -]?)?\d+(?:(?:[ -]|[ -]?\(\d{1,5}\)[ -]?)\d+)*(?!\w|-\w)`;
const SCAN = new RegExp(`(${EMAIL})|${UUID}|${INSTANT}|(${PHONE})`, 'g');
const GROUP = /^(\+?\(?\d+\)?)([ -]?)/;

/**
 * Whether a run of digit groups is a phone number rather than a count, a position or a range:
 * with a + or an area code in brackets; a Chinese mobile (1[3-9] and 11 digits); or a number
 * with a trunk prefix (0 and an area code: 010-6552 9988, 075512345678; 00 for abroad). Digit
 * runs of other shapes (positions, epoch milliseconds, 1000-2000) stay as they are.
 */
function isPhoneNumber(candidate: string): boolean {
  const digits = candidate.replace(/\D/g, '');
  if (digits.length < 7 || digits.length > 15) return false;
  if (candidate.startsWith('+') || candidate.includes('(')) return true;
  if (/^1[3-9]\d{9}$/.test(digits)) return true;
  return /^0\d{9,14}$/.test(digits);
}

/** A run of groups that is not a phone number may still end in one ("count 12 13800138000"). */
function redactPhones(candidate: string): string {
  if (isPhoneNumber(candidate)) return '[redacted-phone]';
  const first = GROUP.exec(candidate);
  if (!first || first[0].length >= candidate.length || !first[2]) return candidate;
  return first[0] + redactPhones(candidate.slice(first[0].length));
}

/**
 * Defence in depth: code never logs customer data on purpose, and anything that looks like
 * an e-mail address or a phone number is masked before it leaves the process anyway. UUIDs,
 * hex digests, ISO instants and plain numbers (positions, offsets, durations) are left whole, so
 * an operator can still find a request or a ticket by its id.
 */
export function redact(text: string): string {
  return text.replace(SCAN, (match, email?: string, phone?: string) => (email ? '[redacted-email]' : phone ? redactPhones(phone) : match));
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
