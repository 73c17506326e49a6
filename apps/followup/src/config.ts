import { baseConfigSchema } from '@handoff/platform';

export const followupConfigSchema = baseConfigSchema('followup', 3003);
export type FollowupConfig = ReturnType<typeof followupConfigSchema.parse>;
