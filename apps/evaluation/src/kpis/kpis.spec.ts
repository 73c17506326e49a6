import { ALWAYS_OPEN, type DeadlinePolicy } from '@handoff/service-time';
import { serviceRecordsFromEntries } from '../records/from-timeline';
import { serviceRecordsFromEvents, type ServiceRecord } from '../records/service-record';
import { timelineEntryOf } from '../timeline/timeline.projection';
import { kpiReportCsv } from './kpi-csv';
import type { KpiPolicy, TargetsPolicy } from './kpi-policy';
import { DEFAULT_COMPLAINT_CAUSES, type KpiRow } from '@handoff/contracts';
import { complaintReport, kpiReport, kpiReportFromEvents, type KpiQuery } from './kpis';
import { AS_OF, FIXED_IDS, recordedMarchHistory, REPORT_WINDOW } from './march.fixture';

// The history is described in march.fixture.ts; every expected number below is worked out by hand from it.

const TARGETS: TargetsPolicy = {
  versions: [
    {
      version: 'targets-2024',
      effectiveFrom: '2024-01-01T00:00:00+08:00',
      targets: { satisfactionRate: { min: 0.9 }, complaintRate: { max: 0.4 }, firstResponseMinutesP90: { max: 30 } },
    },
    {
      version: 'targets-2025',
      effectiveFrom: '2025-03-05T00:00:00+08:00',
      targets: { satisfactionRate: { min: 0.7 }, complaintRate: { max: 0.6 }, firstResponseMinutesP90: { max: 45 } },
    },
  ],
};

/** Today's deadlines: a longer first response (60 min) and a shorter resolution (120 min) than routing recorded (30/240). */
const DEADLINES_NOW: DeadlinePolicy = {
  version: 'p-now',
  firstResponseMinutes: { default: 60 },
  resolutionMinutes: { default: 120 },
  calendar: ALWAYS_OPEN,
  countIn: 'clock',
};

const POLICY: KpiPolicy = { timeZone: 'Asia/Shanghai', peakHours: [9, 10, 14, 15], targets: TARGETS, deadlines: DEADLINES_NOW };

const events = recordedMarchHistory(FIXED_IDS);
const records = serviceRecordsFromEvents(events);
const march = (query: Partial<KpiQuery> = {}) => kpiReport(records, { ...REPORT_WINDOW, policy: 'then', ...query }, POLICY, AS_OF);
const rowOf = (rows: readonly KpiRow[], value: string | null) =>
  rows.find((row) => (row.key.agent ?? row.key.department ?? row.key.channel ?? row.key.type ?? row.key.period ?? null) === value)!;

describe('KPIs from a hand-computed history', () => {
  it('given March (T1–T6; T7 opened in February), then every figure of the total equals the hand-computed value', () => {
    const { total } = march();
    expect(total.figures).toMatchObject({
      tickets: 6,
      complaints: 3, // T2, T5, T6
      closed: 4, // T1, T2, T5 satisfied; T3 unreachable
      closedSatisfied: 3,
      closedUnreachable: 1,
      resolvedAtFirstContact: 1, // T1
      withResult: 4, // T1, T2, T3, T5
      reopened: 1, // T2
      satisfactionRate: 3 / 4, // satisfied ÷ closed
      complaintRate: 3 / 6,
      resolutionRate: 3 / 6, // satisfied ÷ tickets
      firstContactResolutionRate: 1 / 6,
      reopenRate: 1 / 4, // reopened ÷ with a result
      // First responses T1 10, T2 45, T3 25, T5 10 → [10, 10, 25, 45]:
      // median (10 + 25) ÷ 2 = 17.5; p90 rank 3 × 0.9 = 2.7 → 25 + 0.7 × (45 − 25) = 39.
      firstResponseMinutes: { count: 4, median: 17.5, p90: 39 },
      // Resolutions accepted: T1 10, T5 60, T2 180 → median 60; p90 rank 2 × 0.9 = 1.8 → 60 + 0.8 × 120 = 156.
      resolutionMinutes: { count: 3, median: 60, p90: 156 },
      // As recorded: T2 late (breach at +31), T3 met, T4 breached, T5 met, T6 breached; T1 had no department.
      firstResponseDeadline: { met: 2, missed: 3, rate: 2 / 5 },
      // T2 (both rounds), T3, T5 met; T4 and T6 have no result and no recorded breach: no verdict.
      resolutionDeadline: { met: 3, missed: 0, rate: 1 },
    });
  });

  it('counts volume by channel and by local hour, with the peak hours marked and the busiest hour named', () => {
    const { figures } = march().total;
    expect(figures.volumeByChannel).toEqual({ web_chat: 2, message_board: 0, email: 1, hotline: 2, social_media: 1, on_site: 0, visit: 0 });
    // Beijing time: T1 09:00, T4 09:15, T6 09:30 → 9; T2 10:00 → 10; T5 15:00 → 15; T3 16:30 → 16.
    const volumes = Object.fromEntries(figures.volumeByHour.filter((hour) => hour.volume > 0).map((hour) => [hour.hour, hour.volume]));
    expect(volumes).toEqual({ 9: 3, 10: 1, 15: 1, 16: 1 });
    expect(figures.volumeByHour.filter((hour) => hour.peak).map((hour) => hour.hour)).toEqual([9, 10, 14, 15]);
    expect(figures.busiestHours).toEqual([9]);
  });

  it('policy "then": targets in force at the window’s start, deadlines as routing recorded them', () => {
    const report = march();
    expect(report.policy).toEqual({ basis: 'then', deadlinePolicyVersions: ['p-then'], targetsVersions: ['targets-2024'] });
    expect(report.total.targetsVersion).toBe('targets-2024');
    expect(report.total.targets).toEqual([
      { kpi: 'satisfactionRate', actual: 0.75, target: { min: 0.9 }, met: false },
      { kpi: 'complaintRate', actual: 0.5, target: { max: 0.4 }, met: false },
      { kpi: 'firstResponseMinutesP90', actual: 39, target: { max: 30 }, met: false },
    ]);
  });

  it('policy "now": today’s targets, and each round’s deadlines recomputed under today’s deadline policy', () => {
    const report = march({ policy: 'now' });
    expect(report.policy).toEqual({ basis: 'now', deadlinePolicyVersions: ['p-now'], targetsVersions: ['targets-2025'] });
    expect(report.total.targets.map((check) => [check.kpi, check.met])).toEqual([
      ['satisfactionRate', true], // 0.75 ≥ 0.7
      ['complaintRate', true], // 0.5 ≤ 0.6
      ['firstResponseMinutesP90', true], // 39 ≤ 45
    ]);
    // First response within 60: T2 (45; round 2 at +20 of 60) met, T3 25 met, T5 10 met; T4 and T6 none by the as-of → missed.
    expect(report.total.figures.firstResponseDeadline).toEqual({ met: 3, missed: 2, rate: 3 / 5 });
    // Resolution within 120: T2 round 1 at 150 missed; T3 25 and T5 60 met; T4, T6 none by the as-of → missed.
    expect(report.total.figures.resolutionDeadline).toEqual({ met: 2, missed: 3, rate: 2 / 5 });
    // Nothing else depends on the policy.
    const { firstResponseDeadline: _a, resolutionDeadline: _b, ...rest } = report.total.figures;
    const { firstResponseDeadline: _c, resolutionDeadline: _d, ...then } = march().total.figures;
    expect(rest).toEqual(then);
  });

  it('groups by agent: a ticket counts for every agent who worked on it; a ticket nobody worked on is the null group', () => {
    const { rows } = march({ groupBy: 'agent' });
    expect(rows.map((row) => [row.key.agent, row.figures.tickets])).toEqual([
      ['agent-a', 3], // T1 answered, T3 contact attempts, T4 handed over
      ['agent-b', 1], // T2 objection and confirmation
      ['agent-c', 1], // T5
      ['h-ana', 1], // T2 results
      ['h-bo', 1], // T3 result (T4: assigned, no result yet)
      ['h-lou', 1], // T5
      [null, 1], // T6
    ]);
    expect(rowOf(rows, 'agent-a').figures).toMatchObject({
      closed: 2,
      closedSatisfied: 1,
      satisfactionRate: 0.5,
      firstContactResolutionRate: 1 / 3,
      // [10, 25]: median 17.5; p90 rank 0.9 → 10 + 0.9 × 15 = 23.5.
      firstResponseMinutes: { count: 2, median: 17.5, p90: 23.5 },
      resolutionMinutes: { count: 1, median: 10, p90: 10 },
      firstResponseDeadline: { met: 1, missed: 1, rate: 0.5 }, // T3 met, T4 breached, T1 no department
    });
  });

  it('groups by department (every department that held the ticket) and scopes to one department', () => {
    const { rows } = march({ groupBy: 'department' });
    expect(rows.map((row) => [row.key.department, row.figures.tickets, row.figures.complaints, row.figures.satisfactionRate])).toEqual([
      ['billing', 2, 2, 1], // T2 satisfied, T6 open
      ['logistics', 1, 1, 1], // T5
      ['product', 2, 0, 0], // T3 unreachable, T4 open
      [null, 1, 0, 1], // T1, answered by CS
    ]);
    const billing = march({ department: 'billing' });
    expect(billing.total.figures).toMatchObject({ tickets: 2, complaints: 2, firstResponseDeadline: { met: 0, missed: 2, rate: 0 } });
  });

  it('groups by channel and by type', () => {
    expect(march({ groupBy: 'channel' }).rows.map((row) => [row.key.channel, row.figures.tickets])).toEqual([
      ['email', 1],
      ['hotline', 2],
      ['social_media', 1],
      ['web_chat', 2],
    ]);
    expect(march({ groupBy: 'type' }).rows.map((row) => [row.key.type, row.figures.tickets])).toEqual([
      ['complaint', 3],
      ['consultation', 2],
      ['suggestion', 1],
    ]);
  });

  it('groups by period in local days, ISO weeks and months; "then" judges each period by the targets in force when it began', () => {
    expect(march({ groupBy: 'period', period: 'day' }).rows.map((row) => [row.key.period, row.figures.tickets])).toEqual([
      ['2025-03-03', 3],
      ['2025-03-04', 2],
      ['2025-03-10', 1],
    ]);
    const weeks = march({ groupBy: 'period', period: 'week' });
    expect(weeks.rows.map((row) => [row.key.period, row.figures.tickets, row.figures.satisfactionRate, row.targetsVersion])).toEqual([
      ['2025-W10', 5, 0.75, 'targets-2024'], // began Monday 3 March, before targets-2025 (5 March)
      ['2025-W11', 1, null, 'targets-2025'], // T6 not closed: no satisfaction figure, so no verdict
    ]);
    expect(rowOf(weeks.rows, '2025-W11').targets.find((check) => check.kpi === 'satisfactionRate')?.met).toBeNull();
    expect(weeks.policy.targetsVersions).toEqual(['targets-2024', 'targets-2025']);
    expect(march({ groupBy: 'period' }).rows.map((row) => [row.key.period, row.figures.tickets])).toEqual([['2025-03', 6]]);
    // Periods beside another grouping.
    expect(march({ groupBy: 'type', period: 'week' }).rows.map((row) => [row.key.period, row.key.type, row.figures.tickets])).toEqual([
      ['2025-W10', 'complaint', 2],
      ['2025-W10', 'consultation', 2],
      ['2025-W10', 'suggestion', 1],
      ['2025-W11', 'complaint', 1],
    ]);
  });

  it('counts only tickets opened in [from, to)', () => {
    expect(kpiReport(records, { policy: 'then' }, POLICY, AS_OF).total.figures.tickets).toBe(7);
    expect(march({ to: '2025-03-04T00:00:00+08:00' }).total.figures.tickets).toBe(3);
    expect(march({ from: '2025-03-03T10:00:00+08:00', to: '2025-03-03T16:30:00+08:00' }).total.figures.tickets).toBe(1); // T2 only
  });

  it('complaint analysis: by category, by cause and by department, with shares', () => {
    expect(complaintReport(records, REPORT_WINDOW, DEFAULT_COMPLAINT_CAUSES)).toEqual({
      from: REPORT_WINDOW.from,
      to: REPORT_WINDOW.to,
      department: null,
      complaints: 3,
      byCategory: [
        { key: 'billing', count: 2, share: 2 / 3 }, // T2, T6
        { key: 'logistics', count: 1, share: 1 / 3 },
      ],
      byCause: [
        { key: 'billing_error', count: 1, share: 1 / 3, label: { en: 'Billing error', 'zh-CN': '计费错误' } }, // T2, as its latest result named it
        { key: 'not_reported', count: 1, share: 1 / 3, label: { en: 'No result yet', 'zh-CN': '尚无处理结果' } }, // T6
        { key: 'unclassified', count: 1, share: 1 / 3, label: { en: 'Unclassified (reported before causes were asked)', 'zh-CN': '未分类（原因分类启用前的结果）' } }, // T5, a v1 result
      ],
      byDepartment: [
        { key: 'billing', count: 1, share: 1 / 3 },
        { key: 'logistics', count: 1, share: 1 / 3 },
        { key: 'unresolved', count: 1, share: 1 / 3 }, // T6
      ],
      withCorrectiveAction: { count: 2, share: 2 / 3 },
    });
  });

  it('the figures from the timeline read model equal those recomputed from the events alone', () => {
    const entries = events.map(timelineEntryOf);
    const byId = (a: ServiceRecord, b: ServiceRecord) => (a.ticketId < b.ticketId ? -1 : 1);
    expect(serviceRecordsFromEntries([...entries].reverse()).sort(byId)).toEqual([...records].sort(byId));
    for (const query of [{}, { groupBy: 'agent' }, { groupBy: 'period', period: 'week' }, { policy: 'now' }] as Partial<KpiQuery>[]) {
      const full = { ...REPORT_WINDOW, policy: 'then' as const, ...query };
      expect(kpiReport(serviceRecordsFromEntries(entries), full, POLICY, AS_OF)).toEqual(kpiReportFromEvents(events, full, POLICY, AS_OF));
    }
  });

  it('exports CSV: a header, the total, then one line per group, with targets beside the actual values', () => {
    const lines = kpiReportCsv(march({ groupBy: 'channel' })).trimEnd().split('\r\n');
    expect(lines).toHaveLength(1 + 1 + 4);
    const header = lines[0]!.split(',');
    const total = Object.fromEntries(lines[1]!.split(',').map((cell, index) => [header[index], cell]));
    expect(total).toMatchObject({
      group: 'total',
      tickets: '6',
      satisfaction_rate: '0.75',
      satisfaction_rate_target: '>= 0.9',
      satisfaction_rate_met: 'false',
      first_response_minutes_p90: '39',
      channel_hotline: '2',
      hour_09_peak: '3',
      hour_16: '1',
      busiest_hours: '9',
      targets_version: 'targets-2024',
    });
    expect(lines.slice(2).map((line) => line.split(',')[2])).toEqual(['email', 'hotline', 'social_media', 'web_chat']);
  });

  it('CSV: a cell a spreadsheet would run as a formula is defused, one with a comma or quote is quoted', () => {
    const odd = records.map((record) => (record.ticketId === FIXED_IDS.T1 ? { ...record, agents: ['=HYPERLINK("x")', 'a,b'] } : record));
    const csv = kpiReportCsv(kpiReport(odd, { ...REPORT_WINDOW, policy: 'then', groupBy: 'agent' }, POLICY, AS_OF));
    expect(csv).toContain(`,"'=HYPERLINK(""x"")",`);
    expect(csv).toContain(',"a,b",');
  });
});
