import { baseConfigSchema } from '@handoff/platform';

export const routingConfigSchema = baseConfigSchema('routing', 3002);
export type RoutingConfig = ReturnType<typeof routingConfigSchema.parse>;
