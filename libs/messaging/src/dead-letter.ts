import { DomainError, HEADERS, ValidationFailed } from '@handoff/contracts';
import type { IHeaders, KafkaMessage, Message } from 'kafkajs';

/** Headers added to a dead-lettered message; the original headers, key and value are kept as they were. */
export const DEAD_LETTER_HEADERS = {
  /** `<code>: <detail>`, e.g. `invalid_envelope: eventId: Invalid UUID`. */
  reason: HEADERS.deadLetterReason,
  /** `<topic>/<partition>/<offset>` of the original message (topic names cannot contain '/'). */
  source: HEADERS.deadLetterSource,
  consumerGroup: 'handoff-dead-letter-consumer-group',
  consumerName: 'handoff-dead-letter-consumer',
  failedAt: 'handoff-dead-letter-failed-at',
} as const;

export type DeadLetterCode =
  | 'empty_value'
  | 'invalid_json'
  | 'invalid_envelope'
  | 'unsupported_version'
  | 'domain_refusal'
  | 'handler_failed';

export class DeadLetterReason {
  constructor(
    readonly code: DeadLetterCode,
    readonly detail: string,
  ) {}

  toString(): string {
    return `${this.code}: ${this.detail}`.slice(0, MAX_REASON_LENGTH);
  }
}

const MAX_REASON_LENGTH = 1_000;

export function handlerFailureReason(error: unknown): DeadLetterReason {
  // Data that breaks its contract is the writer's fault, not a refusal: before DomainError, which it is too.
  if (error instanceof ValidationFailed) return new DeadLetterReason('handler_failed', error.message);
  if (error instanceof DomainError) return new DeadLetterReason('domain_refusal', `${error.code}: ${error.message}`);
  if (error instanceof Error) {
    const { code } = error as { code?: unknown };
    const name = typeof code === 'string' ? `${error.name} ${code}` : error.name;
    return new DeadLetterReason('handler_failed', `${name}: ${error.message}`);
  }
  return new DeadLetterReason('handler_failed', String(error));
}

export interface DeadLetterSource {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly consumerGroup: string;
  readonly consumerName: string;
}

export function toDeadLetterMessage(message: KafkaMessage, source: DeadLetterSource, reason: DeadLetterReason, now: Date): Message {
  const headers: IHeaders = {};
  for (const [key, value] of Object.entries(message.headers ?? {})) {
    if (value !== undefined) headers[key] = value;
  }
  headers[DEAD_LETTER_HEADERS.reason] = reason.toString();
  headers[DEAD_LETTER_HEADERS.source] = `${source.topic}/${source.partition}/${source.offset}`;
  headers[DEAD_LETTER_HEADERS.consumerGroup] = source.consumerGroup;
  headers[DEAD_LETTER_HEADERS.consumerName] = source.consumerName;
  headers[DEAD_LETTER_HEADERS.failedAt] = now.toISOString();
  return { key: message.key, value: message.value, headers };
}

/** A header's value as text (kafkajs hands them over as Buffers), or undefined. */
export function headerText(headers: IHeaders | undefined, name: string): string | undefined {
  const value = headers?.[name];
  const single = Array.isArray(value) ? value[0] : value;
  return single === undefined ? undefined : single.toString();
}
