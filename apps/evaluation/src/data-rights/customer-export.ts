import { z } from 'zod';
import { freeText, singleLineText, storableString, type ConversationEntry } from '@handoff/contracts';

/**
 * A data-subject access request: the customer is named by exactly one of these, with the reason
 * that goes on the record. A phone or an e-mail is found through search's keyed hashes, so it
 * travels in the body and never in a URL.
 */
export const exportRequestSchema = z
  .strictObject({
    reason: freeText(500).min(10, 'at least 10 characters: say whose request and under which rule'),
    customerId: singleLineText(64).optional(),
    keyId: z.string().regex(/^cust_[A-Za-z0-9_-]+$/, 'must be a customer key id (cust_…)').optional(),
    ticketId: z.uuid().optional(),
    phone: storableString()
      .trim()
      .max(40, 'is too long for a phone number')
      .regex(/^\+?[\d ().-]*\d[\d ().-]*$/, 'must be a phone number: digits, spaces, brackets, dots or dashes, with a leading + if international')
      .optional(),
    email: z.email('must be a whole e-mail address').max(200, 'is too long for an e-mail address').optional(),
  })
  .superRefine((request, context) => {
    const given = IDENTIFIERS.filter((field) => request[field] !== undefined);
    if (given.length !== 1) {
      context.addIssue({
        code: 'custom',
        path: [given[1] ?? 'customerId'],
        message: 'name the customer by exactly one of customerId, keyId, ticketId, phone or email',
        params: { rule: 'one_customer_identifier' },
      });
    }
  });
export type ExportRequest = z.infer<typeof exportRequestSchema>;

export const IDENTIFIERS = ['customerId', 'keyId', 'ticketId', 'phone', 'email'] as const;

/** The file's format name and version: a reader of an old export knows what it holds. */
export const EXPORT_FORMAT = 'handoff.customer-data-export';
export const EXPORT_FORMAT_VERSION = 1;

export type ExportedCustomer =
  | { readonly keyId: string; readonly status: 'clear'; readonly customerId?: string; readonly name: string; readonly phone?: string; readonly email?: string }
  | { readonly keyId: string | null; readonly status: 'erased'; readonly erasedAt: string | null; readonly customerId?: string };

export interface ExportedAttachment {
  readonly contentHash: string;
  readonly fileName: string | null;
  readonly contentType: string;
  readonly size: number;
  readonly entryId: string | null;
  readonly addedAt: string;
  readonly addedBy: string;
  /** `included`: the bytes are in `contentBase64`; otherwise why not. */
  readonly content: 'included' | 'erased' | 'too_large';
  readonly contentBase64?: string;
}

export interface ExportedTicket {
  readonly ticketId: string;
  readonly subject: string | null;
  readonly type: string | null;
  readonly channel: string | null;
  readonly status: string;
  readonly openedAt: string | null;
  readonly closedAt: string | null;
  readonly outcome: string | null;
  readonly satisfaction: string;
  readonly departments: readonly string[];
  /** The customer's answers to results, in their words (satisfied, objections, not reached). */
  readonly answers: readonly ConversationEntry[];
  /** Internal notes about the ticket. */
  readonly notes: readonly ConversationEntry[];
  /** Every step, read as words, as `GET /v1/tickets/:id/conversation` shows it. */
  readonly conversation: readonly ConversationEntry[];
  readonly attachments: readonly ExportedAttachment[];
}

export interface CustomerDataExport {
  readonly format: typeof EXPORT_FORMAT;
  readonly version: typeof EXPORT_FORMAT_VERSION;
  readonly exportId: string;
  readonly exportedAt: string;
  readonly exportedBy: { readonly id: string; readonly role: string };
  readonly reason: string;
  readonly foundBy: (typeof IDENTIFIERS)[number];
  readonly customers: readonly ExportedCustomer[];
  readonly tickets: readonly ExportedTicket[];
  /** What the file does and does not hold, in words, for whoever answers the request. */
  readonly about: readonly string[];
}

export const foundBy = (request: ExportRequest): (typeof IDENTIFIERS)[number] => IDENTIFIERS.find((field) => request[field] !== undefined)!;

/** Files go in whole while each is at most `perFile` bytes and all together stay within `total`. */
export function inlineBudget(perFile: number, total: number) {
  let used = 0;
  return (size: number): boolean => {
    if (size > perFile || used + size > total) return false;
    used += size;
    return true;
  };
}
