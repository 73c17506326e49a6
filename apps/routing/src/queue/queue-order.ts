import { z } from 'zod';
import { PRIORITIES, type Priority } from '@handoff/contracts';

/**
 * How a department's queue is ordered: by urgency, priority and deadline together.
 *
 * - `deadline_with_priority_lead` (the default): each ticket is placed at its next running
 *   deadline minus a head start for its priority. With the default head starts (urgent 8 h,
 *   high 4 h, normal 1 h, low none) a high-priority complaint due in 3 h (placed at −1 h)
 *   sits above a low-priority suggestion due in 1 h (placed at +1 h), while a low ticket
 *   already overdue by hours still climbs above a high one due tomorrow.
 * - `priority_then_deadline`: every urgent ticket first, then high, normal, low; within a
 *   priority the earliest deadline first. Simple to explain, but a low ticket can starve.
 *
 * Tickets whose clocks are not running (result reported, with management, closed) come after
 * all running ones, and ties are broken by ticket id so every ticket has one place.
 * The placement never depends on "now", so a page boundary stays put while someone pages.
 */
export const QUEUE_ORDER_MODES = ['deadline_with_priority_lead', 'priority_then_deadline'] as const;
export type QueueOrderMode = (typeof QUEUE_ORDER_MODES)[number];

export interface QueueOrderPolicy {
  readonly mode: QueueOrderMode;
  /** Minutes a priority is moved ahead of its deadline (`deadline_with_priority_lead` only). */
  readonly leadMinutes: Readonly<Record<Priority, number>>;
}

export const DEFAULT_QUEUE_ORDER: QueueOrderPolicy = {
  mode: 'deadline_with_priority_lead',
  leadMinutes: { urgent: 8 * 60, high: 4 * 60, normal: 60, low: 0 },
};

const leadSchema = z
  .number()
  .int('must be a whole number of minutes')
  .min(0, 'must be 0 or more minutes')
  .max(30 * 24 * 60, 'must be at most 43200 minutes (30 days)');

export const queueOrderSchema = z.strictObject({
  mode: z.enum(QUEUE_ORDER_MODES),
  leadMinutes: z.strictObject({ urgent: leadSchema, high: leadSchema, normal: leadSchema, low: leadSchema }).default(DEFAULT_QUEUE_ORDER.leadMinutes),
});

/** The place of a priority under a policy: a rank (lower first) and a head start in minutes. */
export interface PriorityPlace {
  readonly rank: number;
  readonly leadMinutes: number;
}

export function placeOf(policy: QueueOrderPolicy, priority: string): PriorityPlace {
  const known = (PRIORITIES as readonly string[]).includes(priority) ? (priority as Priority) : 'normal';
  return policy.mode === 'priority_then_deadline'
    ? { rank: PRIORITIES.length - 1 - PRIORITIES.indexOf(known), leadMinutes: 0 }
    : { rank: 0, leadMinutes: policy.leadMinutes[known] };
}

/**
 * A ticket's sort key: rank, then urgency (epoch ms; null when no clock runs, which sorts after
 * every instant), then ticket id.
 */
export type UrgencyKey = readonly [rank: number, urgencyAt: number | null, ticketId: string];

export function urgencyKeyOf(policy: QueueOrderPolicy, ticket: { priority: string; nextDueAt: Date | null; ticketId: string }): UrgencyKey {
  const place = placeOf(policy, ticket.priority);
  return [place.rank, ticket.nextDueAt === null ? null : ticket.nextDueAt.getTime() - place.leadMinutes * 60_000, ticket.ticketId];
}

/** The order of the queue, for sorting in memory what the reader orders in SQL. */
export function compareUrgency(left: UrgencyKey, right: UrgencyKey): number {
  if (left[0] !== right[0]) return left[0] - right[0];
  if (left[1] !== right[1]) {
    if (left[1] === null) return 1;
    if (right[1] === null) return -1;
    return left[1] - right[1];
  }
  return left[2] < right[2] ? -1 : left[2] > right[2] ? 1 : 0;
}

/** In words, for the API and the README. */
export function describeQueueOrder(policy: QueueOrderPolicy): string {
  if (policy.mode === 'priority_then_deadline') return 'priority first (urgent, high, normal, low), then the earliest running deadline';
  const { urgent, high, normal, low } = policy.leadMinutes;
  return `the next running deadline moved ahead by the priority's head start (urgent ${urgent} min, high ${high} min, normal ${normal} min, low ${low} min)`;
}
