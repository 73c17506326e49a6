import { customersDue, retentionCutoff, retentionPolicySchema, retentionReason, type CustomerTickets } from './retention';

const at = (iso: string) => new Date(iso);
const customer = (keyId: string, ...closed: (string | null)[]): CustomerTickets => ({
  keyId,
  tickets: closed.map((closedAt, index) => ({ ticketId: `${keyId}-t${index}`, closedAt: closedAt === null ? null : at(closedAt) })),
});

describe('the retention policy', () => {
  it('takes a period in years or in days, or none, and refuses anything else naming the field', () => {
    expect(retentionPolicySchema.parse({ eraseCustomerDetailsAfter: { years: 3 } })).toEqual({ eraseCustomerDetailsAfter: { years: 3 } });
    expect(retentionPolicySchema.parse({ eraseCustomerDetailsAfter: { days: 30 } })).toEqual({ eraseCustomerDetailsAfter: { days: 30 } });
    expect(retentionPolicySchema.parse({ eraseCustomerDetailsAfter: null })).toEqual({ eraseCustomerDetailsAfter: null });
    for (const bad of [{}, { eraseCustomerDetailsAfter: { years: 0 } }, { eraseCustomerDetailsAfter: { years: 1, days: 2 } }, { eraseCustomerDetailsAfter: { months: 6 } }, { eraseCustomerDetailsAfter: { days: 1.5 } }]) {
      const result = retentionPolicySchema.safeParse(bad);
      expect(result.success).toBe(false);
      expect(result.error!.issues[0].path[0]).toBe('eraseCustomerDetailsAfter');
    }
  });

  it('counts years as calendar years and days as days back from the instant of the run', () => {
    expect(retentionCutoff({ eraseCustomerDetailsAfter: { years: 3 } }, at('2026-12-05T10:00:00Z'))).toEqual(at('2023-12-05T10:00:00Z'));
    expect(retentionCutoff({ eraseCustomerDetailsAfter: { days: 30 } }, at('2026-03-01T00:00:00Z'))).toEqual(at('2026-01-30T00:00:00Z'));
    expect(retentionCutoff({ eraseCustomerDetailsAfter: null }, at('2026-03-01T00:00:00Z'))).toBeNull();
  });
});

describe('who is due for erasure', () => {
  const asOf = at('2026-12-05T00:00:00Z');
  const policy = { eraseCustomerDetailsAfter: { years: 2 } } as const;

  it('is a customer whose last ticket closed beyond the period, with the ticket that started it', () => {
    const due = customersDue([customer('cust_old', '2023-01-10T00:00:00Z', '2024-06-01T08:00:00Z')], policy, asOf);
    expect(due).toEqual([{ keyId: 'cust_old', lastTicketId: 'cust_old-t1', lastClosedAt: at('2024-06-01T08:00:00Z'), tickets: 2 }]);
  });

  it('is not a customer with any ticket open, however old the others', () => {
    expect(customersDue([customer('cust_open', '2020-01-01T00:00:00Z', null)], policy, asOf)).toEqual([]);
  });

  it('is not a customer whose last ticket closed within the period, even if an earlier one is long past it', () => {
    expect(customersDue([customer('cust_recent', '2019-01-01T00:00:00Z', '2025-11-30T00:00:00Z')], policy, asOf)).toEqual([]);
  });

  it('is a customer whose last ticket closed exactly at the cutoff', () => {
    expect(customersDue([customer('cust_edge', '2024-12-05T00:00:00Z')], policy, asOf).map((due) => due.keyId)).toEqual(['cust_edge']);
  });

  it('is nobody when the policy erases nothing, and lists the due oldest closing first', () => {
    const customers = [customer('cust_b', '2022-05-01T00:00:00Z'), customer('cust_a', '2021-05-01T00:00:00Z'), customer('cust_c', '2026-01-01T00:00:00Z')];
    expect(customersDue(customers, { eraseCustomerDetailsAfter: null }, asOf)).toEqual([]);
    expect(customersDue(customers, policy, asOf).map((due) => due.keyId)).toEqual(['cust_a', 'cust_b']);
  });

  it('says in the reason which rule erased the details and since when', () => {
    expect(retentionReason({ years: 1 }, at('2024-06-01T08:00:00Z'))).toBe(
      "1 year after the customer's last ticket closed (2024-06-01T08:00:00.000Z), none open",
    );
  });
});
