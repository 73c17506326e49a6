import { ValidationFailed, type Decider, type RoutingEvent } from '@handoff/contracts';
import { departmentOf, isHandlerOf, type Organisation } from '../organisation/organisation';
import type { RoutingCommand, RoutingState } from './tickets.decider';

/**
 * The tickets decider held to the organisation: a handler a manager names must be one of the
 * department's handlers, and a ticket can be passed (or a sub-request asked) only of a department that exists. Checked
 * on what the decider decided, so its own refusals (who may act, in which state) come first.
 */
export function staffedDecider(
  decider: Decider<RoutingCommand, RoutingEvent, RoutingState>,
  organisation: Organisation,
): Decider<RoutingCommand, RoutingEvent, RoutingState> {
  return {
    initialState: decider.initialState,
    evolve: decider.evolve,
    decide(command, state) {
      const events = decider.decide(command, state);
      for (const event of events) {
        if (event.type === 'HandlerAssigned' && event.data.method === 'manager' && !isHandlerOf(organisation, event.data.department, event.data.handlerId)) {
          throw new ValidationFailed([{ field: 'handlerId', message: `is not a handler of ${event.data.department}` }]);
        }
        if (event.type === 'TransferRequested' && !departmentOf(organisation, event.data.toDepartment)) {
          throw new ValidationFailed([{ field: 'toDepartment', message: 'is not a department of the organisation' }]);
        }
        if (event.type === 'SubRequestAssigned' && event.data.method === 'manager' && !isHandlerOf(organisation, event.data.department, event.data.handlerId)) {
          throw new ValidationFailed([{ field: 'handlerId', message: `is not a handler of ${event.data.department}` }]);
        }
        if (event.type === 'SubRequestOpened' && !departmentOf(organisation, event.data.department)) {
          throw new ValidationFailed([{ field: 'department', message: 'is not a department of the organisation' }]);
        }
      }
      return events;
    },
  };
}
