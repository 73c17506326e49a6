import { z } from 'zod';
import { complaintCauseTaxonomySchema, DEFAULT_COMPLAINT_CAUSES, parseOrThrow, type ComplaintCauseTaxonomy, type PolicyDefinition } from '@handoff/contracts';
import { baseConfigSchema, booleanFlag, policyFile } from '@handoff/platform';
import { DEFAULT_DEADLINE_POLICY, deadlinePolicyChangeProblems, deadlinePolicySchema, newVersionLabelProblems, parseDeadlinePolicy, type DeadlinePolicy } from '@handoff/service-time';
import { assessmentPolicySchema, DEFAULT_ASSESSMENT_POLICY, type AssessmentPolicy } from './assessment/assessment';
import {
  DEFAULT_PEAK_HOURS,
  DEFAULT_TARGETS_POLICY,
  parseTargetsPolicy,
  peakHoursSchema,
  targetsChangeProblems,
  targetsPolicySchema,
  timeZoneSchema,
  type KpiPolicy,
  type TargetsPolicy,
} from './kpis/kpi-policy';
import { DEFAULT_RETENTION_POLICY, retentionPolicySchema, type RetentionPolicy } from './data-rights/retention';
import { DEFAULT_RUBRIC, rubricSchema, type Rubric } from './quality/rubric';
import { DEFAULT_SAMPLING_POLICY, samplingPolicySchema, type SamplingPolicy } from './quality/sampling';

export const evaluationConfigSchema = baseConfigSchema('evaluation', 3004).extend({
  /** The time zone of the reports' hours of day and periods (days, ISO weeks, months). */
  KPI_TIME_ZONE: timeZoneSchema.default('Asia/Shanghai'),
  /** Local hours marked as peak hours, as ranges [start, end): `09-11,14-16`. */
  KPI_PEAK_HOURS: z.string().optional().transform((value, context): number[] => {
    if (value === undefined) return DEFAULT_PEAK_HOURS;
    const parsed = peakHoursSchema.safeParse(value);
    if (parsed.success) return parsed.data;
    for (const issue of parsed.error.issues) context.addIssue({ code: 'custom', message: issue.message });
    return z.NEVER;
  }),
  /** JSON file with the KPI targets, every version with the instant it took effect. */
  KPI_TARGETS_FILE: policyFile<TargetsPolicy>(targetsPolicySchema as never, DEFAULT_TARGETS_POLICY),
  /**
   * Today's deadline policy, for figures "as recalculated under today's policy": the same file as
   * routing's (same variable), so one setting serves both services.
   */
  DEADLINE_POLICY_FILE: policyFile<DeadlinePolicy>(deadlinePolicySchema as never, DEFAULT_DEADLINE_POLICY),
  /** The complaint cause taxonomy (the same file and variable as routing's): the labels of the complaint analysis. */
  COMPLAINT_CAUSES_FILE: policyFile<ComplaintCauseTaxonomy>(complaintCauseTaxonomySchema as never, DEFAULT_COMPLAINT_CAUSES),
  /** JSON file with the quality sampling policy: rates and cadences per team size, team sizes. */
  QA_SAMPLING_POLICY_FILE: policyFile<SamplingPolicy>(samplingPolicySchema as never, DEFAULT_SAMPLING_POLICY),
  /** JSON file with the inspection rubric: criteria, weights, points, pass mark. */
  QA_RUBRIC_FILE: policyFile<Rubric>(rubricSchema as never, DEFAULT_RUBRIC),
  /** JSON file with the assessment weights of the self, supervisor and customer evaluations. */
  ASSESSMENT_POLICY_FILE: policyFile<AssessmentPolicy>(assessmentPolicySchema as never, DEFAULT_ASSESSMENT_POLICY),
  /** The largest file a ticket takes, in bytes (a file is held in memory while it is checked and sealed). */
  ATTACHMENT_MAX_BYTES: z.coerce.number().int().min(1).max(100 * 1024 * 1024).default(10 * 1024 * 1024),
  /** JSON file with the retention schedule: how long after a customer's last ticket closed their details are erased (none by default). */
  RETENTION_POLICY_FILE: policyFile<RetentionPolicy>(retentionPolicySchema as never, DEFAULT_RETENTION_POLICY),
  /** How often each instance runs the retention schedule; 0 runs it only when management asks. */
  RETENTION_CHECK_INTERVAL_MINUTES: z.coerce.number().int().min(0).max(7 * 24 * 60).default(60),
  /** A data-subject export carries each attached file up to this size inside the file; larger ones are listed. */
  EXPORT_ATTACHMENT_INLINE_MAX_BYTES: z.coerce.number().int().min(0).max(100 * 1024 * 1024).default(1024 * 1024),
  /** Lets the retention schedule's dry run and run take `asOf`: for tests and demos, never in production. */
  ALLOW_CLOCK_OVERRIDE: booleanFlag(false),
});
export type EvaluationConfig = z.infer<typeof evaluationConfigSchema>;

/**
 * The policies management changes while evaluation runs (README, "Policies"): its own KPI targets,
 * quality sampling policy and inspection rubric, and routing's deadline policy, which it applies to figures "as recalculated under today's policy".
 */
export function evaluationPolicyDefinitions(config: EvaluationConfig): PolicyDefinition[] {
  const targets: PolicyDefinition<TargetsPolicy> = { kind: 'kpi-targets', initial: config.KPI_TARGETS_FILE, read: parseTargetsPolicy, checkChange: targetsChangeProblems };
  const deadlines: PolicyDefinition<DeadlinePolicy> = { kind: 'deadlines', initial: config.DEADLINE_POLICY_FILE, read: parseDeadlinePolicy, checkChange: deadlinePolicyChangeProblems };
  const sampling: PolicyDefinition<SamplingPolicy> = {
    kind: 'qa-sampling',
    initial: config.QA_SAMPLING_POLICY_FILE,
    read: (document) => parseOrThrow(samplingPolicySchema, document) as SamplingPolicy,
    checkChange: (next, current) => newVersionLabelProblems(next, current, 'every sample records the version it was drawn under'),
  };
  const rubric: PolicyDefinition<Rubric> = {
    kind: 'qa-rubric',
    initial: config.QA_RUBRIC_FILE,
    read: (document) => parseOrThrow(rubricSchema, document) as Rubric,
    checkChange: (next, current) => newVersionLabelProblems(next, current, 'every inspection records the rubric it was scored against'),
  };
  return [targets, deadlines, sampling, rubric] as PolicyDefinition[];
}

/** The KPIs' policy: the files', or the versions in force in `policies` (a PolicyBook) when given. */
export function kpiPolicyOf(config: EvaluationConfig, policies?: { current<T>(kind: 'kpi-targets' | 'deadlines'): { readonly document: T } }): KpiPolicy {
  return {
    timeZone: config.KPI_TIME_ZONE,
    peakHours: config.KPI_PEAK_HOURS,
    targets: policies ? policies.current<TargetsPolicy>('kpi-targets').document : config.KPI_TARGETS_FILE,
    deadlines: policies ? policies.current<DeadlinePolicy>('deadlines').document : config.DEADLINE_POLICY_FILE,
  };
}
