import { baseConfigSchema } from '@handoff/platform';

export const evaluationConfigSchema = baseConfigSchema('evaluation', 3004);
export type EvaluationConfig = ReturnType<typeof evaluationConfigSchema.parse>;
