// The inspection rubric as the service serves it (GET /v1/qa/rubric, its QA_RUBRIC_FILE). The
// estimate below only guides the inspector while typing: the total and the pass mark in the
// service's answer are the ones that count.
import type { Rubric } from '@handoff/contracts/api';

export type { Rubric, RubricCriterion } from '@handoff/contracts/api';

/** The weighted total (0–100) the service computes, or null until every criterion has a valid score. */
export function estimateTotal(rubric: Rubric, scores: Readonly<Record<string, number | undefined>>): number | null {
  let weighted = 0;
  for (const criterion of rubric.criteria) {
    const points = scores[criterion.key];
    if (points === undefined || !Number.isInteger(points) || points < 0 || points > criterion.maxPoints) return null;
    weighted += (criterion.weight * points) / criterion.maxPoints;
  }
  const weights = rubric.criteria.reduce((sum, criterion) => sum + criterion.weight, 0);
  return Math.round((10_000 * weighted) / weights) / 100;
}
