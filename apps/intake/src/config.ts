import { z } from 'zod';
import { baseConfigSchema, policyFile } from '@handoff/platform';
import { classificationRulesSchema, DEFAULT_CLASSIFICATION_RULES, type ClassificationRules } from './contacts/classification';

export const intakeConfigSchema = baseConfigSchema('intake', 3001)
  .extend({
    /** JSON file with the classification rules (categories, priorities, what CS answers at once). */
    CLASSIFICATION_RULES_FILE: policyFile<ClassificationRules>(classificationRulesSchema as never, DEFAULT_CLASSIFICATION_RULES),
    /** Attempts of a webhook delivery (per round: creation, then each redrive) before it is failed. */
    WEBHOOK_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(8),
    /** The wait after a delivery's first failed attempt; it doubles after each (with jitter) up to the maximum. */
    WEBHOOK_BACKOFF_INITIAL_MS: z.coerce.number().int().min(10).max(86_400_000).default(30_000),
    WEBHOOK_BACKOFF_MAX_MS: z.coerce.number().int().min(10).max(86_400_000).default(3_600_000),
    /** How long the receiver has to answer one attempt. */
    WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
    /** How often the sender looks for due deliveries. */
    WEBHOOK_POLL_INTERVAL_MS: z.coerce.number().int().min(50).max(60_000).default(1_000),
    /** After a rotation, how long the previous secret still signs beside the new one. */
    WEBHOOK_SECRET_GRACE_MINUTES: z.coerce.number().int().min(0).max(43_200).default(1_440),
  })
  .superRefine((config, context) => {
    if (config.WEBHOOK_BACKOFF_MAX_MS < config.WEBHOOK_BACKOFF_INITIAL_MS) {
      context.addIssue({ code: 'custom', path: ['WEBHOOK_BACKOFF_MAX_MS'], message: 'must be at least WEBHOOK_BACKOFF_INITIAL_MS' });
    }
  });
export type IntakeConfig = ReturnType<typeof intakeConfigSchema.parse>;
