import type { ContactRecordedData, IntakeEvent } from '@handoff/contracts';
import { recordedOf } from '@handoff/testing';
import { evolveTicketCustomer, opensTicketCustomer } from './customers.model';

const contact = (position: number, subject: string, keyId = 'k1') =>
  recordedOf<IntakeEvent>(
    { type: 'ContactRecorded', data: { subject, customer: { keyId, sealed: `sealed-${keyId}` } } as unknown as ContactRecordedData },
    { ticketId: 't1', streamId: 'intake-ticket-t1', streamPosition: position, occurredAt: '2026-03-02T09:00:00.000Z', actorId: 'cs-ana' },
  );

describe('the customer of each ticket, as a fold', () => {
  it('keeps the customer sealed, who recorded them and a subject cut to a headline', () => {
    expect(evolveTicketCustomer(undefined, contact(0, 'x'.repeat(400)))).toEqual({
      ticketId: 't1',
      keyId: 'k1',
      sealed: 'sealed-k1',
      customerId: null,
      subject: 'x'.repeat(300),
      recordedBy: 'cs-ana',
      streamPosition: 0,
    });
  });

  it('takes a later record and changes nothing for a replayed or older one', () => {
    const first = evolveTicketCustomer(undefined, contact(1, 'Charged twice'))!;
    expect(evolveTicketCustomer(first, contact(1, 'Charged twice'))).toBeUndefined();
    expect(evolveTicketCustomer(first, contact(0, 'Older'))).toBeUndefined();
    expect(evolveTicketCustomer(first, contact(2, 'Charged twice again', 'k2'))).toMatchObject({ keyId: 'k2', subject: 'Charged twice again', streamPosition: 2 });
  });

  it("knows the event before which a ticket has no customer: the first of the ticket's intake stream", () => {
    expect(opensTicketCustomer(contact(0, 'a'))).toBe(true);
    expect(opensTicketCustomer(contact(1, 'a'))).toBe(false);
    expect(opensTicketCustomer({ streamId: 'routing-ticket-t1', streamPosition: 0, ticketId: 't1' })).toBe(false);
  });
});
