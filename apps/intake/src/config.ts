import { baseConfigSchema, policyFile } from '@handoff/platform';
import { classificationRulesSchema, DEFAULT_CLASSIFICATION_RULES, type ClassificationRules } from './contacts/classification';

export const intakeConfigSchema = baseConfigSchema('intake', 3001).extend({
  /** JSON file with the classification rules (categories, priorities, what CS answers at once). */
  CLASSIFICATION_RULES_FILE: policyFile<ClassificationRules>(classificationRulesSchema as never, DEFAULT_CLASSIFICATION_RULES),
});
export type IntakeConfig = ReturnType<typeof intakeConfigSchema.parse>;
