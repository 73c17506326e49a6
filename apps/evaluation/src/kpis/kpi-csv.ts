import { CHANNELS } from '@handoff/contracts';
import { KPI_NAMES, kpiValue, type KpiReport, type KpiRow, type Target } from '@handoff/contracts';

/**
 * The KPI report as CSV for spreadsheets: one line per row (the total first), each KPI with its
 * target and whether it was met beside it, then the volumes by channel and by local hour.
 * Header `hour_09_peak` marks a configured peak hour.
 */
export function kpiReportCsv(report: KpiReport): string {
  const hourColumns = Array.from({ length: 24 }, (_, hour) => `hour_${String(hour).padStart(2, '0')}${report.peakHours.includes(hour) ? '_peak' : ''}`);
  const header = [
    'period',
    'group_by',
    'group',
    'tickets',
    'complaints',
    'closed',
    'closed_satisfied',
    'closed_unreachable',
    'resolved_at_first_contact',
    'with_result',
    'reopened',
    ...KPI_NAMES.flatMap((kpi) => [snake(kpi), `${snake(kpi)}_target`, `${snake(kpi)}_met`]),
    'first_response_deadline_met',
    'first_response_deadline_missed',
    'resolution_deadline_met',
    'resolution_deadline_missed',
    'targets_version',
    'policy',
    ...CHANNELS.map((channel) => `channel_${channel}`),
    ...hourColumns,
    'busiest_hours',
  ];
  const line = (row: KpiRow, isTotal: boolean): unknown[] => {
    const { figures } = row;
    const group = isTotal ? 'total' : (row.key.agent ?? row.key.department ?? row.key.channel ?? row.key.type ?? (report.groupBy === 'period' ? '' : '(none)'));
    return [
      row.key.period ?? '',
      isTotal ? '' : (report.groupBy ?? ''),
      group,
      figures.tickets,
      figures.complaints,
      figures.closed,
      figures.closedSatisfied,
      figures.closedUnreachable,
      figures.resolvedAtFirstContact,
      figures.withResult,
      figures.reopened,
      ...KPI_NAMES.flatMap((kpi) => {
        const check = row.targets.find((target) => target.kpi === kpi);
        return [kpiValue(figures, kpi), check ? targetText(check.target) : '', check?.met ?? ''];
      }),
      figures.firstResponseDeadline.met,
      figures.firstResponseDeadline.missed,
      figures.resolutionDeadline.met,
      figures.resolutionDeadline.missed,
      row.targetsVersion,
      report.policy.basis,
      ...CHANNELS.map((channel) => figures.volumeByChannel[channel]),
      ...figures.volumeByHour.map((hour) => hour.volume),
      figures.busiestHours.join(' '),
    ];
  };
  return [header, line(report.total, true), ...report.rows.map((row) => line(row, false))].map((cells) => cells.map(cell).join(',')).join('\r\n') + '\r\n';
}

const snake = (name: string): string => name.replace(/[A-Z0-9]+/g, (part) => `_${part.toLowerCase()}`);

const targetText = (target: Target): string => ('min' in target ? `>= ${target.min}` : `<= ${target.max}`);

/** RFC 4180 quoting; a text cell a spreadsheet would run as a formula is prefixed with an apostrophe. */
function cell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : String(Number(value.toFixed(6)));
  let text = String(value);
  if (/^[=+\-@\t\r]/.test(text) && typeof value === 'string') text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
