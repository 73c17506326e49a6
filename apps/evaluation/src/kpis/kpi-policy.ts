import { z } from 'zod';
import { DEFAULT_DEADLINE_POLICY, isKnownTimeZone, versionLabelSchema, type DeadlinePolicy } from '@handoff/service-time';
import { canonicalJson, KPI_NAMES, parseOrThrow, type FieldError, type KpiName, type Target } from '@handoff/contracts';

/**
 * The service standards as versioned policy. Targets change over time (a new year's plan), so the
 * policy keeps every version with the instant it took effect: a figure can be judged against the
 * targets in force then, or recalculated against today's. Deadlines are routing's policy: "then"
 * means the deadlines routing recorded on each round (with their `policyVersion`), "now" means
 * today's deadline policy applied to the same rounds.
 */

export interface TargetsVersion {
  readonly version: string;
  /** In force from this instant until the next version's. */
  readonly effectiveFrom: string;
  readonly targets: Readonly<Partial<Record<KpiName, Target>>>;
}

export interface TargetsPolicy {
  /** Oldest first. */
  readonly versions: readonly TargetsVersion[];
}

/**
 * The documents' standards: satisfaction of 90% or more; first response within 30 minutes and
 * resolution within 24 hours, read here as the 90th percentile and as deadline compliance.
 */
export const DEFAULT_TARGETS_POLICY: TargetsPolicy = {
  versions: [
    {
      version: 'targets-1',
      effectiveFrom: '2000-01-01T00:00:00.000Z',
      targets: {
        satisfactionRate: { min: 0.9 },
        firstResponseMinutesP90: { max: 30 },
        resolutionMinutesP90: { max: 24 * 60 },
        firstResponseDeadlineRate: { min: 0.95 },
        resolutionDeadlineRate: { min: 0.95 },
      },
    },
  ],
};

/** The targets in force at an instant (the oldest version before the first took effect). */
export function targetsAt(policy: TargetsPolicy, instant: string): TargetsVersion {
  const at = Date.parse(instant);
  let found = policy.versions[0]!;
  for (const version of policy.versions) if (Date.parse(version.effectiveFrom) <= at) found = version;
  return found;
}

/** Today's targets: the latest version. */
export const currentTargets = (policy: TargetsPolicy): TargetsVersion => policy.versions[policy.versions.length - 1]!;

export interface KpiPolicy {
  /** IANA time zone of the hours of day and the periods. */
  readonly timeZone: string;
  /** Local hours (0–23) marked as peak hours. */
  readonly peakHours: readonly number[];
  readonly targets: TargetsPolicy;
  /** Today's deadline policy, for `policy=now`. */
  readonly deadlines: DeadlinePolicy;
}

export const DEFAULT_PEAK_HOURS = [9, 10, 14, 15];

export const DEFAULT_KPI_POLICY: KpiPolicy = {
  timeZone: 'Asia/Shanghai',
  peakHours: DEFAULT_PEAK_HOURS,
  targets: DEFAULT_TARGETS_POLICY,
  deadlines: DEFAULT_DEADLINE_POLICY,
};

// ---------------------------------------------------------------------------------------------
// Validation

const targetSchema = z.union([z.strictObject({ min: z.number().min(0) }), z.strictObject({ max: z.number().min(0) })]);

export const targetsPolicySchema = z
  .strictObject({
    versions: z
      .array(
        z.strictObject({
          version: versionLabelSchema.min(1, 'must name the version'),
          effectiveFrom: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 instant' }),
          targets: z.partialRecord(z.enum(KPI_NAMES), targetSchema),
        }),
      )
      .min(1, 'must hold at least one version'),
  })
  .superRefine(({ versions }, context) => {
    versions.forEach((version, index) => {
      if (index > 0 && Date.parse(version.effectiveFrom) <= Date.parse(versions[index - 1]!.effectiveFrom)) {
        context.addIssue({ code: 'custom', path: ['versions', index, 'effectiveFrom'], message: 'must be after the previous version’s' });
      }
      if (versions.findIndex((other) => other.version === version.version) !== index) {
        context.addIssue({ code: 'custom', path: ['versions', index, 'version'], message: `${version.version} is listed twice` });
      }
    });
  });

/** A KPI targets document (the file's, or a change's): ValidationFailed naming each bad field otherwise. */
export const parseTargetsPolicy = (document: unknown): TargetsPolicy => parseOrThrow(targetsPolicySchema, document);

/**
 * What a change of the targets must do besides being a valid policy: keep every version that has
 * taken effect as it was. Figures are judged against the targets in force when they happened
 * ("then"); rewriting a past version would rewrite past judgements. A new year's targets are a new
 * version with the instant they take effect, not earlier than the change; a version not yet in
 * effect may still be changed or removed.
 */
export function targetsChangeProblems(next: TargetsPolicy, current: TargetsPolicy, now: Date): FieldError[] {
  const canonical = (version: TargetsVersion) => canonicalJson({ ...version, effectiveFrom: Date.parse(version.effectiveFrom) });
  const problems: FieldError[] = [];
  for (const version of current.versions) {
    if (Date.parse(version.effectiveFrom) > now.getTime()) continue;
    const index = next.versions.findIndex((candidate) => candidate.version === version.version);
    if (index === -1) {
      problems.push({ field: 'versions', message: `must keep version ${version.version}, in force since ${version.effectiveFrom}: past figures are judged against it` });
    } else if (canonical(next.versions[index]!) !== canonical(version)) {
      problems.push({ field: `versions.${index}`, message: `must stay as it was: version ${version.version} has been in force since ${version.effectiveFrom}, and past figures are judged against it` });
    }
  }
  // A version added now that took effect in the past would change the judgement of figures already made.
  next.versions.forEach((version, index) => {
    const known = current.versions.some((candidate) => candidate.version === version.version);
    if (!known && Date.parse(version.effectiveFrom) < now.getTime()) {
      problems.push({ field: `versions.${index}.effectiveFrom`, message: `must not be in the past: a new version takes effect from now on (it is ${now.toISOString()})` });
    }
  });
  return problems;
}

export const timeZoneSchema = z.string().refine(isKnownTimeZone, 'must be an IANA time zone such as Asia/Shanghai');

/** `09-11,14-16`: hour ranges [start, end) on the 24-hour clock. */
export const peakHoursSchema = z
  .string()
  .regex(/^\d{2}-\d{2}(,\d{2}-\d{2})*$/, 'must be hour ranges such as 09-11,14-16')
  .transform((value, context) => {
    const hours = new Set<number>();
    for (const range of value.split(',')) {
      const [start, end] = range.split('-').map(Number);
      if (start! >= end! || end! > 24) {
        context.addIssue({ code: 'custom', message: `${range}: the end must be after the start and at most 24` });
        return z.NEVER;
      }
      for (let hour = start!; hour < end!; hour++) hours.add(hour);
    }
    return [...hours].sort((a, b) => a - b);
  });
