import { z } from 'zod';
import { baseConfigSchema, policyFile } from '@handoff/platform';
import { classificationRulesSchema, DEFAULT_CLASSIFICATION_RULES, type ClassificationRules } from './contacts/classification';

export const intakeConfigSchema = baseConfigSchema('intake', 3001).extend({
  /** JSON file with the classification rules (categories, priorities, what CS answers at once). */
  CLASSIFICATION_RULES_FILE: policyFile<ClassificationRules>(classificationRulesSchema as never, DEFAULT_CLASSIFICATION_RULES),
  /**
   * How long an approved access request opens a customer's details. Fractions are allowed so that
   * a test can watch an approval end; a day is the most, since a purpose approved once must not
   * open the details for good.
   */
  ACCESS_APPROVAL_MINUTES: z.coerce.number().min(0.05).max(1440).default(30),
});
export type IntakeConfig = ReturnType<typeof intakeConfigSchema.parse>;
