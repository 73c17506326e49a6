import { ALWAYS_OPEN, DEFAULT_DEADLINE_POLICY, computeDeadlines, deferredByPause, type DeadlinePolicy } from '@handoff/service-time';
import { deskHistory, sealedCustomer } from '@handoff/testing';
import { serviceRecordsFromEvents, type DepartmentRound } from '../records/service-record';
import { deadlineVerdictsNow, deadlinePolicyKey, verdictsAsOf, verdictsNow, type Verdicts } from './kpi-deadlines-now';

// The stored form of `policy=now` against the rounds judged one by one at the instant itself,
// ticket by ticket, at instants before, between and after the rounds' deadlines: the reader
// counts the stored form in SQL, and verdictsNow reads it for the tickets it cannot count.

/** Each round judged at `asOf`, then the ticket as the lifecycle judges it: any round missed → missed; any open → none yet. */
function judgedRoundByRound(rounds: readonly DepartmentRound[], deadlines: DeadlinePolicy, asOf: Date): Verdicts {
  const judge = (doneAt: string | null, dueAt: Date): boolean | null =>
    doneAt !== null ? Date.parse(doneAt) <= dueAt.getTime() : dueAt.getTime() < asOf.getTime() ? false : null;
  const perRound = rounds.map((round) => {
    const due = computeDeadlines(deadlines, { type: round.type, priority: round.priority, from: new Date(round.from) });
    const resolutionDueAt = round.pauses.reduce(
      (dueAt, pause) => deferredByPause(deadlines, dueAt, { from: new Date(pause.from), until: new Date(pause.until ?? round.resultAt ?? asOf.toISOString()) }),
      due.resolutionDueAt,
    );
    return { firstResponse: judge(round.firstResponseAt, due.firstResponseDueAt), resolution: judge(round.resultAt, resolutionDueAt) };
  });
  const allMet = (verdicts: readonly (boolean | null)[]) =>
    verdicts.length === 0 ? null : verdicts.includes(false) ? false : verdicts.includes(null) ? null : true;
  return { firstResponse: allMet(perRound.map((r) => r.firstResponse)), resolution: allMet(perRound.map((r) => r.resolution)) };
}

const records = serviceRecordsFromEvents(
  deskHistory({ seed: 31, tickets: 300, start: '2025-02-20T00:00:00Z', days: 20, customer: sealedCustomer({ name: 'Desk Customer', phone: '+86 139 0000 0000' }) }),
).filter((record) => record.rounds.length > 0);

const CLOCK_POLICY: DeadlinePolicy = {
  version: 'clock-2',
  firstResponseMinutes: { default: 45, byPriority: { urgent: 10 } },
  resolutionMinutes: { default: 600, byType: { complaint: 240 } },
  calendar: ALWAYS_OPEN,
  countIn: 'clock',
};
const STRICT_BUSINESS: DeadlinePolicy = { ...DEFAULT_DEADLINE_POLICY, version: 'strict-3', firstResponseMinutes: { default: 5 }, resolutionMinutes: { default: 90 } };

/** Every instant a verdict can change at, and either side of it, for one ticket. */
function instantsOf(record: (typeof records)[number], deadlines: DeadlinePolicy): Date[] {
  const stored = deadlineVerdictsNow(record.rounds, deadlines);
  const marks = [stored.firstResponseDueAt, stored.resolutionDueAt, ...record.rounds.flatMap((round) => [round.from, round.firstResponseAt, round.resultAt, ...round.pauses.flatMap((pause) => [pause.from, pause.until])])]
    .filter((mark): mark is Date | string => mark !== null)
    .map((mark) => new Date(mark).getTime());
  return [...new Set(marks.flatMap((mark) => [mark - 1, mark, mark + 1])), Date.parse('2030-01-01T00:00:00Z')].map((at) => new Date(at));
}

describe('policy=now verdicts stored per ticket', () => {
  it('has rounds still open, paused and not, to judge', () => {
    expect(records.some((record) => record.rounds.some((round) => round.resultAt === null && round.pauses.some((pause) => pause.until === null)))).toBe(true);
    expect(records.some((record) => record.rounds.some((round) => round.resultAt === null && round.pauses.every((pause) => pause.until !== null)))).toBe(true);
  });

  for (const deadlines of [DEFAULT_DEADLINE_POLICY, CLOCK_POLICY, STRICT_BUSINESS]) {
    it(`equal the rounds judged one by one at every instant that matters, under ${deadlines.version}`, () => {
      let compared = 0;
      let open = 0;
      for (const record of records) {
        const stored = deadlineVerdictsNow(record.rounds, deadlines);
        if (stored.firstResponseDueAt !== null || stored.resolutionDueAt !== null) open += 1;
        for (const asOf of instantsOf(record, deadlines)) {
          const expected = judgedRoundByRound(record.rounds, deadlines, asOf);
          expect({ ticket: record.ticketId, asOf, verdicts: verdictsNow(record.rounds, deadlines, asOf) }).toEqual({ ticket: record.ticketId, asOf, verdicts: expected });
          if (stored.judgedOnRequest) {
            // Only the resolution verdict is left to the request; the first response is stored all the same.
            expect({ ticket: record.ticketId, asOf, firstResponse: verdictsAsOf(stored, asOf).firstResponse }).toEqual({ ticket: record.ticketId, asOf, firstResponse: expected.firstResponse });
          } else {
            expect({ ticket: record.ticketId, asOf, verdicts: verdictsAsOf(stored, asOf) }).toEqual({ ticket: record.ticketId, asOf, verdicts: expected });
          }
          compared += 1;
        }
      }
      expect(open).toBeGreaterThan(10);
      expect(compared).toBeGreaterThan(3000);
    });
  }

  it('keys a policy by what it says, not by its label', () => {
    expect(deadlinePolicyKey(DEFAULT_DEADLINE_POLICY)).toBe(deadlinePolicyKey(JSON.parse(JSON.stringify(DEFAULT_DEADLINE_POLICY)) as DeadlinePolicy));
    expect(deadlinePolicyKey({ ...DEFAULT_DEADLINE_POLICY, firstResponseMinutes: { default: 31 } })).not.toBe(deadlinePolicyKey(DEFAULT_DEADLINE_POLICY));
  });
});
