import { z } from 'zod';
import { CHANNELS, PRIORITIES, TICKET_TYPES, departmentSchema, isoInstantSchema, storableString, ValidationFailed } from '@handoff/contracts';
import { TICKET_STATUSES } from './search.entities';

export const MAX_SEARCH_PAGE = 100;

/** Where a page ended: the last row's opened-at and ticket id, opaque to the caller. */
export interface SearchCursor {
  readonly openedAt: string;
  readonly ticketId: string;
}

export const encodeCursor = (cursor: SearchCursor): string => Buffer.from(JSON.stringify([cursor.openedAt, cursor.ticketId]), 'utf8').toString('base64url');

const cursorShape = z.tuple([isoInstantSchema, z.uuid()]);

export function decodeCursor(text: string): SearchCursor {
  try {
    const [openedAt, ticketId] = cursorShape.parse(JSON.parse(Buffer.from(text, 'base64url').toString('utf8')));
    return { openedAt, ticketId };
  } catch {
    throw new ValidationFailed([{ field: 'cursor', message: 'is not a cursor this search gave: start again without it' }]);
  }
}

const one = <T extends readonly [string, ...string[]]>(values: T, what: string) =>
  z.enum(values, { error: () => `must be one of ${values.join(', ')} (${what})` }).optional();

export const searchQuerySchema = z
  .strictObject({
    /** A ticket id or its first 8 characters, a phone, an e-mail, a name, or words of the text. */
    q: z.string().trim().max(200, 'is too long: 200 characters at most').optional(),
    status: one(TICKET_STATUSES, 'the ticket’s status'),
    type: one(TICKET_TYPES, 'the ticket’s type'),
    department: departmentSchema.optional(),
    channel: one(CHANNELS, 'the channel of the contact'),
    priority: one(PRIORITIES, 'the ticket’s priority'),
    /** Opened at or after this instant. */
    from: isoInstantSchema.optional(),
    /** Opened before this instant. */
    to: isoInstantSchema.optional(),
    limit: z.coerce
      .number({ error: 'must be a whole number' })
      .int('must be a whole number')
      .min(1, 'must be at least 1')
      .max(MAX_SEARCH_PAGE, `must be at most ${MAX_SEARCH_PAGE}`)
      .default(20),
    cursor: z.string().max(500).optional(),
  })
  .refine(({ from, to }) => from === undefined || to === undefined || Date.parse(from) < Date.parse(to), {
    message: 'must be after from',
    path: ['to'],
  });
export type SearchQuery = z.infer<typeof searchQuerySchema>;

/** While CS records a contact: the phone or e-mail typed so far. */
export const openTicketsLookupSchema = z
  .strictObject({
    phone: storableString()
      .trim()
      .max(40, 'is too long for a phone number')
      // Spaces, not \s: a form feed or a tab between the digits is no phone number anyone types.
      .regex(/^\+?[\d ().-]*\d[\d ().-]*$/, 'must be a phone number: digits, spaces, brackets, dots or dashes, with a leading + if international')
      .optional(),
    email: z.email('must be a whole e-mail address').max(200, 'is too long for an e-mail address').optional(),
  })
  .refine(({ phone, email }) => Boolean(phone) || Boolean(email), { message: 'give the phone or the e-mail being typed', path: ['phone'] });

export const profileQuerySchema = z.strictObject({
  limit: z.coerce.number({ error: 'must be a whole number' }).int('must be a whole number').min(1, 'must be at least 1').max(MAX_SEARCH_PAGE, `must be at most ${MAX_SEARCH_PAGE}`).default(MAX_SEARCH_PAGE),
  cursor: z.string().max(500).optional(),
});
