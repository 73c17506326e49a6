import { CustomerKeyStore } from './key-store';
import { customerSearchTerms, querySearchTerms } from './search-terms';
import { customerKeyId, fingerprint, maskDetails, seal, unseal, type ContactDetails, type ContactFingerprint, type SealedCustomer } from './sealing';

export type OpenedCustomer =
  | { readonly status: 'clear'; readonly details: ContactDetails }
  | { readonly status: 'masked'; readonly details: ContactDetails }
  | { readonly status: 'erased' };

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
