import { createHmac } from 'node:crypto';
import type { ContactDetails } from './sealing';

/**
 * Finding a customer by what CS is told on the phone, without holding it anywhere in clear.
 *
 * Each term is an HMAC-SHA256 under the vault's pepper of a labelled, normalised value: the
 * label (`search:phone:`, `search:name:`, ...) keeps the terms apart from one another and from
 * the customer key ids, which hash the same pepper over other labels. A term reveals nothing
 * without the pepper; with it, only what one could check by guessing the value, which is what
 * finding a customer by name or phone means. Terms are computed when a ticket is indexed (its
 * sealed details opened through the vault) and when a query is asked; they are deleted with the
 * customer's key at erasure.
 *
 * - phone: its digits, and the digits without a leading country code of one to three digits when
 *   it was written with `+` or `00` (so `138 0013 8000` finds `+86 138 0013 8000`);
 * - e-mail: trimmed and lower-cased, as the customer key id takes it;
 * - name: the whole name lower-cased without spaces, and each two-character window of it
 *   (character bigrams). A query of two characters or more matches a customer whose name holds
 *   every bigram of the query: `王芳` finds `王芳`, `wang fang` and `fang` find `Wang Fang`.
 *   Single characters are not indexed: one character finds everyone with a common surname.
 */

export type SearchTermKind = 'phone' | 'email' | 'name' | 'name-bigram';

const MIN_PHONE_DIGITS = 5;

const term = (kind: SearchTermKind, value: string, pepper: Buffer): string =>
  createHmac('sha256', pepper).update(`search:${kind}:${value}`, 'utf8').digest('base64url').slice(0, 32);

export function phoneForms(phone: string): string[] {
  const trimmed = phone.trim();
  let digits = trimmed.replace(/\D/g, '');
  const international = trimmed.startsWith('+') || digits.startsWith('00');
  if (digits.startsWith('00')) digits = digits.slice(2);
  if (digits.length < MIN_PHONE_DIGITS) return [];
  const forms = new Set([digits]);
  if (international) {
    for (const codeLength of [1, 2, 3]) {
      const national = digits.slice(codeLength);
      if (national.length >= MIN_PHONE_DIGITS + 1) forms.add(national);
    }
  }
  return [...forms];
}

export const normalisedEmail = (email: string): string => email.trim().toLowerCase();

export const normalisedName = (name: string): string => name.normalize('NFKC').toLowerCase().replace(/[\s\p{P}]+/gu, '');

export function nameBigrams(name: string): string[] {
  const characters = [...normalisedName(name)];
  const bigrams = new Set<string>();
  for (let index = 0; index + 1 < characters.length; index += 1) bigrams.add(characters[index] + characters[index + 1]);
  return [...bigrams];
}

/** Every term under which a customer with these details can be found. */
export function customerSearchTerms(details: ContactDetails, pepper: Buffer): string[] {
  const terms = new Set<string>();
  if (details.phone) for (const form of phoneForms(details.phone)) terms.add(term('phone', form, pepper));
  if (details.email) terms.add(term('email', normalisedEmail(details.email), pepper));
  const name = normalisedName(details.name ?? '');
  if ([...name].length >= 2) {
    terms.add(term('name', name, pepper));
    for (const bigram of nameBigrams(name)) terms.add(term('name-bigram', bigram, pepper));
  }
  return [...terms].sort();
}

/**
 * The ways a query may name a customer: each entry is a set of terms that must all be found for
 * one customer (an e-mail, a phone in one of the forms, or a name by its bigrams).
 */
export function querySearchTerms(query: string, pepper: Buffer): string[][] {
  const trimmed = query.trim();
  const alternatives: string[][] = [];
  if (trimmed.includes('@')) {
    alternatives.push([term('email', normalisedEmail(trimmed), pepper)]);
    return alternatives;
  }
  if (/^[+\d][\d\s().-]*$/.test(trimmed)) {
    // As typed: the digits alone match the indexed digits or the indexed national number.
    const digits = trimmed.replace(/\D/g, '').replace(/^00/, '');
    if (digits.length >= MIN_PHONE_DIGITS) alternatives.push([term('phone', digits, pepper)]);
    return alternatives;
  }
  const name = normalisedName(trimmed);
  if ([...name].length >= 2) {
    alternatives.push([term('name', name, pepper)]);
    alternatives.push(nameBigrams(name).map((bigram) => term('name-bigram', bigram, pepper)));
  }
  return alternatives;
}
