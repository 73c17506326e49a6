import type { RecordedEvent } from '@handoff/contracts';
import { deskTicket, uuidOf } from '@handoff/testing';
import type { CustomerVault, OpenedCustomer, SealedCustomer } from '@handoff/vault';
import type { EntityManager } from 'typeorm';
import { customerTermsProjection } from './customer-terms.projection';

const customer = (name: string): SealedCustomer => ({ keyId: `cust_${name}`, sealed: `v1.${name}.iv.tag` });

/** The contact a ticket opens with, for this customer. */
function contactOf(index: number, sealed: SealedCustomer): RecordedEvent {
  const [contact] = deskTicket(() => 0.5, { ticketId: uuidOf(1, index, 0), openedAt: Date.UTC(2026, 0, 5), customer: sealed, position: index * 100, eventId: (n) => uuidOf(1, index, n + 1) });
  expect(contact.type).toBe('ContactRecorded');
  return contact;
}

function erasureOf(index: number, sealed: SealedCustomer): RecordedEvent {
  const contact = contactOf(index, sealed);
  return { ...contact, eventId: uuidOf(2, index, 0), type: 'CustomerDataErased', streamId: `intake-privacy-${contact.ticketId}`, data: { keyId: sealed.keyId, reason: 'asked' } };
}

/**
 * What the index asks of the vault and the database for a batch: the contacts between two
 * erasures opened together and their terms written together, each erasure after the contacts
 * before it and before those after it.
 */
describe('the customer terms index', () => {
  it('opens and writes the contacts between two erasures together, in the batch’s order', async () => {
    const asked: string[] = [];
    const vault = {
      async openMany(customers: readonly SealedCustomer[]): Promise<OpenedCustomer[]> {
        asked.push(`open ${customers.map((c) => c.keyId).join(' ')}`);
        // Bo's key is gone: erased before the batch came.
        return customers.map((c) => (c.keyId === 'cust_bo' ? { status: 'erased' } : { status: 'clear', details: { name: c.keyId.slice(5) } }) as OpenedCustomer);
      },
      searchTermsOf: (details: { name?: string }) => [`name:${details.name}`, `name2:${details.name}`],
    } as unknown as Pick<CustomerVault, 'openMany' | 'searchTermsOf'>;
    const manager = {
      async query(text: string, values: unknown[]) {
        asked.push(`${text.split(' ')[0]} ${JSON.stringify(values)}`);
        return [];
      },
    } as unknown as EntityManager;
    const [ana, bo, cy] = [customer('ana'), customer('bo'), customer('cy')];
    await customerTermsProjection(vault).handle([contactOf(1, ana), contactOf(2, bo), contactOf(3, cy), erasureOf(4, ana), contactOf(5, ana), contactOf(6, cy)], manager);
    expect(asked).toEqual([
      'open cust_ana cust_bo cust_cy',
      `INSERT ${JSON.stringify([['name:ana', 'name2:ana', 'name:cy', 'name2:cy'], ['cust_ana', 'cust_ana', 'cust_cy', 'cust_cy']])}`,
      `DELETE ${JSON.stringify(['cust_ana'])}`,
      'open cust_ana cust_cy',
      `INSERT ${JSON.stringify([['name:ana', 'name2:ana', 'name:cy', 'name2:cy'], ['cust_ana', 'cust_ana', 'cust_cy', 'cust_cy']])}`,
    ]);
  });
});
