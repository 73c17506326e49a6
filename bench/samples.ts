import { randomBytes, randomUUID } from 'node:crypto';
import type { NewEvent } from '@handoff/contracts';

/**
 * Events shaped and sized like intake's hand-over (the largest event a ticket carries on its
 * way to a department): every store, relay and baseline figure uses these, so the baselines
 * move the same bytes as the code they are compared with.
 */
export function sampleEvent(ticketId: string, index: number): NewEvent {
  const now = new Date().toISOString();
  return {
    eventId: randomUUID(),
    type: 'TicketHandedOver',
    schemaVersion: 1,
    ticketId,
    data: {
      channel: 'hotline',
      type: 'request',
      category: 'billing',
      priority: 'normal',
      customer: {
        keyId: `cust_${randomBytes(16).toString('base64url')}`,
        sealed: `v1.${randomBytes(12).toString('base64url')}.${randomBytes(96).toString('base64url')}.${randomBytes(16).toString('base64url')}`,
      },
      subject: `Refund for invoice ${index}`,
      description: 'I was charged twice for the same order last week and would like the second payment refunded to my card, please.',
      complaint: false,
      reason: 'classified_for_department',
    },
    metadata: {
      correlationId: randomUUID(),
      causationId: randomUUID(),
      actorId: 'upstream-crm',
      role: 'system',
      occurredAt: now,
    },
  };
}

/** A contact an upstream system posts, classified for a department that assigns automatically. */
export function sampleContact(index: number, runId: string) {
  const kinds = [
    { subject: 'Refund for a double charge', description: 'I was charged twice for invoice %d; please refund the second payment.' },
    { subject: 'Parcel delivery is late', description: 'My parcel %d has not been delivered; the courier says it is lost.' },
    { subject: 'Cannot login to the app', description: 'Since the update I cannot login; the app shows error %d.' },
  ];
  const kind = kinds[index % kinds.length];
  return {
    sourceSystem: 'bench-crm',
    externalId: `bench-${runId}-${index}`,
    channel: 'hotline',
    // A consultation outside `general` is not answered at first contact: it is handed over.
    type: 'consultation',
    // A few hundred returning customers: the vault's key lookups see what a real day shows.
    customer: { customerId: `c-${index % 500}`, name: 'Wang Fang', phone: `+86 139 ${String(10_000_000 + (index % 500)).slice(0, 4)} ${String(index % 500).padStart(4, '0')}` },
    subject: kind.subject,
    description: kind.description.replace('%d', String(index)),
  };
}
