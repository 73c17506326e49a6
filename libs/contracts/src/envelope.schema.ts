import { z } from 'zod';
import { ROLES, type RecordedEvent } from './envelope';

const isoInstant = z.iso.datetime({ offset: true });
const sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'must be a lowercase hex sha256');

export const eventMetadataSchema = z.strictObject({
  correlationId: z.string().min(1),
  causationId: z.string().min(1),
  actorId: z.string().min(1),
  role: z.enum(ROLES),
  department: z.string().min(1).optional(),
  occurredAt: isoInstant,
  recordedAt: isoInstant,
  reason: z.string().optional(),
});

/** Validates the envelope of anything read from Kafka before it reaches a handler. */
export const recordedEventSchema = z.strictObject({
  eventId: z.uuid(),
  type: z.string().min(1).regex(/^[A-Z][A-Za-z]+$/, 'must be a PascalCase past-tense event name'),
  schemaVersion: z.number().int().positive(),
  streamId: z.string().min(1),
  streamPosition: z.number().int().nonnegative(),
  globalPosition: z.string().min(1),
  ticketId: z.string().min(1),
  data: z.unknown(),
  metadata: eventMetadataSchema,
  contentHash: sha256,
  previousHash: sha256,
  hash: sha256,
});

export interface FieldError {
  readonly field: string;
  readonly message: string;
}

export class ValidationFailed extends Error {
  readonly code = 'VALIDATION_FAILED';
  constructor(readonly errors: readonly FieldError[]) {
    super(`invalid: ${errors.map((error) => `${error.field}: ${error.message}`).join('; ')}`);
    this.name = 'ValidationFailed';
  }
}

/** Zod issues to field errors with dotted paths (`customer.phone`), the shape every 400 uses. */
export function fieldErrorsOf(error: z.ZodError): FieldError[] {
  return error.issues.map((issue) => {
    const path = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      const prefix = path ? `${path}.` : '';
      return { field: issue.keys.map((key) => prefix + key).join(', '), message: 'unknown field' };
    }
    return { field: path || '(root)', message: issue.message };
  });
}

export function parseOrThrow<T>(schema: z.ZodType<T>, input: unknown): T {
  const result = schema.safeParse(input);
  if (!result.success) throw new ValidationFailed(fieldErrorsOf(result.error));
  return result.data;
}

export function parseRecordedEvent(input: unknown): RecordedEvent {
  return parseOrThrow(recordedEventSchema, input) as RecordedEvent;
}
