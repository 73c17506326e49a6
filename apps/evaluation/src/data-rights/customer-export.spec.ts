import { ValidationFailed, parseOrThrow } from '@handoff/contracts';
import { exportRequestSchema, foundBy, inlineBudget } from './customer-export';

const refusedFields = (body: unknown): string[] => {
  try {
    parseOrThrow(exportRequestSchema, body);
  } catch (error) {
    if (error instanceof ValidationFailed) return error.errors.map((found) => found.field);
    throw error;
  }
  return [];
};

describe('an export request', () => {
  const reason = 'access request AR-7 under the privacy rule';

  it('names the customer by exactly one identifier, with a reason of ten characters or more', () => {
    expect(refusedFields({ customerId: 'crm-7', reason })).toEqual([]);
    expect(foundBy(parseOrThrow(exportRequestSchema, { email: 'lin@example.org', reason }))).toBe('email');
    expect(refusedFields({ customerId: 'crm-7' })).toEqual(['reason']);
    expect(refusedFields({ customerId: 'crm-7', reason: 'asked' })).toEqual(['reason']);
    expect(refusedFields({ reason })).toEqual(['customerId']);
    expect(refusedFields({ customerId: 'crm-7', phone: '+86 139 1234 5678', reason })).toEqual(['phone']);
  });

  it('refuses what cannot name a customer, naming the field, and fields it does not know', () => {
    expect(refusedFields({ keyId: 'someone', reason })).toEqual(['keyId']);
    expect(refusedFields({ ticketId: 'not-a-ticket', reason })).toEqual(['ticketId']);
    expect(refusedFields({ phone: 'call me', reason })).toEqual(['phone']);
    expect(refusedFields({ email: 'lin', reason })).toEqual(['email']);
    expect(refusedFields({ customerId: 'crm-7', reason, format: 'zip' })).toEqual(['format']);
  });
});

describe('which files go into the export whole', () => {
  it('is each file up to the limit, while all of them stay within the total', () => {
    const fits = inlineBudget(100, 250);
    expect([fits(100), fits(101), fits(100), fits(60), fits(50)]).toEqual([true, false, true, false, true]);
  });
});
