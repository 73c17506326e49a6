import { z } from 'zod';

/**
 * The retention schedule for customers' contact details: how long after a customer's last ticket
 * closed their key is destroyed (the same crypto-shredding as an erasure on request). A customer
 * with any ticket still open is never due: they are still being served.
 *
 * `eraseCustomerDetailsAfter: null` (the default) keeps details until someone asks: erasing what
 * an organisation must keep for years is not something to do by default.
 */
export const retentionPolicySchema = z.strictObject({
  eraseCustomerDetailsAfter: z
    .union([
      z.strictObject({ years: z.number().int().min(1).max(100) }),
      z.strictObject({ days: z.number().int().min(1).max(36_500) }),
    ])
    .nullable(),
});
export type RetentionPolicy = z.infer<typeof retentionPolicySchema>;
export type RetentionPeriod = NonNullable<RetentionPolicy['eraseCustomerDetailsAfter']>;

export const DEFAULT_RETENTION_POLICY: RetentionPolicy = { eraseCustomerDetailsAfter: null };

/** One customer key's tickets, as far as retention cares. */
export interface CustomerTickets {
  readonly keyId: string;
  readonly tickets: readonly { readonly ticketId: string; readonly closedAt: Date | null }[];
}

export interface DueCustomer {
  readonly keyId: string;
  /** The ticket whose closing started the period: the erasure is recorded on it. */
  readonly lastTicketId: string;
  readonly lastClosedAt: Date;
  readonly tickets: number;
}

export const describePeriod = (period: RetentionPeriod): string =>
  'years' in period ? `${period.years} year${period.years === 1 ? '' : 's'}` : `${period.days} day${period.days === 1 ? '' : 's'}`;

/**
 * The latest instant a last ticket may have closed at for its customer to be due at `asOf`, or
 * null when the policy erases nothing. Years are calendar years in UTC, so a leap day is not lost
 * or gained over a long period.
 */
export function retentionCutoff(policy: RetentionPolicy, asOf: Date): Date | null {
  const period = policy.eraseCustomerDetailsAfter;
  if (!period) return null;
  const cutoff = new Date(asOf.getTime());
  if ('years' in period) cutoff.setUTCFullYear(cutoff.getUTCFullYear() - period.years);
  else cutoff.setUTCDate(cutoff.getUTCDate() - period.days);
  return cutoff;
}

/** Customers whose last ticket closed at or before the cutoff and who have none open, oldest closing first. */
export function customersDue(customers: readonly CustomerTickets[], policy: RetentionPolicy, asOf: Date): DueCustomer[] {
  const cutoff = retentionCutoff(policy, asOf);
  if (!cutoff) return [];
  const due: DueCustomer[] = [];
  for (const customer of customers) {
    if (customer.tickets.length === 0 || customer.tickets.some((ticket) => ticket.closedAt === null)) continue;
    const last = customer.tickets.reduce((latest, ticket) => (ticket.closedAt!.getTime() > latest.closedAt!.getTime() ? ticket : latest));
    if (last.closedAt!.getTime() > cutoff.getTime()) continue;
    due.push({ keyId: customer.keyId, lastTicketId: last.ticketId, lastClosedAt: last.closedAt!, tickets: customer.tickets.length });
  }
  return due.sort((a, b) => a.lastClosedAt.getTime() - b.lastClosedAt.getTime() || a.keyId.localeCompare(b.keyId));
}

/** The words the erasure event and the vault's erasure record carry. */
export const retentionReason = (period: RetentionPeriod, lastClosedAt: Date): string =>
  `${describePeriod(period)} after the customer's last ticket closed (${lastClosedAt.toISOString()}), none open`;
