import { In, type EntityManager } from 'typeorm';
import { parseDeadlinePolicy, type DeadlinePolicy } from '@handoff/service-time';
import { deadlinePolicyKey } from './kpi-deadlines-now';
import { verdictColumnsOf, type DeadlinesInForce } from './kpi-facts';
import { TIMELINE_TICKET_LOCK_CLASS } from '../timeline-writers';
import { DAILY_FACT_COLUMNS } from './kpi-daily';
import { writeDailyChanges } from './kpi-daily.writer';
import { KpiTicketFacts } from './kpi-facts.entities';

/** What a statement selects of kpi_deadline_policy for deadlinesOf, under these names. */
export const DEADLINE_POLICY_COLUMNS = 'kpi_deadline_policy.key, kpi_deadline_policy.document';

export interface DeadlinePolicyRow {
  readonly key: string | null;
  readonly document: unknown;
}

let read: { readonly key: string; readonly deadlines: DeadlinesInForce | undefined } | undefined;

/**
 * The deadline policy the facts are judged under as they are written (kpi_deadline_policy), or
 * undefined: none put there yet, or a document this build reads as another policy than the one
 * its key names (the facts are then left for a build that reads it, and reports judge their rounds).
 */
export async function deadlinesForFacts(manager: EntityManager): Promise<DeadlinesInForce | undefined> {
  const [row] = (await manager.query(`SELECT ${DEADLINE_POLICY_COLUMNS} FROM kpi_deadline_policy`)) as DeadlinePolicyRow[];
  return deadlinesOf(row);
}

/** The policy of a kpi_deadline_policy row read by another statement (the row's columns null, or no row, when none is there). */
export function deadlinesOf(row: DeadlinePolicyRow | undefined): DeadlinesInForce | undefined {
  if (!row || row.key === null) return undefined;
  if (read?.key !== row.key) {
    let deadlines: DeadlinesInForce | undefined;
    try {
      const policy = parseDeadlinePolicy(row.document);
      deadlines = deadlinePolicyKey(policy) === row.key ? { key: row.key, policy } : undefined;
    } catch {
      deadlines = undefined;
    }
    read = { key: row.key, deadlines };
  }
  return read.deadlines;
}

/**
 * Puts the policy in force in an instance (`bookVersion` its version in the policies table, 0 for
 * the file) as the one facts are judged under, unless a newer version is there already: two
 * instances, one of which has not read a change yet, do not take turns.
 */
export async function putDeadlinePolicy(manager: EntityManager, policy: DeadlinePolicy, bookVersion: number): Promise<void> {
  await manager.query(
    `INSERT INTO kpi_deadline_policy AS t (one, book_version, key, document) VALUES (true, $1, $2, $3::jsonb)
     ON CONFLICT (one) DO UPDATE SET book_version = EXCLUDED.book_version, key = EXCLUDED.key, document = EXCLUDED.document
      WHERE t.book_version < EXCLUDED.book_version OR (t.book_version = EXCLUDED.book_version AND t.key <> EXCLUDED.key)`,
    [bookVersion, deadlinePolicyKey(policy), JSON.stringify(policy)],
  );
}

/** Where a walk through the stale tickets is, in the order they were opened. */
export interface JudgedUpTo {
  readonly openedAt: string;
  readonly ticketId: string;
}

/** What judgeStaleFacts did: tickets judged, tickets looked at (held ones passed over included), and the last of those. */
export interface StaleJudged {
  readonly judged: number;
  readonly seen: number;
  readonly upTo: JudgedUpTo | undefined;
}

/**
 * Judges again, under `deadlines`, up to `limit` tickets whose `policy=now` verdicts were judged
 * under another policy or not at all, and moves the day rows of those verdicts with them
 * (kpi_daily_now_verdicts). Tickets without rounds too, which have no verdict to store, so that
 * none is left for the next call to look at again. Tickets another transaction holds (the
 * timeline writing them, another instance judging them) are passed over: whoever holds them
 * writes them, and a later call finds any still left. The timeline's lock of each ticket is held
 * from before its facts are read, as the timeline holds it, so the day rows move from the facts
 * as they are. Run in a transaction of its own.
 *
 * Tickets are taken in the order they were opened, after `after`: a walk through all of them
 * (after a rebuild) moves each day's rows in one or two calls, where tickets taken as they lie
 * moved every day's rows in every call.
 */
export async function judgeStaleFacts(manager: EntityManager, deadlines: DeadlinesInForce, limit: number, after?: JudgedUpTo): Promise<StaleJudged> {
  const stale = (await manager.query(
    `WITH stale AS MATERIALIZED (
       SELECT ticket_id, opened_at FROM kpi_ticket_facts
        WHERE (now_policy IS NULL OR now_policy < $1 OR now_policy > $1)
          AND ($4::timestamptz IS NULL OR (opened_at, ticket_id) > ($4::timestamptz, $5::text))
        ORDER BY opened_at, ticket_id
        LIMIT $2 FOR UPDATE SKIP LOCKED
     )
     SELECT ticket_id, to_json(opened_at) #>> '{}' AS opened_at, pg_try_advisory_xact_lock($3, hashtext(ticket_id)) AS held FROM stale ORDER BY opened_at, ticket_id`,
    [deadlines.key, limit, TIMELINE_TICKET_LOCK_CLASS, after?.openedAt ?? null, after?.ticketId ?? null],
  )) as { ticket_id: string; opened_at: string; held: boolean }[];
  const last = stale[stale.length - 1];
  const upTo = last && { openedAt: last.opened_at, ticketId: last.ticket_id };
  const held = stale.filter((row) => row.held);
  if (held.length === 0) return { judged: 0, seen: stale.length, upTo };
  const previous = await manager.getRepository(KpiTicketFacts).find({
    where: { ticketId: In(held.map((row) => row.ticket_id)) },
    select: [...DAILY_FACT_COLUMNS, 'rounds'],
  });
  const next = previous.map((facts) => ({ ...facts, ...verdictColumnsOf(facts.rounds, deadlines) }));
  await manager.query(
    `UPDATE kpi_ticket_facts f
        SET now_policy = c.now_policy, now_first_response_met = c.now_first_response_met, now_first_response_due_at = c.now_first_response_due_at,
            now_resolution_met = c.now_resolution_met, now_resolution_due_at = c.now_resolution_due_at, now_judged_on_request = c.now_judged_on_request
       FROM jsonb_to_recordset($1::jsonb) AS c(ticket_id text, now_policy text, now_first_response_met boolean, now_first_response_due_at timestamptz,
                                              now_resolution_met boolean, now_resolution_due_at timestamptz, now_judged_on_request boolean)
      WHERE f.ticket_id = c.ticket_id`,
    [
      JSON.stringify(
        next.map((facts) => ({
          ticket_id: facts.ticketId,
          now_policy: facts.nowPolicy,
          now_first_response_met: facts.nowFirstResponseMet,
          now_first_response_due_at: facts.nowFirstResponseDueAt?.toISOString() ?? null,
          now_resolution_met: facts.nowResolutionMet,
          now_resolution_due_at: facts.nowResolutionDueAt?.toISOString() ?? null,
          now_judged_on_request: facts.nowJudgedOnRequest,
        })),
      ),
    ],
  );
  await writeDailyChanges(manager, previous, next, 'policy=now verdicts');
  return { judged: next.length, seen: stale.length, upTo };
}
