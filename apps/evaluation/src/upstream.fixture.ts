import { TOPICS, followupStreamId, intakeStreamId, routingStreamId } from '@handoff/contracts';

/**
 * What evaluation's int-specs share to write the histories of the services upstream of it
 * (test fixture): the three services, their topics and ticket streams, and times counted in
 * minutes from the start of a test's script.
 */
export type UpstreamService = 'intake' | 'routing' | 'followup';

export const TOPIC_OF: Record<UpstreamService, string> = { intake: TOPICS.intakeEvents, routing: TOPICS.routingEvents, followup: TOPICS.followupEvents };
export const STREAM_OF: Record<UpstreamService, (ticketId: string) => string> = { intake: intakeStreamId, routing: routingStreamId, followup: followupStreamId };

/** `iso(minutes)` after `start`, and the deadlines routing records for a ticket routed then (policy `test-v1`). */
export function minutesFrom(start: string) {
  const t0 = Date.parse(start);
  const iso = (minutes: number): string => new Date(t0 + minutes * 60_000).toISOString();
  const deadlines = (from: number) => ({ from: iso(from), firstResponseDueAt: iso(from + 30), resolutionDueAt: iso(from + 1440), policyVersion: 'test-v1' });
  return { iso, deadlines };
}
