import { INTAKE_EVENTS, PRIVACY_EVENTS, typedEventOf } from '@handoff/contracts';
import type { EventHandler } from '@handoff/messaging';
import type { CustomerVault } from '@handoff/vault';

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
export function customerTermsProjection(vault: Pick<CustomerVault, 'open' | 'searchTermsOf'>): EventHandler {
  return {
    eventTypes: ['ContactRecorded', 'CustomerDataErased'],
    async handle(events, manager) {
      // In order, one at a time: an erasure must find the terms of a contact recorded before it.
      for (const event of events) {
        const erasure = typedEventOf(PRIVACY_EVENTS, event);
        if (erasure?.type === 'CustomerDataErased') {
          await manager.query('DELETE FROM search_customer_terms WHERE key_id = $1', [erasure.data.keyId]);
          continue;
        }
        const contact = typedEventOf(INTAKE_EVENTS, event);
        if (contact?.type !== 'ContactRecorded') continue;
        const { customer } = contact.data;
        const opened = await vault.open(customer, true);
        if (opened.status !== 'clear') continue;
        const terms = vault.searchTermsOf(opened.details);
        if (terms.length === 0) continue;
        await manager.query('INSERT INTO search_customer_terms (term, key_id) SELECT term, $1 FROM unnest($2::text[]) AS term ON CONFLICT DO NOTHING', [
          customer.keyId,
          terms,
        ]);
      }
    },
  };
}
