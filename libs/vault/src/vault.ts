import { sealedSpanKeyIds } from '@handoff/contracts';
import { CustomerKeyStore } from './key-store';
import { customerSearchTerms, querySearchTerms } from './search-terms';
import { hasClearContactSpans, openContactSpans, sealContactSpans } from './sealed-spans';
import {
  customerKeyId,
  fingerprint,
  keyedContentHash,
  maskDetails,
  seal,
  sealBytes,
  sealText,
  unseal,
  unsealBytes,
  unsealText,
  type ContactDetails,
  type ContactFingerprint,
  type SealedCustomer,
} from './sealing';

export type OpenedCustomer =
  | { readonly status: 'clear'; readonly details: ContactDetails }
  | { readonly status: 'masked'; readonly details: ContactDetails }
  | { readonly status: 'erased' };

export interface SealedFile {
  readonly contentHash: string;
  readonly sealed: Buffer;
  readonly sealedName: string;
}

const fileContext = (keyId: string, context: string, contentHash: string) => `file:${keyId}:${context}:${contentHash}`;
const fileNameContext = (keyId: string, context: string) => `file-name:${keyId}:${context}`;

/** Sealing and opening customer details for one service; the keys live in the key store. */
export class CustomerVault {
  constructor(
    private readonly keys: CustomerKeyStore,
    private readonly pepper: Buffer,
  ) {}

  async seal(details: ContactDetails & { customerId?: string }): Promise<SealedCustomer> {
    return (await this.sealWithFingerprint(details)).customer;
  }

  /** Sealed, with the fingerprint that lets a repeated delivery be compared (see `fingerprint`). */
  async sealWithFingerprint(
    details: ContactDetails & { customerId?: string },
  ): Promise<{ customer: SealedCustomer; fingerprint: ContactFingerprint }> {
    const keyId = customerKeyId(details, this.pepper);
    const key = await this.keys.keyFor(keyId);
    return {
      customer: {
        keyId,
        sealed: seal({ name: details.name, phone: details.phone, email: details.email }, keyId, key),
        ...(details.customerId ? { customerId: details.customerId } : {}),
      },
      fingerprint: fingerprint(details, key),
    };
  }

  /**
   * Clear for a role that needs the details, masked for one that does not. A customer whose key
   * was erased (or whose data was sealed under a key since erased and re-created) is 'erased'.
   */
  async open(customer: SealedCustomer, reveal: boolean): Promise<OpenedCustomer> {
    return openWith(customer, await this.keys.find(customer.keyId), reveal);
  }

  /** `open` for a list (a page of results), with the keys read in one statement. */
  async openMany(customers: readonly SealedCustomer[], reveal: boolean): Promise<OpenedCustomer[]> {
    const keys = await this.keys.findMany(customers.map((customer) => customer.keyId));
    return customers.map((customer) => openWith(customer, keys.get(customer.keyId) ?? null, reveal));
  }

  /**
   * A file about the customer sealed with their key, with its keyed content hash and its name
   * sealed too; null when the key is gone (erased). Never creates a key: a file arrives only on a
   * ticket whose contact made one, and an erased customer's key must stay erased.
   */
  async sealFile(keyId: string, file: { readonly bytes: Buffer; readonly name: string; readonly context: string }): Promise<SealedFile | null> {
    const key = await this.keys.find(keyId);
    if (!key) return null;
    const contentHash = keyedContentHash(file.bytes, key);
    return {
      contentHash,
      sealed: sealBytes(file.bytes, fileContext(keyId, file.context, contentHash), key),
      sealedName: sealText(file.name, fileNameContext(keyId, file.context), key),
    };
  }

  /** The file's bytes, or null when the customer's key was erased (or re-created since). */
  async openFile(keyId: string, file: { readonly sealed: Buffer; readonly context: string; readonly contentHash: string }): Promise<Buffer | null> {
    const key = await this.keys.find(keyId);
    if (!key) return null;
    try {
      return unsealBytes(file.sealed, fileContext(keyId, file.context, file.contentHash), key);
    } catch {
      return null;
    }
  }

  /** A sealed file name, or null when the customer's key was erased. */
  async openFileName(keyId: string, sealedName: string, context: string): Promise<string | null> {
    const key = await this.keys.find(keyId);
    if (!key) return null;
    try {
      return unsealText(sealedName, fileNameContext(keyId, context), key);
    } catch {
      return null;
    }
  }

  /**
   * Free text written on a ticket with the contact details in it sealed under the ticket's
   * customer key (see sealed-spans.ts). Never creates a key: without one (erased, or `keyId` null) the
   * details are dropped. Text without contact details is returned as it is, without a key read.
   */
  async sealTextSpans(text: string, keyId: string | null, ticketId: string): Promise<string> {
    if (!hasClearContactSpans(text)) return text;
    // null: the ticket's customer is known to be erased, key id and all.
    return sealContactSpans(text, keyId ?? '', ticketId, keyId === null ? null : await this.keys.find(keyId));
  }

  /**
   * Every string in `value` (a view: plain objects, arrays, strings) with its sealed spans opened
   * for a role that may see contact details, masked for another, erased once the key is gone. The
   * keys are read in one statement.
   */
  async openTexts<T>(value: T, ticketId: string, reveal: boolean): Promise<T> {
    const keyIds = new Set<string>();
    visitStrings(value, (text) => {
      for (const keyId of sealedSpanKeyIds(text)) keyIds.add(keyId);
      return text;
    });
    if (keyIds.size === 0) return value;
    const keys = await this.keys.findMany([...keyIds]);
    return visitStrings(value, (text) => openContactSpans(text, ticketId, keys, reveal));
  }

  keyIdOf(details: ContactDetails & { customerId?: string }): string {
    return customerKeyId(details, this.pepper);
  }

  /** The keyed hashes a customer is found by in search (see search-terms.ts); never the details. */
  searchTermsOf(details: ContactDetails): string[] {
    return customerSearchTerms(details, this.pepper);
  }

  /** What a typed query would match among those terms: each inner list must all be found for one customer. */
  queryTerms(query: string): string[][] {
    return querySearchTerms(query, this.pepper);
  }

  /** Whether the customer's key still exists: false once erased (or never made). */
  async holdsKey(keyId: string): Promise<boolean> {
    return (await this.keys.find(keyId)) !== null;
  }

  erase(keyId: string, erasedBy: string, reason: string) {
    return this.keys.erase(keyId, erasedBy, reason);
  }

  poolUse() {
    return this.keys.poolUse();
  }

  close(): Promise<void> {
    return this.keys.close();
  }
}

function openWith(customer: SealedCustomer, key: Buffer | null, reveal: boolean): OpenedCustomer {
  if (!key) return { status: 'erased' };
  let details: ContactDetails;
  try {
    details = unseal(customer.sealed, customer.keyId, key);
  } catch {
    return { status: 'erased' };
  }
  return reveal ? { status: 'clear', details } : { status: 'masked', details: maskDetails(details) };
}

/** `value` rebuilt with `change` applied to each string in it; plain objects and arrays only. */
function visitStrings<T>(value: T, change: (text: string) => string): T {
  if (typeof value === 'string') return change(value) as T;
  if (Array.isArray(value)) return value.map((item: unknown) => visitStrings(item, change)) as T;
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([name, item]) => [name, visitStrings(item, change)])) as T;
  }
  return value;
}
