import { randomBytes } from 'node:crypto';
import type { Customer } from '@handoff/contracts';
import { canonicalJson } from '@handoff/contracts';
import { customerKeyId, seal, type ContactDetails } from '@handoff/vault';

const TEST_KEY = randomBytes(32);
const TEST_PEPPER = Buffer.from('handoff-test-pepper');
const sealedOnce = new Map<string, Customer>();

/**
 * Contact details sealed as intake seals them (under a throwaway key), for fixtures of events
 * that carry a customer. The same details give the same object, so expected events compare equal.
 */
export function sealedCustomer(details: ContactDetails & { customerId?: string }): Customer {
  const cacheKey = canonicalJson(details);
  let sealed = sealedOnce.get(cacheKey);
  if (!sealed) {
    const keyId = customerKeyId(details, TEST_PEPPER);
    sealed = {
      keyId,
      sealed: seal({ name: details.name, phone: details.phone, email: details.email }, keyId, TEST_KEY),
      ...(details.customerId ? { customerId: details.customerId } : {}),
    };
    sealedOnce.set(cacheKey, sealed);
  }
  return sealed;
}
