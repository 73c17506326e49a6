import type { Customer } from '@handoff/contracts';
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';

/**
 * Customer contact details travel and rest only as ciphertext, under a data key of that
 * customer's own. Destroying the data key (crypto-shredding) makes every copy unreadable,
 * in the event stores, in Kafka and in any export, while the events and their hash chains
 * stay exactly as they were.
 */
export interface ContactDetails {
  readonly name: string;
  readonly phone?: string;
  readonly email?: string;
}

/** What an event carries instead of the clear details (the contracts' `Customer`). */
export type SealedCustomer = Customer;

const VERSION = 'v1';

export function seal(details: ContactDetails, keyId: string, dataKey: Buffer): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', dataKey, iv);
  cipher.setAAD(Buffer.from(keyId, 'utf8'));
  const plaintext = Buffer.from(JSON.stringify({ name: details.name, phone: details.phone, email: details.email }), 'utf8');
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return [VERSION, iv.toString('base64url'), ciphertext.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
}

export function unseal(sealed: string, keyId: string, dataKey: Buffer): ContactDetails {
  const [version, iv, ciphertext, tag] = sealed.split('.');
  if (version !== VERSION || !iv || !ciphertext || !tag) throw new Error('unsupported sealed customer format');
  const decipher = createDecipheriv('aes-256-gcm', dataKey, Buffer.from(iv, 'base64url'));
  decipher.setAAD(Buffer.from(keyId, 'utf8'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  const plaintext = Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]);
  const parsed = JSON.parse(plaintext.toString('utf8')) as ContactDetails;
  return { name: parsed.name, ...(parsed.phone ? { phone: parsed.phone } : {}), ...(parsed.email ? { email: parsed.email } : {}) };
}

/**
 * Files and words about a customer other than their contact details (an attachment and its
 * name) are sealed under the same key, bound to what they are (`purpose`, e.g. the ticket and
 * the content hash), so that erasure reaches them too and one sealed value cannot stand in for another.
 */
export function sealBytes(plaintext: Buffer, purpose: string, dataKey: Buffer): Buffer {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', dataKey, iv);
  cipher.setAAD(Buffer.from(purpose, 'utf8'));
  return Buffer.concat([BYTES_VERSION, iv, cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
}

export function unsealBytes(sealed: Buffer, purpose: string, dataKey: Buffer): Buffer {
  if (sealed.length < 1 + 12 + 16 || sealed[0] !== BYTES_VERSION[0]) throw new Error('unsupported sealed bytes format');
  const decipher = createDecipheriv('aes-256-gcm', dataKey, sealed.subarray(1, 13));
  decipher.setAAD(Buffer.from(purpose, 'utf8'));
  decipher.setAuthTag(sealed.subarray(sealed.length - 16));
  return Buffer.concat([decipher.update(sealed.subarray(13, sealed.length - 16)), decipher.final()]);
}

const BYTES_VERSION = Buffer.from([1]);

/** Text sealed as `sealBytes` seals bytes, in the `v1.<iv>.<ciphertext>.<tag>` form events carry. */
export function sealText(text: string, purpose: string, dataKey: Buffer): string {
  const sealed = sealBytes(Buffer.from(text, 'utf8'), purpose, dataKey);
  const part = (from: number, to: number) => sealed.subarray(from, to).toString('base64url');
  return [VERSION, part(1, 13), part(13, sealed.length - 16), part(sealed.length - 16, sealed.length)].join('.');
}

export function unsealText(sealed: string, purpose: string, dataKey: Buffer): string {
  const [version, iv, ciphertext, tag] = sealed.split('.');
  if (version !== VERSION || !iv || ciphertext === undefined || !tag) throw new Error('unsupported sealed text format');
  const bytes = Buffer.concat([BYTES_VERSION, ...[iv, ciphertext, tag].map((part) => Buffer.from(part, 'base64url'))]);
  return unsealBytes(bytes, purpose, dataKey).toString('utf8');
}

/**
 * A content hash keyed with the customer's key: the same file on the same customer's ticket has
 * the same hash (so adding it twice adds it once), yet once the key is erased the hash can no
 * longer be matched against a known file.
 */
export function keyedContentHash(bytes: Buffer, dataKey: Buffer): string {
  const subkey = createHmac('sha256', dataKey).update('handoff:attachment-hash', 'utf8').digest();
  return createHmac('sha256', subkey).update(bytes).digest('hex');
}

/**
 * A keyed digest of each contact detail under the customer's own data key, so intake can tell
 * whether a repeated delivery carries the same details without keeping them in clear. Erasing
 * the key makes the digests meaningless too, like the ciphertext.
 */
export interface ContactFingerprint {
  readonly name: string;
  readonly phone?: string;
  readonly email?: string;
}

export function fingerprint(details: ContactDetails, dataKey: Buffer): ContactFingerprint {
  const subkey = createHmac('sha256', dataKey).update('handoff:contact-fingerprint', 'utf8').digest();
  const digest = (field: string, value: string) => createHmac('sha256', subkey).update(`${field}:${value}`, 'utf8').digest('base64url').slice(0, 22);
  return {
    name: digest('name', details.name.trim()),
    ...(details.phone ? { phone: digest('phone', details.phone.replace(/[^\d+]/g, '')) } : {}),
    ...(details.email ? { email: digest('email', details.email.trim().toLowerCase()) } : {}),
  };
}

/** Data keys are stored wrapped by the master key, never in the clear. */
export function wrapKey(dataKey: Buffer, keyId: string, masterKey: Buffer): Buffer {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', masterKey, iv);
  cipher.setAAD(Buffer.from(`key:${keyId}`, 'utf8'));
  return Buffer.concat([iv, cipher.update(dataKey), cipher.final(), cipher.getAuthTag()]);
}

export function unwrapKey(wrapped: Buffer, keyId: string, masterKey: Buffer): Buffer {
  const decipher = createDecipheriv('aes-256-gcm', masterKey, wrapped.subarray(0, 12));
  decipher.setAAD(Buffer.from(`key:${keyId}`, 'utf8'));
  decipher.setAuthTag(wrapped.subarray(wrapped.length - 16));
  return Buffer.concat([decipher.update(wrapped.subarray(12, wrapped.length - 16)), decipher.final()]);
}

export const newDataKey = (): Buffer => randomBytes(32);

/**
 * One customer, one key: by the upstream's customer id when given, otherwise by a keyed hash
 * of the normalised phone or e-mail, so the key id itself reveals nothing.
 */
export function customerKeyId(details: ContactDetails & { customerId?: string }, pepper: Buffer): string {
  const identity = details.customerId
    ? `id:${details.customerId}`
    : details.email
      ? `email:${details.email.trim().toLowerCase()}`
      : `phone:${(details.phone ?? '').replace(/[^\d+]/g, '')}`;
  return `cust_${createHmac('sha256', pepper).update(identity, 'utf8').digest('base64url').slice(0, 32)}`;
}

/** What a role without the need to know sees. */
export function maskDetails(details: ContactDetails): ContactDetails {
  return {
    name: maskName(details.name),
    ...(details.phone ? { phone: maskPhone(details.phone) } : {}),
    ...(details.email ? { email: maskEmail(details.email) } : {}),
  };
}

const maskName = (name: string): string =>
  name
    .split(/\s+/)
    .filter(Boolean)
    .map((part) => `${[...part][0]}${'*'.repeat(Math.max(1, [...part].length - 1))}`)
    .join(' ');

const maskPhone = (phone: string): string => {
  const digits = phone.replace(/\D/g, '');
  return `***${digits.slice(-2)}`;
};

const maskEmail = (email: string): string => {
  const [local, domain] = email.split('@');
  return `${local.slice(0, 1)}***@${domain ?? ''}`;
};
