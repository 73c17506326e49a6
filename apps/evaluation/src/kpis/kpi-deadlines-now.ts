import { createHash } from 'node:crypto';
import { canonicalJson } from '@handoff/contracts';
import { computeDeadlines, deferredByPause, type DeadlinePolicy } from '@handoff/service-time';
import type { DepartmentRound } from '../records/service-record';

/** Deadline verdicts of one ticket under a basis: true met, false missed, null not judged. */
export interface Verdicts {
  readonly firstResponse: boolean | null;
  readonly resolution: boolean | null;
}

/**
 * `policy=now`: every round judged again under today's deadline policy, as of an instant. The
 * same judgement as the stored form below, with an open pause standing still until `asOf`.
 */
export function verdictsNow(rounds: readonly DepartmentRound[], deadlines: DeadlinePolicy, asOf: Date): Verdicts {
  return verdictsAsOf(deadlineVerdictsNow(rounds, deadlines, asOf), asOf);
}

/**
 * A ticket's `policy=now` verdicts in a form that holds for every `asOf`, so PostgreSQL can count
 * them per request instead of each ticket's rounds being judged again in Node.
 *
 * A round with its response judges it once and for all; a round without waits until its deadline
 * passes, then counts as missed. A ticket is missed if any round is, and has no verdict while a
 * round is open and none has missed, so its verdict is: the fixed one (`met`), or missed once the
 * earliest open round's deadline is before `asOf` (`dueAt`) and no verdict until then. Time the
 * department waited on the customer or a third party does not count against it; a round still
 * paused without a result moves its resolution deadline with `asOf` itself, in business minutes:
 * stored without an `asOf`, such a ticket is `judgedOnRequest` (its resolution left to
 * verdictsNow).
 */
export interface DeadlineVerdictsNow {
  readonly firstResponseMet: boolean | null;
  readonly firstResponseDueAt: Date | null;
  readonly resolutionMet: boolean | null;
  readonly resolutionDueAt: Date | null;
  readonly judgedOnRequest: boolean;
}

interface RoundVerdict {
  /** Decided whatever `asOf` is. */
  readonly fixed: boolean | null;
  /** Missed from just after this instant while `fixed` is null. */
  readonly dueAt: Date | null;
}

export function deadlineVerdictsNow(rounds: readonly DepartmentRound[], deadlines: DeadlinePolicy, asOf?: Date): DeadlineVerdictsNow {
  const firstResponse: RoundVerdict[] = [];
  const resolution: RoundVerdict[] = [];
  let judgedOnRequest = false;
  for (const round of rounds) {
    const due = computeDeadlines(deadlines, { type: round.type, priority: round.priority, from: new Date(round.from) });
    firstResponse.push(verdictOf(round.firstResponseAt, due.firstResponseDueAt));
    const standsStillUntil = round.resultAt ?? asOf?.toISOString() ?? null;
    if (standsStillUntil === null && round.pauses.some((pause) => pause.until === null)) {
      judgedOnRequest = true;
      continue;
    }
    const resolutionDueAt = round.pauses.reduce(
      (dueAt, pause) => deferredByPause(deadlines, dueAt, { from: new Date(pause.from), until: new Date(pause.until ?? standsStillUntil!) }),
      due.resolutionDueAt,
    );
    resolution.push(verdictOf(round.resultAt, resolutionDueAt));
  }
  const first = ticketVerdictOf(firstResponse);
  const resolved = judgedOnRequest ? { met: null, dueAt: null } : ticketVerdictOf(resolution);
  return { firstResponseMet: first.met, firstResponseDueAt: first.dueAt, resolutionMet: resolved.met, resolutionDueAt: resolved.dueAt, judgedOnRequest };
}

function verdictOf(doneAt: string | null, dueAt: Date): RoundVerdict {
  return doneAt === null ? { fixed: null, dueAt } : { fixed: Date.parse(doneAt) <= dueAt.getTime(), dueAt: null };
}

function ticketVerdictOf(rounds: readonly RoundVerdict[]): { met: boolean | null; dueAt: Date | null } {
  if (rounds.some((round) => round.fixed === false)) return { met: false, dueAt: null };
  const open = rounds.filter((round) => round.fixed === null).map((round) => round.dueAt!.getTime());
  if (open.length > 0) return { met: null, dueAt: new Date(Math.min(...open)) };
  // No round at all: no verdict.
  return { met: rounds.length > 0 ? true : null, dueAt: null };
}

/** The verdicts as of an instant: what kpi-facts.reader.ts computes in SQL from the stored form. */
export function verdictsAsOf(stored: DeadlineVerdictsNow, asOf: Date): Verdicts {
  const at = (met: boolean | null, dueAt: Date | null) => met ?? (dueAt !== null && dueAt.getTime() < asOf.getTime() ? false : null);
  return { firstResponse: at(stored.firstResponseMet, stored.firstResponseDueAt), resolution: at(stored.resolutionMet, stored.resolutionDueAt) };
}

const keys = new WeakMap<DeadlinePolicy, string>();

/**
 * What the stored verdicts were judged under: the policy's content, not its version label, which
 * a deadline file can keep while its rules change.
 */
export function deadlinePolicyKey(deadlines: DeadlinePolicy): string {
  let key = keys.get(deadlines);
  if (key === undefined) {
    key = createHash('sha256').update(canonicalJson(deadlines)).digest('base64url');
    keys.set(deadlines, key);
  }
  return key;
}
