import { createHash, randomUUID } from 'node:crypto';

/** RFC 4122 name-based (v5) UUID, so the same upstream contact always maps to the same ticket. */
export function uuidV5(name: string, namespace: string): string {
  const namespaceBytes = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  if (namespaceBytes.length !== 16) throw new TypeError('uuidV5: namespace must be a UUID');
  const digest = createHash('sha1').update(namespaceBytes).update(name, 'utf8').digest();
  const bytes = digest.subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x50;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const TICKET_NAMESPACE = '6f1c3a52-6f0e-4c1d-9a8e-2b7d0c4e5a10';

export function ticketIdForContact(sourceSystem: string, externalId: string): string {
  return uuidV5(`${sourceSystem}\u0000${externalId}`, TICKET_NAMESPACE);
}

export const newId = (): string => randomUUID();
