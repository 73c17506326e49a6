import { randomUUID } from 'node:crypto';

/** A contact as an upstream system posts it; each call gets its own external id. */
export function contact(overrides: Record<string, unknown> = {}) {
  return {
    sourceSystem: 'e2e-crm',
    externalId: `ext-${randomUUID()}`,
    channel: 'hotline',
    type: 'consultation',
    customer: { name: 'Wang Fang', phone: '+86 139 1234 5678', email: 'wang.fang@example.com' },
    subject: 'Opening hours',
    description: 'When is the service centre open on Sundays?',
    ...overrides,
  };
}
