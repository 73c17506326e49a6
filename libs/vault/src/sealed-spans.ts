import { createCipheriv, createDecipheriv, createHmac } from 'node:crypto';
import { replaceContactSpans, sealedSpanPattern, sealedSpanToken } from '@handoff/contracts';

/**
 * Contact details someone typed into free text (a phone number in a description, an e-mail in a
 * note) are sealed where they stand, with the customer's key, like the contact fields: the text
 * keeps its words and carries, in place of each detail, a token
 *
 *     ⟦contact:<keyId>:v1.<iv>.<ciphertext>.<tag>⟧
 *
 * that a reader opens for a role that may see the details, masks for another, and that reads as
 * erased once the customer's key is gone, in every copy of the text (events, topics, read models,
 * exports). Which spans are contact details is the log redactor's reading (contracts' `contactSpans`).
 *
 * A span is bound to its customer and its ticket (the cipher's associated data), so a token copied
 * into another ticket's text opens nowhere. Its IV is derived from the key, the binding and the
 * clear span (a synthetic IV): the same words sealed twice are the same text, so a repeated delivery
 * of a contact is still recognised as the same one, and a hand-over repeats the contact's words exactly.
 * That tells a reader with the sealed text only that two spans of one ticket are equal.
 */

const VERSION = 'v1';

/** What an erased customer's span reads as, to everyone: nothing of it is left. */
export const ERASED_SPAN = '***';

const binding = (keyId: string, ticketId: string) => `text-span:${keyId}:${ticketId}`;

function sealSpan(clear: string, keyId: string, ticketId: string, dataKey: Buffer): string {
  const aad = binding(keyId, ticketId);
  const subkey = createHmac('sha256', dataKey).update('handoff:text-span-iv', 'utf8').digest();
  const iv = createHmac('sha256', subkey).update(`${aad}\u0000${clear}`, 'utf8').digest().subarray(0, 12);
  const cipher = createCipheriv('aes-256-gcm', dataKey, iv);
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(clear, 'utf8'), cipher.final()]);
  const sealed = [VERSION, iv.toString('base64url'), ciphertext.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
  return sealedSpanToken(keyId, sealed);
}

function openSpan(sealed: string, keyId: string, ticketId: string, dataKey: Buffer): string | null {
  const [version, iv, ciphertext, tag] = sealed.split('.');
  if (version !== VERSION || !iv || ciphertext === undefined || !tag) return null;
  try {
    const decipher = createDecipheriv('aes-256-gcm', dataKey, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(binding(keyId, ticketId), 'utf8'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    return null;
  }
}

/** Applies `change` to the parts of the text outside tokens: what is sealed stays as it is. */
function outsideTokens(text: string, change: (part: string) => string): string {
  let result = '';
  let from = 0;
  for (const match of text.matchAll(sealedSpanPattern())) {
    const index = match.index ?? 0;
    result += change(text.slice(from, index)) + match[0];
    from = index + match[0].length;
  }
  return result + change(text.slice(from));
}

/**
 * The text with every contact detail in it sealed under the customer's key for this ticket.
 * Without a key (the customer was erased) the details are dropped: an erased customer's details
 * are not recorded again.
 */
export function sealContactSpans(text: string, keyId: string, ticketId: string, dataKey: Buffer | null): string {
  return outsideTokens(text, (part) => replaceContactSpans(part, (clear) => (dataKey ? sealSpan(clear, keyId, ticketId, dataKey) : ERASED_SPAN)));
}

/** Whether the text holds a contact detail that `sealContactSpans` would seal. */
export function hasClearContactSpans(text: string): boolean {
  let found = false;
  outsideTokens(text, (part) => {
    if (!found) replaceContactSpans(part, (clear) => ((found = true), clear));
    return part;
  });
  return found;
}

/** What a role without the need to know sees of a span: enough to recognise it, not to use it. */
export function maskSpan(clear: string): string {
  const at = clear.indexOf('@');
  if (at >= 0) return `${clear.slice(0, 1)}***${clear.slice(at)}`;
  return `***${clear.replace(/\D/g, '').slice(-2)}`;
}

/**
 * The text as a reader sees it: each token opened (`reveal`), masked, or `ERASED_SPAN` when its
 * key is gone or it was not sealed for this ticket. `keys` holds the keys of `sealedSpanKeyIds`.
 */
export function openContactSpans(text: string, ticketId: string, keys: ReadonlyMap<string, Buffer | null>, reveal: boolean): string {
  return text.replace(sealedSpanPattern(), (_token, keyId: string, sealed: string) => {
    const key = keys.get(keyId);
    const clear = key ? openSpan(sealed, keyId, ticketId, key) : null;
    if (clear === null) return ERASED_SPAN;
    return reveal ? clear : maskSpan(clear);
  });
}
