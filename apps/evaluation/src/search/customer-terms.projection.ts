import { INTAKE_EVENTS, PRIVACY_EVENTS, typedEventOf } from '@handoff/contracts';
import { queryWithNext, type EventHandler } from '@handoff/messaging';
import type { CustomerVault, SealedCustomer } from '@handoff/vault';

/**
 * Keeps the keyed hashes a customer is found by (phone, e-mail, name: libs/vault search-terms.ts),
 * by customer key id. They are computed from the details intake sealed, opened through the vault
 * in memory for the moment of hashing and never written down. A customer erased (their key gone)
 * opens as nothing and gets no terms; `CustomerDataErased` deletes the terms they had, so the
 * erased customer can no longer be found by phone, e-mail or name.
 *
 * This index depends on the vault as well as on the events (an erased key leaves nothing to hash),
 * so it is not among the read models `npm run audit -- rebuild` replays from the stores alone.
 */
export function customerTermsProjection(vault: Pick<CustomerVault, 'openMany' | 'searchTermsOf'>): EventHandler {
  return {
    eventTypes: ['ContactRecorded', 'CustomerDataErased'],
    async handle(events, manager) {
      // The contacts between two erasures are indexed together: their keys read in one statement,
      // their terms written in one. Each erasure waits for the contacts before it (it must find
      // their terms) and comes before those after it. Nothing reads what they write: each statement
      // goes with the transaction's next one, or its COMMIT (queryWithNext).
      let contacts: SealedCustomer[] = [];
      const index = async () => {
        if (contacts.length === 0) return;
        const opened = await vault.openMany(contacts, true);
        const terms: string[] = [];
        const keyIds: string[] = [];
        opened.forEach((customer, at) => {
          if (customer.status !== 'clear') return;
          for (const term of vault.searchTermsOf(customer.details)) {
            terms.push(term);
            keyIds.push(contacts[at].keyId);
          }
        });
        contacts = [];
        if (terms.length === 0) return;
        await queryWithNext(manager, 'INSERT INTO search_customer_terms (term, key_id) SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT DO NOTHING', [terms, keyIds]);
      };
      for (const event of events) {
        const erasure = typedEventOf(PRIVACY_EVENTS, event);
        if (erasure?.type === 'CustomerDataErased') {
          await index();
          await queryWithNext(manager, 'DELETE FROM search_customer_terms WHERE key_id = $1', [erasure.data.keyId]);
          continue;
        }
        const contact = typedEventOf(INTAKE_EVENTS, event);
        if (contact?.type === 'ContactRecorded') contacts.push(contact.data.customer);
      }
      await index();
    },
  };
}
