import { baseConfigSchema } from '@handoff/platform';

export const intakeConfigSchema = baseConfigSchema('intake', 3001);
export type IntakeConfig = ReturnType<typeof intakeConfigSchema.parse>;
