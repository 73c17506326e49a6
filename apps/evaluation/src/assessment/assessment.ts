import { z } from 'zod';
import type { Team } from '@handoff/contracts';
import { granularityOf, periodOf } from '@handoff/service-time';
import type { ServiceRecord } from '../records/service-record';
import { CS_TEAM } from '../quality/sampling';

/**
 * A person's assessment for a period (DOMAIN.md, "Evaluation"): self-evaluation, supervisor
 * evaluation and customer evaluation, each 0 to 100, combined with configurable weights:
 *   total = Σ weight·score ÷ Σ weight, over the parts present, rounded to two decimals.
 * A part not given yet leaves the assessment incomplete; its total is then over the parts there
 * are, and it ranks after every complete one.
 *
 * The customer evaluation comes from the confirmations: the share of the customer's answers in the
 * period that were "satisfied", × 100, on the results the person produced (a handler's department
 * result; a CS agent's first-contact answer) or reported back to the customer (the CS agent who
 * recorded the answer).
 */

export const ASSESSMENT_PARTS = ['self', 'supervisor', 'customer'] as const;
export type AssessmentPart = (typeof ASSESSMENT_PARTS)[number];

export interface AssessmentPolicy {
  readonly version: string;
  readonly weights: Readonly<Record<AssessmentPart, number>>;
}

export const DEFAULT_ASSESSMENT_POLICY: AssessmentPolicy = { version: 'assessment-1', weights: { self: 0.2, supervisor: 0.5, customer: 0.3 } };

export const assessmentPolicySchema = z
  .strictObject({
    version: z.string().trim().min(1, 'must name the policy version'),
    weights: z.strictObject({ self: z.number().min(0), supervisor: z.number().min(0), customer: z.number().min(0) }),
  })
  .refine(({ weights }) => weights.self + weights.supervisor + weights.customer > 0, { message: 'must not all be 0', path: ['weights'] });

export interface CustomerEvaluation {
  readonly score: number | null;
  readonly satisfied: number;
  readonly answers: number;
}

/** The submitted parts of one person's assessment, as the read model holds them. */
export interface SubmittedEvaluations {
  readonly personId: string;
  readonly team: Team;
  readonly self: number | null;
  readonly supervisor: number | null;
}

export interface Assessment {
  readonly personId: string;
  readonly team: Team;
  readonly period: string;
  readonly parts: {
    readonly self: number | null;
    readonly supervisor: number | null;
    readonly customer: CustomerEvaluation;
  };
  readonly weights: Readonly<Record<AssessmentPart, number>>;
  readonly total: number | null;
  readonly complete: boolean;
  /** 1 for the best; equal totals share a rank (1, 2, 2, 4). Incomplete assessments are not ranked. */
  readonly rank: number | null;
  /** The team's service star of the period: first among the complete assessments. */
  readonly star: boolean;
}

export function combine(parts: Readonly<Record<AssessmentPart, number | null>>, policy: AssessmentPolicy): { total: number | null; complete: boolean } {
  let weighted = 0;
  let weights = 0;
  for (const part of ASSESSMENT_PARTS) {
    const score = parts[part];
    if (score === null) continue;
    weighted += policy.weights[part] * score;
    weights += policy.weights[part];
  }
  return {
    total: weights === 0 ? null : Math.round((100 * weighted) / weights) / 100,
    complete: ASSESSMENT_PARTS.every((part) => parts[part] !== null),
  };
}

/**
 * Every customer answer in the period credited to the people of the team: per person, how many
 * answers and how many satisfied.
 */
export function customerEvaluations(records: readonly ServiceRecord[], team: Team, period: string, timeZone: string): Map<string, CustomerEvaluation> {
  const granularity = granularityOf(period);
  if (granularity !== 'week' && granularity !== 'month') throw new RangeError(`not an assessment period: ${period}`);
  const tally = new Map<string, { satisfied: number; answers: number }>();
  const credit = (personId: string | null, satisfied: boolean) => {
    if (personId === null) return;
    const counts = tally.get(personId) ?? { satisfied: 0, answers: 0 };
    counts.answers++;
    if (satisfied) counts.satisfied++;
    tally.set(personId, counts);
  };
  for (const record of records) {
    for (const verdict of record.verdicts) {
      if (periodOf(verdict.at, granularity, timeZone) !== period) continue;
      const people = new Set<string | null>();
      if (team === CS_TEAM) {
        people.add(verdict.confirmedBy);
        if (verdict.round === 0) people.add(verdict.resolvedBy);
      } else if (verdict.round > 0 && verdict.department === team) {
        people.add(verdict.resolvedBy);
      }
      for (const person of people) credit(person, verdict.satisfied);
    }
  }
  return new Map(
    [...tally.entries()].map(([personId, { satisfied, answers }]) => [personId, { satisfied, answers, score: Math.round((10_000 * satisfied) / answers) / 100 }]),
  );
}

/**
 * The team's assessments for the period, best first: complete ones by total (then person id),
 * then the incomplete ones by what they have.
 */
export function rankAssessments(
  team: Team,
  period: string,
  submitted: readonly SubmittedEvaluations[],
  customers: ReadonlyMap<string, CustomerEvaluation>,
  policy: AssessmentPolicy,
): Assessment[] {
  const people = new Set([...submitted.filter((s) => s.team === team).map((s) => s.personId), ...customers.keys()]);
  const unranked = [...people].map((personId) => {
    const given = submitted.find((s) => s.personId === personId && s.team === team);
    const customer = customers.get(personId) ?? { score: null, satisfied: 0, answers: 0 };
    const parts = { self: given?.self ?? null, supervisor: given?.supervisor ?? null, customer };
    return { personId, team, period, parts, weights: policy.weights, ...combine({ self: parts.self, supervisor: parts.supervisor, customer: customer.score }, policy) };
  });
  unranked.sort(
    (a, b) =>
      Number(b.complete) - Number(a.complete) || (b.total ?? -1) - (a.total ?? -1) || (a.personId < b.personId ? -1 : a.personId > b.personId ? 1 : 0),
  );
  const ranked: Assessment[] = [];
  unranked.forEach((assessment, index) => {
    const previous = ranked[index - 1];
    const rank = !assessment.complete ? null : previous?.complete && previous.total === assessment.total ? previous.rank : index + 1;
    ranked.push({ ...assessment, rank, star: rank === 1 });
  });
  return ranked;
}
