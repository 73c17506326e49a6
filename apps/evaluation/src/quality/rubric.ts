import { z } from 'zod';
import { ValidationFailed, type FieldError, type Rubric } from '@handoff/contracts';
import { versionLabelSchema } from '@handoff/service-time';

/**
 * How an inspector scores a service record: each criterion gets 0 to its maximum points; the
 * total is the weighted share of the maximum, 0 to 100:
 *   total = 100 × Σ weight·(points ÷ maxPoints) ÷ Σ weight, rounded to two decimals.
 * A total below the pass mark requires a corrective action.
 */
export type { Rubric, RubricCriterion } from '@handoff/contracts';

export const DEFAULT_RUBRIC: Rubric = {
  version: 'rubric-1',
  criteria: [
    { key: 'wording', label: 'Wording and politeness', weight: 25, maxPoints: 5 },
    { key: 'opening', label: 'Standard opening script', weight: 15, maxPoints: 5 },
    { key: 'accuracy', label: 'Accuracy of the information given', weight: 25, maxPoints: 5 },
    { key: 'timeliness', label: 'Timeliness', weight: 20, maxPoints: 5 },
    { key: 'completeness', label: 'Completeness of the record', weight: 15, maxPoints: 5 },
  ],
  passMark: 60,
};

/** The weighted total of complete, valid scores; ValidationFailed naming each bad `scores.<criterion>`. */
export function totalOf(rubric: Rubric, scores: Readonly<Record<string, number>>): number {
  const errors: FieldError[] = [];
  for (const criterion of rubric.criteria) {
    const points = scores[criterion.key];
    if (points === undefined) errors.push({ field: `scores.${criterion.key}`, message: 'is required' });
    else if (!Number.isInteger(points) || points < 0 || points > criterion.maxPoints) {
      errors.push({ field: `scores.${criterion.key}`, message: `must be a whole number from 0 to ${criterion.maxPoints}` });
    }
  }
  for (const key of Object.keys(scores)) {
    if (!rubric.criteria.some((criterion) => criterion.key === key)) errors.push({ field: `scores.${key}`, message: `is not a criterion of rubric ${rubric.version}` });
  }
  if (errors.length > 0) throw new ValidationFailed(errors);
  const weights = rubric.criteria.reduce((sum, criterion) => sum + criterion.weight, 0);
  const weighted = rubric.criteria.reduce((sum, criterion) => sum + (criterion.weight * scores[criterion.key]!) / criterion.maxPoints, 0);
  return Math.round((10_000 * weighted) / weights) / 100;
}

const criterionKey = z.string().regex(/^[a-z][a-z0-9_]{0,31}$/, 'must be a lowercase key such as wording');

export const rubricSchema = z
  .strictObject({
    version: versionLabelSchema.min(1, 'must name the rubric version'),
    criteria: z
      .array(
        z.strictObject({
          key: criterionKey,
          label: z.string().trim().min(1),
          weight: z.number().gt(0, 'must be above 0'),
          maxPoints: z.number().int().min(1).max(100),
        }),
      )
      .min(1, 'must hold at least one criterion'),
    passMark: z.number().min(0).max(100),
  })
  .refine((rubric) => new Set(rubric.criteria.map((criterion) => criterion.key)).size === rubric.criteria.length, {
    message: 'criterion keys must be unique',
    path: ['criteria'],
  });
