import { TOPICS } from '@handoff/contracts';
import { CUSTOMER_VAULT, declareConsumers } from '@handoff/platform';
import type { CustomerVault } from '@handoff/vault';
import { customerTermsProjection } from './customer-terms.projection';

export const SEARCH_CONSUMERS = declareConsumers([CUSTOMER_VAULT], (vault: CustomerVault) => [
  // Evaluation's own topic too: the retention schedule records its erasures there.
  { name: 'search-customer-terms', topics: [TOPICS.intakeEvents, TOPICS.evaluationEvents], handler: customerTermsProjection(vault) },
]);
