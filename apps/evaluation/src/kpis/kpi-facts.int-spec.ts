import 'reflect-metadata';
import type { DataSource } from 'typeorm';
import { GROUP_BYS, POLICY_BASES, seededRandom, type RecordedEvent } from '@handoff/contracts';
import { openReadModelDatabase } from '@handoff/read-models';
import { ALWAYS_OPEN, DEFAULT_DEADLINE_POLICY, GRANULARITIES, type DeadlinePolicy, type Granularity } from '@handoff/service-time';
import { createTestDatabase, deskHistory, sealedCustomer, type TestDatabase } from '@handoff/testing';
import { EVALUATION_DATABASE } from '../read-models';
import { timelineProjection } from '../timeline/timeline.projection';
import { TIMELINE_TICKET_LOCK_CLASS } from '../timeline-writers';
import { kpiReportFromFacts } from './kpi-facts.reader';
import { DAILY_NOW_DUE_FROM_FACTS, DAILY_NOW_VERDICTS_FROM_FACTS, DAILY_TALLIES_FROM_FACTS, DAILY_VERSIONS_FROM_FACTS } from './kpi-facts.migrations';
import { deadlinePolicyKey } from './kpi-deadlines-now';
import { deadlinesForFacts, judgeStaleFacts, putDeadlinePolicy, type JudgedUpTo } from './kpi-verdicts.writer';
import type { KpiPolicy } from './kpi-policy';
import { serviceRecordsFromEvents } from '../records/service-record';
import { kpiReport, type KpiQuery } from './kpis';
import { FIXED_IDS, recordedMarchHistory } from './march.fixture';

/**
 * The KPI aggregate against the recomputation from the events alone: a generated desk of 400
 * tickets over six weeks (every path a ticket takes: first contact, reopenings in the same and
 * another department, pauses still running and ended, breaches, escalations, transfers, new
 * priorities, management taking over, unreachable customers, open tickets) plus the hand-computed
 * March, delivered to the live timeline projection in a shuffled order with redeliveries, then
 * every report asked of both: each grouping with and without periods, both policies, whole and
 * odd windows, a department's scope, in a time zone without and one with a daylight-saving change,
 * and one half an hour off UTC (whose UTC days the reports cannot take from the day tallies). The
 * day tallies, kept as the events came, against the same tallies computed afresh from the facts.
 */

const TARGETS = {
  versions: [
    { version: 'targets-a', effectiveFrom: '2000-01-01T00:00:00Z', targets: { satisfactionRate: { min: 0.9 }, firstResponseMinutesP90: { max: 30 } } },
    { version: 'targets-b', effectiveFrom: '2025-03-10T00:00:00+08:00', targets: { satisfactionRate: { min: 0.6 }, resolutionDeadlineRate: { min: 0.8 } } },
  ],
};
const policyIn = (timeZone: string, deadlines: DeadlinePolicy = DEFAULT_DEADLINE_POLICY): KpiPolicy => ({ timeZone, peakHours: [9, 10, 14, 15], targets: TARGETS, deadlines });
/** A change of the deadline policy: clock time, other minutes per type and priority. */
const CHANGED_DEADLINES: DeadlinePolicy = {
  version: 'clock-2',
  firstResponseMinutes: { default: 45, byPriority: { urgent: 10 } },
  resolutionMinutes: { default: 600, byType: { complaint: 240 } },
  calendar: ALWAYS_OPEN,
  countIn: 'clock',
};
/** Before the last tickets' deadlines, so `policy=now` leaves some rounds without a verdict yet. */
const AS_OF = new Date('2025-03-30T06:00:00Z');

describe('KPI aggregate: equal to the recomputation from the events', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  const events: RecordedEvent[] = [
    ...deskHistory({ seed: 18, tickets: 400, start: '2025-02-20T00:00:00Z', days: 42, customer: sealedCustomer({ name: 'Desk Customer', phone: '+86 139 0000 0000' }) }),
    ...recordedMarchHistory(FIXED_IDS),
  ];

  // The recomputation from the events alone (kpiReportFromEvents), its records folded once for every query.
  const records = serviceRecordsFromEvents(events);

  beforeAll(async () => {
    database = await createTestDatabase('kpi_facts');
    dataSource = await openReadModelDatabase(database.url, EVALUATION_DATABASE, { migrate: true });
    // Any order across tickets and services, some events twice: the facts follow the whole timeline.
    const random = seededRandom(7);
    const delivery = [...events, ...events.filter(() => random() < 0.05)];
    for (let index = delivery.length - 1; index > 0; index -= 1) {
      const other = Math.floor(random() * (index + 1));
      [delivery[index], delivery[other]] = [delivery[other]!, delivery[index]!];
    }
    const projection = timelineProjection();
    for (let start = 0; start < delivery.length; start += 250) {
      // The policy in force put halfway: the tickets written before are left unjudged, as after the migration.
      if (start === 250 * Math.floor(delivery.length / 500)) await putDeadlinePolicy(dataSource.manager, DEFAULT_DEADLINE_POLICY, 0);
      await dataSource.transaction((manager) => projection.handle(delivery.slice(start, start + 250), manager));
    }
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  it('has a desk with every path in it', () => {
    const types = new Set(events.map((event) => event.type));
    for (const type of ['TicketReopened', 'ResolutionClockPaused', 'ResolutionClockResumed', 'TicketEscalated', 'TransferAccepted', 'PriorityChanged', 'TicketTakenOver', 'TicketHandedToManagement', 'ContactAttemptFailed', 'DeadlineBreached', 'AnsweredAtFirstContact']) {
      expect(types).toContain(type);
    }
  });

  const windows: Pick<KpiQuery, 'from' | 'to'>[] = [
    {},
    { from: '2025-03-01T00:00:00+08:00', to: '2025-04-01T00:00:00+08:00' },
    // Instants inside a day and an hour.
    { from: '2025-02-24T13:17:05.250Z', to: '2025-03-19T02:45:00Z' },
  ];
  const groupings: Pick<KpiQuery, 'groupBy' | 'period'>[] = [
    {},
    ...GRANULARITIES.map((period: Granularity) => ({ period })),
    ...GROUP_BYS.map((groupBy) => ({ groupBy })),
    ...GROUP_BYS.filter((groupBy) => groupBy !== 'period').map((groupBy) => ({ groupBy, period: 'week' as const })),
    { groupBy: 'period' as const, period: 'day' as const },
  ];

  for (const timeZone of ['Asia/Shanghai', 'America/New_York', 'Asia/Kolkata']) {
    for (const policy of POLICY_BASES) {
      it(`${timeZone}, policy=${policy}: every grouping, window and department scope gives the same report`, async () => {
        let compared = 0;
        for (const window of windows) {
          for (const grouping of groupings) {
            for (const department of [undefined, 'billing']) {
              const query: KpiQuery = { ...window, ...grouping, policy, ...(department ? { department } : {}) };
              const expected = kpiReport(records, query, policyIn(timeZone), AS_OF);
              const actual = await dataSource.transaction('REPEATABLE READ', (manager) => kpiReportFromFacts(manager, query, policyIn(timeZone), AS_OF));
              expect({ query, report: actual }).toEqual({ query, report: expected });
              compared += 1;
            }
          }
        }
        expect(compared).toBe(windows.length * groupings.length * 2);
      });
    }
  }

  /** How many tickets with rounds hold verdicts judged under `deadlines`, and how many do not. */
  const judgedUnder = async (deadlines: DeadlinePolicy) => {
    const [row] = (await dataSource.query(
      `SELECT count(*) FILTER (WHERE now_policy = $1)::int AS judged, count(*) FILTER (WHERE now_policy IS DISTINCT FROM $1)::int AS other
         FROM kpi_ticket_facts WHERE cardinality(policy_versions) > 0`,
      [deadlinePolicyKey(deadlines)],
    )) as { judged: number; other: number }[];
    return row!;
  };

  /** Every grouping, window and department scope under policy=now and `deadlines`, as of each instant, against the recomputation. */
  const compareNow = async (deadlines: DeadlinePolicy, instants: readonly Date[]) => {
    let compared = 0;
    for (const asOf of instants) {
      for (const window of windows) {
        for (const grouping of groupings) {
          for (const department of [undefined, 'billing']) {
            const query: KpiQuery = { ...window, ...grouping, policy: 'now', ...(department ? { department } : {}) };
            const expected = kpiReport(records, query, policyIn('Asia/Shanghai', deadlines), asOf);
            const actual = await dataSource.transaction('REPEATABLE READ', (manager) => kpiReportFromFacts(manager, query, policyIn('Asia/Shanghai', deadlines), asOf));
            expect({ asOf, query, report: actual }).toEqual({ asOf, query, report: expected });
            compared += 1;
          }
        }
      }
    }
    return compared;
  };

  /** Either side of stored deadlines still open (so verdicts turn from none to missed between them), and long after. */
  const instantsAround = async (deadlines: DeadlinePolicy): Promise<Date[]> => {
    const rows = (await dataSource.query(
      `SELECT DISTINCT at FROM (SELECT now_first_response_due_at AS at FROM kpi_ticket_facts WHERE now_policy = $1 UNION ALL
                                SELECT now_resolution_due_at FROM kpi_ticket_facts WHERE now_policy = $1) AS due
        WHERE at IS NOT NULL ORDER BY at`,
      [deadlinePolicyKey(deadlines)],
    )) as { at: Date }[];
    expect(rows.length).toBeGreaterThan(3);
    const middle = rows[Math.floor(rows.length / 2)]!.at.getTime();
    return [new Date(rows[0]!.at.getTime() - 1), new Date(middle), new Date(middle + 1), new Date(rows[rows.length - 1]!.at.getTime() + 1), new Date('2031-01-01T00:00:00Z')];
  };

  it('policy=now right after a change of the deadline policy, while the stored verdicts catch up, and after', async () => {
    // Judged under the policy before: the reports under the new one judge every ticket's rounds themselves.
    await putDeadlinePolicy(dataSource.manager, DEFAULT_DEADLINE_POLICY, 0);
    while ((await dataSource.transaction(async (manager) => judgeStaleFacts(manager, (await deadlinesForFacts(manager))!, 100))).judged > 0);
    expect(await judgedUnder(DEFAULT_DEADLINE_POLICY)).toEqual({ judged: expect.any(Number), other: 0 });
    expect(await compareNow(CHANGED_DEADLINES, [AS_OF])).toBeGreaterThan(0);

    // The change put where the projection reads it, and some tickets' events delivered again: those are judged as they are written.
    await putDeadlinePolicy(dataSource.manager, CHANGED_DEADLINES, 1);
    // An instance that has not read the change yet does not put the old one back.
    await putDeadlinePolicy(dataSource.manager, DEFAULT_DEADLINE_POLICY, 0);
    const projection = timelineProjection();
    await dataSource.transaction((manager) => projection.handle(events.slice(0, 400), manager));
    const partly = await judgedUnder(CHANGED_DEADLINES);
    expect(partly.judged).toBeGreaterThan(0);
    expect(partly.other).toBeGreaterThan(0);
    expect(await compareNow(CHANGED_DEADLINES, [AS_OF])).toBeGreaterThan(0);

    // The refresher's work: every ticket judged under the new policy, a chunk at a time.
    while ((await dataSource.transaction(async (manager) => judgeStaleFacts(manager, (await deadlinesForFacts(manager))!, 100))).judged > 0);
    expect(await judgedUnder(CHANGED_DEADLINES)).toEqual({ judged: partly.judged + partly.other, other: 0 });
    expect(await compareNow(CHANGED_DEADLINES, await instantsAround(CHANGED_DEADLINES))).toBe(5 * windows.length * groupings.length * 2);
    // A report under another policy than the stored one (an instance behind) still judges it as it is.
    expect(await compareNow(DEFAULT_DEADLINE_POLICY, [AS_OF])).toBeGreaterThan(0);

    // Back to the policy of the other tests, judged and stored again.
    await putDeadlinePolicy(dataSource.manager, DEFAULT_DEADLINE_POLICY, 2);
    while ((await dataSource.transaction(async (manager) => judgeStaleFacts(manager, (await deadlinesForFacts(manager))!, 100))).judged > 0);
    expect(await judgedUnder(DEFAULT_DEADLINE_POLICY)).toEqual({ judged: partly.judged + partly.other, other: 0 });
    expect(await compareNow(DEFAULT_DEADLINE_POLICY, await instantsAround(DEFAULT_DEADLINE_POLICY))).toBe(5 * windows.length * groupings.length * 2);
  });

  /** The day tallies as kept, and as computed afresh from the facts (in a transaction rolled back). */
  const talliesKeptAndAfresh = async () => {
    const TABLES = `SELECT (SELECT json_agg(t ORDER BY dimension, day, value) FROM kpi_daily_tallies t) AS tallies,
                           (SELECT json_agg(n ORDER BY policy, dimension, day, value) FROM kpi_daily_now_verdicts n) AS now,
                           (SELECT json_agg(d ORDER BY policy, dimension, day, value, deadline, due_at) FROM kpi_daily_now_due d) AS due,
                           (SELECT json_agg(v ORDER BY day, version) FROM kpi_daily_policy_versions v) AS versions`;
    type Tables = { tallies: unknown[]; now: unknown[]; due: unknown[] | null; versions: unknown[] };
    const [kept] = (await dataSource.query(TABLES)) as Tables[];
    const afresh = await dataSource
      .transaction(async (manager) => {
        await manager.query('TRUNCATE kpi_daily_tallies, kpi_daily_now_verdicts, kpi_daily_now_due, kpi_daily_policy_versions');
        await manager.query(DAILY_TALLIES_FROM_FACTS);
        await manager.query(DAILY_NOW_VERDICTS_FROM_FACTS);
        await manager.query(DAILY_NOW_DUE_FROM_FACTS);
        await manager.query(DAILY_VERSIONS_FROM_FACTS);
        const [computed] = (await manager.query(TABLES)) as Tables[];
        throw Object.assign(new Error('rolled back'), { computed });
      })
      .catch((error: { computed?: unknown }) => error.computed ?? error);
    return { kept: kept!, afresh };
  };

  it('keeps the day tallies equal to the tallies of the facts computed afresh', async () => {
    const { kept, afresh } = await talliesKeptAndAfresh();
    expect(kept.tallies.length).toBeGreaterThan(400);
    // Every ticket judged under one policy by now (the test before), each of its day rows there.
    expect(new Set(kept.now.map((row) => (row as { policy: string }).policy))).toEqual(new Set([deadlinePolicyKey(DEFAULT_DEADLINE_POLICY)]));
    expect(kept.now.length).toBe(kept.tallies.length);
    // Some verdicts still wait on their deadlines, a row per instant.
    expect(kept.due?.length).toBeGreaterThan(0);
    expect(kept).toEqual(afresh);
  });

  it('keeps them so while the refresher judges tickets the timeline is writing', async () => {
    // The refresher and the timeline both move the policy=now day rows: each from the facts as the other left them.
    await putDeadlinePolicy(dataSource.manager, CHANGED_DEADLINES, 3);
    const projection = timelineProjection();
    const deliver = async (offset: number) => {
      for (let start = offset; start < events.length; start += 600) await dataSource.transaction((manager) => projection.handle(events.slice(start, start + 150), manager));
    };
    let judging = true;
    const judge = async () => {
      // Walks in the order tickets were opened, as the refresher does, and begins again at the end.
      let upTo: JudgedUpTo | undefined;
      while (judging) {
        const chunk = await dataSource.transaction(async (manager) => judgeStaleFacts(manager, (await deadlinesForFacts(manager))!, 40, upTo));
        upTo = chunk.seen < 40 ? undefined : chunk.upTo;
      }
    };
    const judges = [judge(), judge()];
    await Promise.all([deliver(0), deliver(150), deliver(300), deliver(450)]);
    judging = false;
    await Promise.all(judges);
    while ((await dataSource.transaction(async (manager) => judgeStaleFacts(manager, (await deadlinesForFacts(manager))!, 100))).judged > 0);
    const { kept, afresh } = await talliesKeptAndAfresh();
    expect(new Set(kept.now.map((row) => (row as { policy: string }).policy))).toEqual(new Set([deadlinePolicyKey(CHANGED_DEADLINES)]));
    expect(kept).toEqual(afresh);
    // Back to the policy of the other tests.
    await putDeadlinePolicy(dataSource.manager, DEFAULT_DEADLINE_POLICY, 4);
    while ((await dataSource.transaction(async (manager) => judgeStaleFacts(manager, (await deadlinesForFacts(manager))!, 100))).judged > 0);
  });

  it('walks the stale tickets in the order they were opened, a chunk after another, and keeps the day rows so', async () => {
    await putDeadlinePolicy(dataSource.manager, CHANGED_DEADLINES, 5);
    const stale = Number((await dataSource.query('SELECT count(*) AS n FROM kpi_ticket_facts'))[0].n);
    const staleNow = async () => Number((await dataSource.query('SELECT count(*) AS n FROM kpi_ticket_facts WHERE now_policy IS DISTINCT FROM $1', [deadlinePolicyKey(CHANGED_DEADLINES)]))[0].n);
    const judgeFrom = (upTo: JudgedUpTo | undefined) => dataSource.transaction(async (manager) => judgeStaleFacts(manager, (await deadlinesForFacts(manager))!, 100, upTo));
    // The first ticket opened is held by the timeline while the walk's first chunk passes it.
    const [{ ticket_id: first }] = (await dataSource.query('SELECT ticket_id FROM kpi_ticket_facts ORDER BY opened_at, ticket_id LIMIT 1')) as { ticket_id: string }[];
    const timeline = dataSource.createQueryRunner();
    await timeline.startTransaction();
    await timeline.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [TIMELINE_TICKET_LOCK_CLASS, first]);
    const walked: JudgedUpTo[] = [];
    let judged = 0;
    for (let upTo: JudgedUpTo | undefined; ; ) {
      const chunk = await judgeFrom(upTo);
      if (timeline.isTransactionActive) await timeline.commitTransaction();
      judged += chunk.judged;
      if (chunk.upTo) walked.push(chunk.upTo);
      upTo = chunk.upTo;
      if (chunk.seen < 100) break;
    }
    await timeline.release();
    // The walk went on from where each chunk ended, past the ticket it passed over.
    expect(judged).toBe(stale - 1);
    expect(await staleNow()).toBe(1);
    expect(walked.length).toBe(Math.ceil(stale / 100));
    const order = walked.map(({ openedAt, ticketId }) => [new Date(openedAt).toISOString(), ticketId].join(' '));
    expect([...order].sort()).toEqual(order);
    expect(new Set(order).size).toBe(order.length);
    // Begun again from the start, as the refresher does after a walk: the one passed over.
    expect((await judgeFrom(undefined)).judged).toBe(1);
    expect(await staleNow()).toBe(0);
    const { kept, afresh } = await talliesKeptAndAfresh();
    expect(new Set(kept.now.map((row) => (row as { policy: string }).policy))).toEqual(new Set([deadlinePolicyKey(CHANGED_DEADLINES)]));
    expect(kept).toEqual(afresh);
    await putDeadlinePolicy(dataSource.manager, DEFAULT_DEADLINE_POLICY, 6);
    while ((await judgeFrom(undefined)).judged > 0);
  });

  it("policy=now reads the whole days' fixed verdicts from their day rows, and the tickets when some of those days' are not judged under today's policy", async () => {
    const query: KpiQuery = { from: '2025-03-01T00:00:00+08:00', to: '2025-04-01T00:00:00+08:00', groupBy: 'agent', policy: 'now' };
    const policy = policyIn('Asia/Shanghai');
    const expected = kpiReport(records, query, policy, AS_OF);
    const reportAfter = (change: string) =>
      dataSource
        .transaction('REPEATABLE READ', async (manager) => {
          await manager.query(change);
          throw Object.assign(new Error('rolled back'), { report: await kpiReportFromFacts(manager, query, policy, AS_OF) });
        })
        .catch((error: { report?: unknown }) => error.report ?? error);
    // A day row's count changed is read: the report counts 1,000 more met first responses.
    const [{ day }] = (await dataSource.query(
      "SELECT day FROM kpi_daily_now_verdicts WHERE dimension = 'total' AND day >= '2025-03-05' AND day < '2025-03-25' ORDER BY counters[2] DESC LIMIT 1",
    )) as { day: Date }[];
    const inflated = (await reportAfter(
      `UPDATE kpi_daily_now_verdicts SET counters[2] = counters[2] + 1000 WHERE dimension = 'total' AND day = '${day.toISOString()}'`,
    )) as typeof expected;
    expect(inflated.total.figures.firstResponseDeadline.met).toBe(expected.total.figures.firstResponseDeadline.met + 1000);
    // With one ticket of those days not judged under today's policy (its day rows as before), the tickets are counted: the report is exact.
    const unjudged = await reportAfter(
      `UPDATE kpi_ticket_facts SET now_policy = NULL WHERE ticket_id = (SELECT ticket_id FROM kpi_ticket_facts WHERE opened_at >= '${day.toISOString()}' AND cardinality(policy_versions) > 0 LIMIT 1)`,
    );
    expect(unjudged).toEqual(expected);
  });

  it('counts what the desk holds: figures that are not all zero, and rows for every grouping value', async () => {
    const report = await dataSource.transaction((manager) => kpiReportFromFacts(manager, { groupBy: 'agent', policy: 'now' }, policyIn('Asia/Shanghai'), AS_OF));
    const { figures } = report.total;
    expect(figures.tickets).toBe(407);
    for (const count of [figures.reopened, figures.closedUnreachable, figures.resolvedAtFirstContact, figures.firstResponseDeadline.met, figures.firstResponseDeadline.missed, figures.resolutionDeadline.missed]) {
      expect(count).toBeGreaterThan(0);
    }
    expect(figures.firstResponseMinutes.count).toBeGreaterThan(250);
    expect(report.rows.length).toBeGreaterThan(40);
  });
});
