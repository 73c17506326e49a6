import { z } from 'zod';
import { parseOrThrow, type PolicyDefinition } from '@handoff/contracts';
import { baseConfigSchema, policyFile } from '@handoff/platform';
import { newVersionLabelProblems } from '@handoff/service-time';
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
    /** The longest time between two looks for due deliveries (a look also comes as soon as deliveries are queued or redriven on the instance, and when a retry falls due). */
    WEBHOOK_POLL_INTERVAL_MS: z.coerce.number().int().min(50).max(300_000).default(30_000),
    /** After a rotation, how long the previous secret still signs beside the new one. */
    WEBHOOK_SECRET_GRACE_MINUTES: z.coerce.number().int().min(0).max(43_200).default(1_440),
    /**
     * How long an approved access request opens a customer's details. Fractions are allowed so that
     * a test can watch an approval end; a day is the most, since a purpose approved once must not
     * open the details for good.
     */
    ACCESS_APPROVAL_MINUTES: z.coerce.number().min(0.05).max(1440).default(30),
  })
  .superRefine((config, context) => {
    if (config.WEBHOOK_BACKOFF_MAX_MS < config.WEBHOOK_BACKOFF_INITIAL_MS) {
      context.addIssue({ code: 'custom', path: ['WEBHOOK_BACKOFF_MAX_MS'], message: 'must be at least WEBHOOK_BACKOFF_INITIAL_MS' });
    }
  });
export type IntakeConfig = ReturnType<typeof intakeConfigSchema.parse>;

/** The policies management changes while intake runs (README, "Changing policies while the services run"); the file is version 0. */
export function intakePolicyDefinitions(config: IntakeConfig): PolicyDefinition[] {
  const classification: PolicyDefinition<ClassificationRules> = {
    kind: 'classification',
    initial: config.CLASSIFICATION_RULES_FILE,
    read: (document) => parseOrThrow(classificationRulesSchema, document) as ClassificationRules,
    checkChange: (next, current) => newVersionLabelProblems(next, current, 'every classification records the rules it was made under'),
  };
  return [classification as PolicyDefinition];
}
