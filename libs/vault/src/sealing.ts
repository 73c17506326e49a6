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
