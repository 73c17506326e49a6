import { z } from 'zod';
import {
  ALWAYS_OPEN,
  DEFAULT_CALENDAR,
  addBusinessMinutes,
  businessMinutesBetween,
  businessCalendarSchema,
  type BusinessCalendar,
} from './business-calendar';
import { MINUTE_MS } from './time-zone';
import type { FieldError } from '@handoff/contracts';
import { parseOrFail } from './validation';

// These belong to the ticket contract; they move to @handoff/contracts when intake defines it.
export const TICKET_TYPES = ['consultation', 'complaint', 'suggestion', 'feedback', 'information'] as const;
export type TicketType = (typeof TICKET_TYPES)[number];
export const TICKET_PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export type TicketPriority = (typeof TICKET_PRIORITIES)[number];

/**
 * Minutes allowed for one deadline. Resolution order:
 * 1. `byTypeAndPriority[type][priority]`, the explicit override;
 * 2. otherwise the shorter of `byType[type]` and `byPriority[priority]`: each is a promise
 *    ("complaints within 12 hours", "urgent within 4 hours") and a ticket they both cover
 *    must keep both, so an urgent complaint is never slower than either alone;
 * 3. otherwise `default`.
 * A `byType` or `byPriority` rule may be longer than the default (suggestions within a week).
 */
export interface DeadlineRule {
  readonly default: number;
  readonly byType?: Readonly<Partial<Record<TicketType, number>>>;
  readonly byPriority?: Readonly<Partial<Record<TicketPriority, number>>>;
  readonly byTypeAndPriority?: Readonly<Partial<Record<TicketType, Readonly<Partial<Record<TicketPriority, number>>>>>>;
}

export interface DeadlinePolicy {
  /** Recorded with every deadline computed, so a replay knows which rules applied. */
  readonly version: string;
  readonly firstResponseMinutes: DeadlineRule;
  readonly resolutionMinutes: DeadlineRule;
  /** Used when `countIn` is 'business'. */
  readonly calendar: BusinessCalendar;
  /** 'business': minutes inside the calendar's opening hours; 'clock': elapsed time. */
  readonly countIn: 'business' | 'clock';
}

/**
 * The service standard: first response within 30 minutes, resolution within 24 hours, both
 * counted in business minutes of DEFAULT_CALENDAR. Counting in business time is deliberate: a
 * 30-minute clock deadline on a contact left on Friday evening expires with nobody on duty,
 * so deadline compliance would measure the calendar rather than the team, and the standard
 * says business hours and holidays matter. The price: 24 business hours are three working
 * days of the default 8-hour calendar. An organisation that staffs around the clock sets
 * `countIn: 'clock'`; one that means "by the next working day" sets resolution to 480.
 */
export const DEFAULT_DEADLINE_POLICY: DeadlinePolicy = {
  version: 'default-1',
  firstResponseMinutes: { default: 30 },
  resolutionMinutes: { default: 24 * 60 },
  calendar: DEFAULT_CALENDAR,
  countIn: 'business',
};

export function minutesFor(rule: DeadlineRule, type: TicketType, priority: TicketPriority): number {
  const exact = rule.byTypeAndPriority?.[type]?.[priority];
  if (exact !== undefined) return exact;
  const promises = [rule.byType?.[type], rule.byPriority?.[priority]].filter(
    (minutes): minutes is number => minutes !== undefined,
  );
  return promises.length > 0 ? Math.min(...promises) : rule.default;
}

export interface DeadlineRequest {
  readonly type: TicketType;
  readonly priority: TicketPriority;
  /** When the clock starts: the contact's arrival as recorded on the ticket. */
  readonly from: Date;
}

export interface Deadlines {
  readonly firstResponseDueAt: Date;
  readonly resolutionDueAt: Date;
  readonly policyVersion: string;
  readonly countIn: 'business' | 'clock';
}

export function computeDeadlines(policy: DeadlinePolicy, { type, priority, from }: DeadlineRequest): Deadlines {
  if (!Number.isFinite(from.getTime())) throw new RangeError('from is an invalid date');
  const dueAfter = (minutes: number): Date =>
    policy.countIn === 'business'
      ? addBusinessMinutes(from, minutes, policy.calendar)
      : new Date(from.getTime() + minutes * MINUTE_MS);
  return {
    firstResponseDueAt: dueAfter(minutesFor(policy.firstResponseMinutes, type, priority)),
    resolutionDueAt: dueAfter(minutesFor(policy.resolutionMinutes, type, priority)),
    policyVersion: policy.version,
    countIn: policy.countIn,
  };
}

// ---------------------------------------------------------------------------------------------
// Validation

/** A deadline longer than a year is a typo, not a service standard. */
const MAX_MINUTES = 366 * 24 * 60;

const minutesSchema = z
  .number()
  .int('must be a whole number of minutes')
  .min(1, 'must be at least 1 minute')
  .max(MAX_MINUTES, `must be at most ${MAX_MINUTES} minutes (366 days)`);

/** A version label is recorded with every deadline and shown in reports: one short line of text. */
export const versionLabelSchema = z
  .string()
  .trim()
  .max(64, 'must be at most 64 characters')
  .regex(/^[^\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]*$/, 'must not contain control characters or line breaks');

const byPrioritySchema = z.partialRecord(z.enum(TICKET_PRIORITIES), minutesSchema);

const ruleSchema = z.strictObject({
  default: minutesSchema,
  byType: z.partialRecord(z.enum(TICKET_TYPES), minutesSchema).optional(),
  byPriority: byPrioritySchema.optional(),
  byTypeAndPriority: z.partialRecord(z.enum(TICKET_TYPES), byPrioritySchema).optional(),
});

export const deadlinePolicySchema = z
  .strictObject({
    version: versionLabelSchema.min(1, 'must name the policy version'),
    firstResponseMinutes: ruleSchema,
    resolutionMinutes: ruleSchema,
    calendar: businessCalendarSchema.optional(),
    countIn: z.enum(['business', 'clock']),
  })
  .superRefine((policy, context) => {
    if (policy.countIn === 'business' && policy.calendar === undefined) {
      context.addIssue({ code: 'custom', path: ['calendar'], message: "is required when countIn is 'business'" });
    }
    // Rules with bad minutes are already reported; comparing them would only add noise.
    if (!ruleSchema.safeParse(policy.firstResponseMinutes).success || !ruleSchema.safeParse(policy.resolutionMinutes).success) return;
    const inverted = TICKET_TYPES.flatMap((type) =>
      TICKET_PRIORITIES.filter(
        (priority) =>
          minutesFor(policy.resolutionMinutes, type, priority) < minutesFor(policy.firstResponseMinutes, type, priority),
      ).map((priority) => `${type}/${priority}`),
    );
    if (inverted.length > 0) {
      context.addIssue({
        code: 'custom',
        path: ['resolutionMinutes'],
        message: `is shorter than firstResponseMinutes for ${inverted.join(', ')}`,
      });
    }
  })
  .transform(({ calendar, ...policy }): DeadlinePolicy => ({ ...policy, calendar: calendar ?? ALWAYS_OPEN }));

/**
 * Validates a deadline policy from configuration. `calendar` may be left out only when
 * counting clock time. Throws `ValidationFailed` naming each bad field
 * (`resolutionMinutes.byType.complaint`, `calendar.workingHours.mon[0].end`).
 */
export function parseDeadlinePolicy(input: unknown): DeadlinePolicy {
  return parseOrFail(deadlinePolicySchema, input, 'deadline policy');
}

/**
 * What a change of the deadline policy must do besides being a valid policy: name a new version.
 * Every deadline records the version it was computed under (`policyVersion`), so two different
 * policies under one name would make a replay unable to tell which rules applied.
 */
export function deadlinePolicyChangeProblems(next: DeadlinePolicy, current: DeadlinePolicy): FieldError[] {
  return newVersionLabelProblems(next, current, 'every deadline records the version it was computed under');
}

/** A changed policy whose decisions record its `version` (deadlines, samples, inspections) names a new one. */
export function newVersionLabelProblems(next: { readonly version: string }, current: { readonly version: string }, because: string): FieldError[] {
  return next.version === current.version ? [{ field: 'version', message: `must differ from the version in force (${current.version}): ${because}` }] : [];
}

// ---------------------------------------------------------------------------------------------
// Paused clocks

/**
 * A deadline moved later by a pause: by the business minutes paused when the deadlines count
 * business hours (a pause over a night or a weekend costs the department nothing it had), by the
 * elapsed time otherwise. `countIn` is the deadline's own; absent, the policy's.
 */
export function deferredByPause(
  policy: Pick<DeadlinePolicy, 'calendar' | 'countIn'>,
  dueAt: Date,
  paused: { readonly from: Date; readonly until: Date },
  countIn: 'business' | 'clock' = policy.countIn,
): Date {
  if (paused.until.getTime() <= paused.from.getTime()) return dueAt;
  if (countIn === 'clock') return new Date(dueAt.getTime() + paused.until.getTime() - paused.from.getTime());
  const minutes = businessMinutesBetween(paused.from, paused.until, policy.calendar);
  // Zero business minutes (a pause overnight) leaves the deadline where it was, even at a closing time.
  return minutes > 0 ? addBusinessMinutes(dueAt, minutes, policy.calendar) : dueAt;
}
