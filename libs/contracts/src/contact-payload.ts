import { z } from 'zod';
import { parseOrThrow } from './envelope.schema';
import { storableString } from './storable-text';
import { CHANNELS, PRIORITIES, TICKET_TYPES, type Customer } from './events/common';

/**
 * A contact as an upstream system delivers it: the body of `POST /v1/contacts` and the value of
 * a `contacts.inbound` Kafka message. Strict: unknown fields are refused, strings are trimmed and
 * bounded, and nothing that could hide text or break a log line (control characters, NUL, bidi
 * overrides) gets in.
 */

// C0 controls except tab/newline/carriage return, DEL, C1 controls, and the bidi embedding and
// isolate controls that can make a log or a screen show something other than what is stored.
const FORBIDDEN_IN_TEXT = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/;
const FORBIDDEN_IN_LINE = /[\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/;

// Object-level checks run even when a member failed, so one answer lists every bad field.
const isObject = ({ value }: { value: unknown }): boolean => typeof value === 'object' && value !== null;

const line = (max: number) =>
  storableString()
    .trim()
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`)
    .refine((value) => !FORBIDDEN_IN_LINE.test(value), { message: 'must not contain control characters or line breaks', params: { rule: 'single_line' } });

const text = (max: number) =>
  storableString()
    .trim()
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`)
    .refine((value) => !FORBIDDEN_IN_TEXT.test(value), { message: 'must not contain control characters', params: { rule: 'control_characters' } });

/**
 * The same rules for the free text of commands (answers, notes, results, objections, reasons):
 * trimmed, 1 to `max` characters, line breaks and tabs allowed, no other control characters and no
 * bidi overrides, which could make a screen or a log show something other than what is stored.
 */
export const freeText = text;
/** One line of text (a name, a subject, an id someone typed): as `freeText`, without line breaks. */
export const singleLineText = line;
/** True when `value` holds a character neither `freeText` nor `singleLineText` lets in. */
export const hasForbiddenCharacters = (value: string): boolean => FORBIDDEN_IN_TEXT.test(value);

const identifier = (max: number) =>
  storableString()
    .trim()
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`)
    .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]*$/, 'may contain only letters, digits and . _ : -');

// Digits with the usual separators, an optional leading +; 6 to 15 digits (E.164 allows 15).
const PHONE_SHAPE = /^\+?[0-9(][0-9 ()-]*[0-9]$/;
const phone = storableString()
  .trim()
  .max(32, 'must be at most 32 characters')
  .refine((value) => {
    const digits = value.replace(/\D/g, '').length;
    return PHONE_SHAPE.test(value) && digits >= 6 && digits <= 15;
  }, { message: 'must be a phone number: 6 to 15 digits, with spaces, - ( ) and a leading + allowed', params: { rule: 'phone' } });

const email = storableString().trim().max(254, 'must be at most 254 characters').pipe(z.email('must be an e-mail address'));

const customer = z
  .strictObject({
    customerId: identifier(64).optional(),
    name: line(100),
    phone: phone.optional(),
    email: email.optional(),
  })
  .superRefine(
    (value, context) => {
      const input = value as { phone?: unknown; email?: unknown };
      if (input.phone === undefined && input.email === undefined) {
        context.addIssue({ code: 'custom', path: [], message: 'phone or email is required', params: { rule: 'phone_or_email' } });
      }
    },
    { when: isObject },
  );

const platform = storableString()
  .trim()
  .toLowerCase()
  .min(1, 'must not be empty')
  .max(32, 'must be at most 32 characters')
  .regex(/^[a-z0-9][a-z0-9_-]*$/, 'must be a platform name such as wechat, weibo or douyin');

export const contactPayloadSchema = z
  .strictObject({
    sourceSystem: identifier(64),
    externalId: line(128),
    channel: z.enum(CHANNELS),
    platform: platform.optional(),
    type: z.enum(TICKET_TYPES),
    customer,
    subject: line(200),
    description: text(5000),
    category: identifier(64).optional(),
    priority: z.enum(PRIORITIES).optional(),
    occurredAt: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 instant with an offset' }).optional(),
  })
  .superRefine(
    (value, context) => {
      const input = value as { channel?: unknown; platform?: unknown };
      if (input.channel === 'social_media' && input.platform === undefined) {
        context.addIssue({ code: 'custom', path: ['platform'], message: 'is required for social_media', params: { rule: 'platform_required' } });
      }
      if (input.channel !== 'social_media' && input.platform !== undefined) {
        context.addIssue({ code: 'custom', path: ['platform'], message: 'is only for social_media', params: { rule: 'platform_only_for_social_media' } });
      }
    },
    { when: isObject },
  );

export type ContactPayload = Readonly<
  Omit<z.infer<typeof contactPayloadSchema>, 'customer'> & {
    customer: Readonly<z.infer<typeof contactPayloadSchema>['customer']>;
  }
>;

/** A contact as the intake decider records it: the payload with the customer's details sealed. */
export type SealedContact = Readonly<Omit<ContactPayload, 'customer'> & { customer: Customer }>;

/** Validates and normalises (trims) an inbound contact; throws `ValidationFailed` naming every bad field. */
export function parseContactPayload(input: unknown): ContactPayload {
  return parseOrThrow(contactPayloadSchema, input);
}
