import { INTAKE_EVENTS, type IntakeEvent } from '@handoff/contracts';
import { rowProjection, typedRowFold } from '@handoff/read-models';
import { type EventHandler } from '@handoff/messaging';
import { FollowupCustomer } from './customers.entity';
import { evolveTicketCustomer, opensTicketCustomer } from './customers.model';

/** Keeps each ticket's customer, sealed, its subject and who recorded it, from intake's `ContactRecorded` (customers.model.ts). */
export function customersProjection(): EventHandler {
  return rowProjection({
    eventTypes: ['ContactRecorded'],
    tables: [
      typedRowFold<FollowupCustomer, 'ticketId', IntakeEvent>(INTAKE_EVENTS, {
        entity: FollowupCustomer,
        key: ['ticketId'],
        keyOf: (event) => ({ ticketId: event.ticketId }),
        evolve: evolveTicketCustomer,
        firstOfKey: opensTicketCustomer,
      }),
    ],
  });
}
