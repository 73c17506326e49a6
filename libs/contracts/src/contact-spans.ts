/**
 * Where contact details stand in free text: the e-mail addresses and phone numbers someone typed
 * into a description, a note or an objection. One reading for every use: the log redactor masks
 * these spans, and the services seal them with the customer's key before the text reaches an event.
 */

export type ContactSpanKind = 'email' | 'phone';

export interface ContactSpan {
  readonly kind: ContactSpanKind;
  /** UTF-16 offsets into the text, end exclusive. */
  readonly start: number;
  readonly end: number;
}

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

/** A run of groups that is not a phone number may still end in one ("count 12 13800138000"): where it starts, if so. */
function phoneStart(candidate: string): number | null {
  let offset = 0;
  for (;;) {
    const rest = candidate.slice(offset);
    if (isPhoneNumber(rest)) return offset;
    const first = GROUP.exec(rest);
    if (!first || first[0].length >= rest.length || !first[2]) return null;
    offset += first[0].length;
  }
}

/**
 * The contact details in a text, in order. UUIDs, hex digests, ISO instants and plain numbers
 * (positions, offsets, durations, ids) are not contact details and are never a span.
 */
export function contactSpans(text: string): ContactSpan[] {
  const spans: ContactSpan[] = [];
  for (const match of text.matchAll(SCAN)) {
    const [, email, phone] = match;
    const index = match.index ?? 0;
    if (email) spans.push({ kind: 'email', start: index, end: index + email.length });
    else if (phone) {
      const start = phoneStart(phone);
      if (start !== null) spans.push({ kind: 'phone', start: index + start, end: index + phone.length });
    }
  }
  return spans;
}

/** The text with each contact span replaced by what `replace` makes of it. */
export function replaceContactSpans(text: string, replace: (clear: string, kind: ContactSpanKind) => string): string {
  let result = '';
  let from = 0;
  for (const span of contactSpans(text)) {
    result += text.slice(from, span.start) + replace(text.slice(span.start, span.end), span.kind);
    from = span.end;
  }
  return result + text.slice(from);
}

/**
 * What events carry in place of a contact detail typed into free text: the detail sealed with the
 * customer's key (the vault's sealed-spans.ts), `⟦contact:<keyId>:v1.<iv>.<ciphertext>.<tag>⟧`.
 * Groups: the customer key id, the sealed span.
 */
export const sealedSpanPattern = (): RegExp => /⟦contact:(cust_[A-Za-z0-9_-]+):(v1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+)⟧/g;

export const sealedSpanToken = (keyId: string, sealed: string): string => `⟦contact:${keyId}:${sealed}⟧`;

/** The customer keys a text's sealed spans were sealed with. */
export function sealedSpanKeyIds(text: string): string[] {
  return [...new Set([...text.matchAll(sealedSpanPattern())].map((match) => match[1]))];
}

/** The text without its sealed spans, for a search index: the words only, never a detail, clear or sealed. */
export function withoutSealedSpans(text: string): string {
  return text.replace(sealedSpanPattern(), ' ');
}

/**
 * The text cut to `length` characters for a headline (a queue's subject), never inside a sealed
 * span: a span the cut would split is left out whole, or it would read as neither words nor a detail.
 */
export function cutWords(text: string, length: number): string {
  if (text.length <= length) return text;
  for (const match of text.matchAll(sealedSpanPattern())) {
    const start = match.index ?? 0;
    if (start < length && start + match[0].length > length) return text.slice(0, start);
  }
  return text.slice(0, length);
}
