import 'reflect-metadata';
import type { DataSource } from 'typeorm';
import { GROUP_BYS, POLICY_BASES, seededRandom, type RecordedEvent } from '@handoff/contracts';
import { openReadModelDatabase } from '@handoff/read-models';
import { DEFAULT_DEADLINE_POLICY, GRANULARITIES, type Granularity } from '@handoff/service-time';
import { createTestDatabase, deskHistory, sealedCustomer, type TestDatabase } from '@handoff/testing';
import { EVALUATION_DATABASE } from '../read-models';
import { timelineProjection } from '../timeline/timeline.projection';
import { kpiReportFromFacts } from './kpi-facts.reader';
import { DAILY_TALLIES_FROM_FACTS, DAILY_VERSIONS_FROM_FACTS } from './kpi-facts.migrations';
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
const policyIn = (timeZone: string): KpiPolicy => ({ timeZone, peakHours: [9, 10, 14, 15], targets: TARGETS, deadlines: DEFAULT_DEADLINE_POLICY });
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

  it('keeps the day tallies equal to the tallies of the facts computed afresh', async () => {
    const tables = () =>
      dataSource.query(
        `SELECT (SELECT json_agg(t ORDER BY dimension, day, value) FROM kpi_daily_tallies t) AS tallies,
                (SELECT json_agg(v ORDER BY day, version) FROM kpi_daily_policy_versions v) AS versions`,
      ) as Promise<{ tallies: unknown[]; versions: unknown[] }[]>;
    const [kept] = await tables();
    const afresh = await dataSource
      .transaction(async (manager) => {
        await manager.query('TRUNCATE kpi_daily_tallies, kpi_daily_policy_versions');
        await manager.query(DAILY_TALLIES_FROM_FACTS);
        await manager.query(DAILY_VERSIONS_FROM_FACTS);
        const [computed] = (await manager.query(
          `SELECT (SELECT json_agg(t ORDER BY dimension, day, value) FROM kpi_daily_tallies t) AS tallies,
                  (SELECT json_agg(v ORDER BY day, version) FROM kpi_daily_policy_versions v) AS versions`,
        )) as { tallies: unknown[]; versions: unknown[] }[];
        throw Object.assign(new Error('rolled back'), { computed });
      })
      .catch((error: { computed?: unknown }) => error.computed ?? error);
    expect(kept!.tallies.length).toBeGreaterThan(400);
    expect(kept).toEqual(afresh);
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
