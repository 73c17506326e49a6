import type { CustomerView } from '@handoff/contracts/api';

/** 王* · ***78 · w***@example.com, or what stands in their place. */
export function maskedCustomer(customer: CustomerView | null, erased: string): string {
  if (!customer) return '—';
  if (customer.status === 'erased') return erased;
  return [customer.name, customer.phone, customer.email].filter(Boolean).join(' · ') || '—';
}
