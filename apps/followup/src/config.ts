import { baseConfigSchema, policyFile } from '@handoff/platform';
import { DEFAULT_FOLLOWUP_POLICY, followupPolicySchema, type FollowupPolicy } from './confirmations/confirmations.decider';

export const followupConfigSchema = baseConfigSchema('followup', 3003).extend({
  /** JSON file with the follow-up policy: `{ maxRounds, maxContactAttempts }`. */
  FOLLOWUP_POLICY_FILE: policyFile<FollowupPolicy>(followupPolicySchema, DEFAULT_FOLLOWUP_POLICY),
});
export type FollowupConfig = ReturnType<typeof followupConfigSchema.parse>;
