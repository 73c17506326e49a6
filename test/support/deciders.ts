import { DEFAULT_COMPLAINT_CAUSES } from '@handoff/contracts';
import { confirmationsDecider } from '../../apps/followup/src/confirmations/confirmations.decider';
import { ticketsDecider } from '../../apps/routing/src/tickets/tickets.decider';

const MINUTE = 60_000;

/**
 * Routing's decider as the cross-service tests run it: billing and logistics by category, the
 * rest to customer care; a first response due 30 minutes after routing, a resolution
 * `resolutionMinutes` after it.
 */
export function testRoutingDecider({ resolutionMinutes = 1440, policyVersion = 'test-v1' }: { resolutionMinutes?: number; policyVersion?: string } = {}) {
  return ticketsDecider({
    rules: {
      rules: [
        { name: 'billing', department: 'billing', categories: ['billing'] },
        { name: 'logistics', department: 'logistics', categories: ['logistics'] },
      ],
      defaultDepartment: 'customer_care',
    },
    deadlinesFor: ({ from }) => ({
      firstResponseDueAt: new Date(from.getTime() + 30 * MINUTE),
      resolutionDueAt: new Date(from.getTime() + resolutionMinutes * MINUTE),
      policyVersion,
    }),
    escalation: { managementAfterMinutes: { first_response: 60, resolution: 240 } },
    complaintCauses: DEFAULT_COMPLAINT_CAUSES,
  });
}

/** Follow-up's decider as the cross-service tests run it: three rounds, three attempts to reach the customer. */
export const testFollowupDecider = () => confirmationsDecider({ maxRounds: 3, maxContactAttempts: 3 });
