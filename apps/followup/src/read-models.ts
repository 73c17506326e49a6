import { TOPICS } from '@handoff/contracts';
import type { ReadModel, ServiceReadModels } from '@handoff/platform';
import { FollowupCustomer } from './customers/customers.entity';
import { CUSTOMER_MIGRATIONS } from './customers/customers.migrations';
import { customersProjection } from './customers/customers.projection';
import { FollowupWorklistEntry } from './worklist/worklist.entity';
import { worklistProjection } from './worklist/worklist.projection';
import { FOLLOWUP_MIGRATIONS } from './worklist/worklist.migrations';

/**
 * Follow-up's projections: what the live consumers run and what `npm run audit -- rebuild` replays.
 * The confirmation process managers (results, first-contact answers) issue commands and are not here.
 */
export const FOLLOWUP_READ_MODELS: ReadModel[] = [
  {
    // Whom to call: the customer of each ticket, sealed, from intake's record of the contact.
    name: 'followup.customers',
    topics: [TOPICS.intakeEvents],
    tables: ['followup_customers'],
    handler: () => customersProjection(),
  },
  {
    name: 'followup.worklist',
    topics: [TOPICS.followupEvents, TOPICS.routingEvents],
    tables: ['followup_worklist'],
    // The recorded-at of whichever event was applied last: with two topics consumed side by side,
    // that depends on which arrived last, not on what the row says (positions per stream say that).
    volatileColumns: ['updated_at'],
    handler: () => worklistProjection(),
  },
];

export const FOLLOWUP_DATABASE: ServiceReadModels = {
  service: 'followup',
  entities: [FollowupWorklistEntry, FollowupCustomer],
  migrations: [...FOLLOWUP_MIGRATIONS, ...CUSTOMER_MIGRATIONS],
  models: FOLLOWUP_READ_MODELS,
};
