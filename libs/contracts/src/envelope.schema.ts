import { z } from 'zod';
import { ROLES, type RecordedEvent } from './envelope';
import { ValidationFailed, type FieldError, type FieldIssue } from './refusals';

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
  // version-traceid-parentid-flags, and whatever a later version of W3C Trace Context appends.
  traceparent: z.string().regex(/^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}(-[0-9a-zA-Z-]*)?$/, 'must be a W3C traceparent').optional(),
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

type ZodIssue = z.core.$ZodIssue & { readonly input?: unknown; readonly params?: Record<string, unknown> };

const bound = (value: unknown): number | undefined => (typeof value === 'number' ? value : typeof value === 'bigint' ? Number(value) : undefined);

function issueOf(issue: ZodIssue): FieldIssue {
  // With `reportInput`, an issue about a field that was never sent carries no `input` at all.
  const missing = !('input' in issue) || issue.input === undefined;
  switch (issue.code) {
    case 'invalid_type':
      return { code: issue.code, expected: String(issue.expected), ...(missing ? { missing } : {}) };
    case 'too_small':
      return { code: issue.code, origin: issue.origin, minimum: bound(issue.minimum), ...(issue.origin === 'string' && bound(issue.minimum) === 1 ? { missing: true } : {}) };
    case 'too_big':
      return { code: issue.code, origin: issue.origin, maximum: bound(issue.maximum) };
    case 'invalid_format':
      return { code: issue.code, format: issue.format };
    case 'invalid_value':
      return { code: issue.code, values: issue.values.map(String), ...(missing ? { missing } : {}) };
    case 'invalid_union': {
      // A discriminated union reports the whole object as input: the discriminator is what is missing.
      const { options, discriminator } = issue as { options?: unknown[]; discriminator?: unknown };
      const absent = typeof discriminator === 'string' ? typeof issue.input !== 'object' || issue.input === null || (issue.input as Record<string, unknown>)[discriminator] === undefined : missing;
      return { code: 'invalid_value', ...(options ? { values: options.map(String) } : {}), ...(absent ? { missing: true } : {}) };
    }
    case 'custom': {
      const rule = typeof issue.params?.rule === 'string' ? issue.params.rule : undefined;
      return { code: issue.code, ...(rule ? { rule } : {}) };
    }
    default:
      return { code: issue.code };
  }
}

/** Zod issues to field errors with dotted paths (`customer.phone`), the shape every 400 uses. */
export function fieldErrorsOf(error: z.ZodError): FieldError[] {
  return (error.issues as ZodIssue[]).flatMap((issue) => {
    const path = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      const prefix = path ? `${path}.` : '';
      return issue.keys.map((key) => ({ field: prefix + key, message: 'unknown field', issue: { code: 'unknown_field' } }));
    }
    // A discriminated union refused for a missing or wrong discriminator names the discriminator.
    const discriminator = (issue as { discriminator?: unknown }).discriminator;
    const field = issue.code === 'invalid_union' && typeof discriminator === 'string' && !path.endsWith(discriminator) ? [path, discriminator].filter(Boolean).join('.') : path;
    return [{ field: field || '(root)', message: issue.message, issue: issueOf(issue) }];
  });
}

export function parseOrThrow<T>(schema: z.ZodType<T>, input: unknown): T {
  // The input is reported only to tell "not sent" from "wrong"; it never leaves fieldErrorsOf.
  const result = schema.safeParse(input, { reportInput: true });
  if (!result.success) throw new ValidationFailed(fieldErrorsOf(result.error));
  return result.data;
}

/**
 * Every consumed message and every event a rebuild replays goes through this check, and zod's
 * interpreter took some 4 µs an envelope (a rebuild's largest single cost). Compiled, a valid
 * envelope takes a fraction of that; an invalid one falls back to the interpreter, so the issues
 * (and the dead-letter reasons made of them) are the interpreter's own.
 */
const compiledRecordedEventSchema = z.compile(recordedEventSchema);

export function parseRecordedEvent(input: unknown): RecordedEvent {
  return parseOrThrow(compiledRecordedEventSchema, input) as RecordedEvent;
}
