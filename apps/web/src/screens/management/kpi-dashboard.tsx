import { useEffect, useMemo, useState } from 'react';
import { Bar, BarChart, CartesianGrid, Cell, ReferenceArea, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { api, apiUrl } from '../../api';
import { Field, formatDuration, formatInstant, formatPercent, Notice, Panel } from '../../ui';
// The one reading of a KPI from its figures, the services' own: a plain function that imports nothing.
import { kpiValue } from '@handoff/contracts/api';
import type { ComplaintReport, GroupBy, Granularity, KpiFigures, KpiName, KpiReport, KpiRow, PolicyBasis, Target } from './kpi-types';
import { MetBadge } from './tabs';
import { DEFAULT_TIME_ZONE, fromLocalInput, RANGE_CHOICES, rangeOf, type Range, type RangeChoice } from './zoned-time';

type Kind = 'rate' | 'minutes';

interface Card {
  readonly kpi: KpiName;
  readonly label: string;
  readonly kind: Kind;
  /** What the figure is counted over, in words. */
  readonly basis: (figures: KpiFigures) => string;
}

/** The standards first (satisfaction, response and resolution times, deadlines), then the other indicators. */
const CARDS: readonly Card[] = [
  { kpi: 'satisfactionRate', label: 'Customer satisfaction', kind: 'rate', basis: (f) => `${f.closedSatisfied} of ${f.closed} closed tickets satisfied` },
  { kpi: 'firstResponseMinutesMedian', label: 'First response, median', kind: 'minutes', basis: (f) => `over ${f.firstResponseMinutes.count} tickets answered` },
  { kpi: 'firstResponseMinutesP90', label: 'First response, 90th percentile', kind: 'minutes', basis: (f) => `over ${f.firstResponseMinutes.count} tickets answered` },
  { kpi: 'resolutionMinutesMedian', label: 'Resolution, median', kind: 'minutes', basis: (f) => `over ${f.resolutionMinutes.count} tickets resolved` },
  { kpi: 'resolutionMinutesP90', label: 'Resolution, 90th percentile', kind: 'minutes', basis: (f) => `over ${f.resolutionMinutes.count} tickets resolved` },
  {
    kpi: 'firstResponseDeadlineRate',
    label: 'First-response deadlines kept',
    kind: 'rate',
    basis: (f) => `${f.firstResponseDeadline.met} met, ${f.firstResponseDeadline.missed} missed`,
  },
  { kpi: 'resolutionDeadlineRate', label: 'Resolution deadlines kept', kind: 'rate', basis: (f) => `${f.resolutionDeadline.met} met, ${f.resolutionDeadline.missed} missed` },
  { kpi: 'complaintRate', label: 'Complaint rate', kind: 'rate', basis: (f) => `${f.complaints} complaints in ${f.tickets} tickets` },
  { kpi: 'resolutionRate', label: 'Resolution rate', kind: 'rate', basis: (f) => `${f.closedSatisfied} of ${f.tickets} tickets resolved` },
  { kpi: 'firstContactResolutionRate', label: 'First-contact resolution', kind: 'rate', basis: (f) => `${f.resolvedAtFirstContact} of ${f.tickets} tickets` },
  { kpi: 'reopenRate', label: 'Reopened (second handling)', kind: 'rate', basis: (f) => `${f.reopened} of ${f.withResult} tickets with a result` },
];

/** Period bounds as the organisation reads them: its own clock, not the browser's. */
const inZone = (iso: string, timeZone: string): string =>
  new Date(iso).toLocaleString(undefined, { timeZone, dateStyle: 'medium', timeStyle: 'short' });

const formatMinutes = (minutes: number | null): string => (minutes === null ? '—' : formatDuration(minutes * 60_000));
const formatValue = (kind: Kind, value: number | null): string => (kind === 'rate' ? formatPercent(value) : formatMinutes(value));

/** "≥ 90.0%", "≤ 30 min", "≤ 24 h". */
function formatTarget(kind: Kind, target: Target): string {
  const bound = 'min' in target ? target.min : target.max;
  const sign = 'min' in target ? '≥' : '≤';
  if (kind === 'rate') return `${sign} ${formatPercent(bound)}`;
  return `${sign} ${bound >= 60 && bound % 60 === 0 ? `${bound / 60} h` : formatMinutes(bound)}`;
}

const GROUPINGS: readonly { value: GroupBy | ''; label: string }[] = [
  { value: '', label: 'No grouping (total only)' },
  { value: 'period', label: 'Period' },
  { value: 'department', label: 'Department' },
  { value: 'agent', label: 'Agent' },
  { value: 'channel', label: 'Channel' },
  { value: 'type', label: 'Type of contact' },
];

const GRANULARITY_LABELS: Record<Granularity, string> = { day: 'Day', week: 'Week', month: 'Month' };

const CHANNEL_NAMES: Record<string, string> = {
  web_chat: 'Website chat',
  message_board: 'Message board',
  email: 'E-mail',
  hotline: 'Hotline',
  social_media: 'Social media',
  on_site: 'On site',
  visit: 'Customer visit',
};
export const channelName = (channel: string | null | undefined): string => (channel ? (CHANNEL_NAMES[channel] ?? channel) : '—');

const ACCENT = '#1f5fbf';
const PEAK = '#c4660a';

export function KpiDashboard() {
  const [choice, setChoice] = useState<RangeChoice>('month');
  const [customFrom, setCustomFrom] = useState('');
  const [customTo, setCustomTo] = useState('');
  const [groupBy, setGroupBy] = useState<GroupBy | ''>('');
  const [granularity, setGranularity] = useState<Granularity | ''>('');
  const [policy, setPolicy] = useState<PolicyBasis>('then');
  const [timeZone, setTimeZone] = useState(DEFAULT_TIME_ZONE);
  const [refreshed, setRefreshed] = useState(0);
  const [report, setReport] = useState<KpiReport | null>(null);
  const [complaints, setComplaints] = useState<ComplaintReport | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(false);

  // "This week" is fixed when it is chosen (or refreshed), so the figures do not shift under the reader.
  const range: Range = useMemo(
    () => (choice === 'custom' ? { from: fromLocalInput(customFrom), to: fromLocalInput(customTo) } : rangeOf(choice, Date.now(), timeZone)),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [choice, customFrom, customTo, timeZone, refreshed],
  );
  const query = useMemo(
    () => ({ from: range.from, to: range.to, groupBy: groupBy || undefined, period: granularity || undefined, policy }),
    [range, groupBy, granularity, policy],
  );

  useEffect(() => {
    let current = true;
    setLoading(true);
    setError(null);
    Promise.all([
      api<KpiReport>('evaluation', '/v1/kpis', { query }),
      api<ComplaintReport>('evaluation', '/v1/kpis/complaints', { query: { from: query.from, to: query.to } }),
    ])
      .then(([kpis, complaintReport]) => {
        if (!current) return;
        setReport(kpis);
        setComplaints(complaintReport);
        if (kpis.timeZone !== timeZone) setTimeZone(kpis.timeZone);
      })
      .catch((caught: unknown) => current && setError(caught))
      .finally(() => current && setLoading(false));
    return () => {
      current = false;
    };
  }, [query, timeZone]);

  const total = report?.total;
  return (
    <>
      <Panel
        title="Service KPIs"
        actions={
          <div className="row">
            <button type="button" className="secondary" onClick={() => setRefreshed((count) => count + 1)}>
              Refresh
            </button>
            <a className="mqa-button-link" href={apiUrl('evaluation', '/v1/kpis', { ...query, format: 'csv' })} download="kpis.csv">
              Download CSV
            </a>
          </div>
        }
      >
        <form className="kpi-filters" aria-label="KPI query" onSubmit={(event) => event.preventDefault()}>
          <Field label="Period" field="range" error={error}>
            {(control) => (
              <select {...control} value={choice} onChange={(event) => setChoice(event.target.value as RangeChoice)}>
                {RANGE_CHOICES.map((option) => (
                  <option key={option.value} value={option.value}>
                    {option.label}
                  </option>
                ))}
              </select>
            )}
          </Field>
          {choice === 'custom' && (
            <>
              <Field label="Opened from" field="from" error={error}>
                {(control) => <input {...control} type="datetime-local" value={customFrom} onChange={(event) => setCustomFrom(event.target.value)} />}
              </Field>
              <Field label="Opened before" field="to" error={error}>
                {(control) => <input {...control} type="datetime-local" value={customTo} onChange={(event) => setCustomTo(event.target.value)} />}
              </Field>
            </>
          )}
          <Field label="Group by" field="groupBy" error={error}>
            {(control) => (
              <select {...control} value={groupBy} onChange={(event) => setGroupBy(event.target.value as GroupBy | '')}>
                {GROUPINGS.map((option) => (
                  <option key={option.value} value={option.value}>
                    {option.label}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label="Rows per" field="period" error={error} hint={groupBy === 'period' && !granularity ? 'month unless chosen' : undefined}>
            {(control) => (
              <select {...control} value={granularity} onChange={(event) => setGranularity(event.target.value as Granularity | '')}>
                <option value="">{groupBy === 'period' ? 'Month (default)' : 'Whole period'}</option>
                {(Object.keys(GRANULARITY_LABELS) as Granularity[]).map((value) => (
                  <option key={value} value={value}>
                    {GRANULARITY_LABELS[value]}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <fieldset className="policy-toggle">
            <legend>Deadlines and targets</legend>
            <label>
              <input type="radio" name="policy" value="then" checked={policy === 'then'} onChange={() => setPolicy('then')} /> As they were then
            </label>
            <label>
              <input type="radio" name="policy" value="now" checked={policy === 'now'} onChange={() => setPolicy('now')} /> Under today’s policy
            </label>
          </fieldset>
        </form>
        <Notice error={error} />
        {report && (
          <p className="muted kpi-scope" data-testid="kpi-scope">
            {report.from || report.to
              ? `Tickets opened${report.from ? ` from ${inZone(report.from, report.timeZone)}` : ''}${report.to ? ` before ${inZone(report.to, report.timeZone)}` : ''}`
              : 'All tickets'}
            {' · '}
            {report.policy.basis === 'then' ? 'deadlines as recorded, targets then in force' : 'deadlines recomputed and targets under today’s policy'}
            {` (targets ${report.policy.targetsVersions.join(', ')}${report.policy.deadlinePolicyVersions.length ? `; deadlines ${report.policy.deadlinePolicyVersions.join(', ')}` : ''})`}
            {' · '}
            {`times in ${report.timeZone}`}
            {' · '}
            {`as of ${formatInstant(report.asOf)}`}
          </p>
        )}
        <div aria-live="polite" aria-busy={loading}>
          {loading && !report && <p className="muted">Loading the figures…</p>}
          {total && (
            <>
              <p className="kpi-volume">
                <strong data-testid="kpi-tickets">{total.figures.tickets}</strong> tickets, <strong data-testid="kpi-complaints">{total.figures.complaints}</strong>{' '}
                complaints, <strong>{total.figures.closed}</strong> closed
                {total.figures.closedUnreachable > 0 ? ` (${total.figures.closedUnreachable} unreachable, never counted as satisfied)` : ''}
              </p>
              <ul className="kpi-cards" aria-label="Indicators against their targets">
                {CARDS.map((card) => (
                  <KpiCard key={card.kpi} card={card} row={total} />
                ))}
              </ul>
            </>
          )}
        </div>
      </Panel>
      {report && total && (
        <div className="grid">
          <Panel title="Volume by hour of day">
            <HourChart report={report} />
          </Panel>
          <Panel title="Volume by channel">
            <ChannelChart figures={total.figures} />
          </Panel>
          <Panel title="Complaint causes">{complaints && <ComplaintCauses report={complaints} />}</Panel>
        </div>
      )}
      {report && report.rows.length > 0 && <GroupedRows report={report} />}
      {report && (report.groupBy || report.period) && report.rows.length === 0 && (
        <Panel title="Grouped figures">
          <p className="muted">No tickets in this period.</p>
        </Panel>
      )}
    </>
  );
}

function KpiCard({ card, row }: { card: Card; row: KpiRow }) {
  const actual = kpiValue(row.figures, card.kpi);
  const check = row.targets.find((candidate) => candidate.kpi === card.kpi);
  return (
    <li className={`kpi-card${check?.met === false ? ' kpi-card--missed' : check?.met === true ? ' kpi-card--met' : ''}`} data-testid={`kpi-${card.kpi}`}>
      <span className="kpi-card__label">{card.label}</span>
      <span className="kpi-card__actual" data-value={actual === null ? '' : String(actual)}>
        {formatValue(card.kind, actual)}
      </span>
      <span className="kpi-card__target">
        {check ? (
          <>
            target {formatTarget(card.kind, check.target)} <MetBadge met={check.met} />
          </>
        ) : (
          <span className="muted">no target set</span>
        )}
      </span>
      <span className="kpi-card__basis muted">{card.basis(row.figures)}</span>
    </li>
  );
}

/** Contiguous runs of hours [start, end): 9, 10, 14, 15 → [9, 11], [14, 16]. */
function hourRuns(hours: readonly number[]): [number, number][] {
  const runs: [number, number][] = [];
  for (const hour of [...hours].sort((a, b) => a - b)) {
    const last = runs[runs.length - 1];
    if (last && last[1] === hour) last[1] = hour + 1;
    else runs.push([hour, hour + 1]);
  }
  return runs;
}

/** "09–11, 14–16". */
function hourRanges(hours: readonly number[]): string {
  const pad = (hour: number) => String(hour).padStart(2, '0');
  return hourRuns(hours)
    .map(([start, end]) => `${pad(start)}–${pad(end)}`)
    .join(', ');
}

function HourChart({ report }: { report: KpiReport }) {
  const data = report.total.figures.volumeByHour.map((hour) => ({ ...hour, label: String(hour.hour).padStart(2, '0') }));
  const busiest = report.total.figures.busiestHours;
  return (
    <figure className="kpi-chart">
      <div className="kpi-chart__plot" role="img" aria-label={`Contacts per local hour; peak hours ${hourRanges(report.peakHours)} shaded in orange`}>
        <ResponsiveContainer width="100%" height={220}>
          <BarChart accessibilityLayer={false} data={data} margin={{ top: 8, right: 8, bottom: 0, left: -20 }}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} />
            {/* The peak hours are shaded whether or not anything came in then: they are what to staff for. */}
            {hourRuns(report.peakHours).map(([start, end]) => (
              <ReferenceArea key={start} x1={start - 0.5} x2={end - 0.5} fill={PEAK} fillOpacity={0.12} stroke={PEAK} strokeOpacity={0.35} ifOverflow="extendDomain" />
            ))}
            <XAxis dataKey="hour" type="number" domain={[-0.5, 23.5]} ticks={[0, 3, 6, 9, 12, 15, 18, 21]} tickFormatter={(hour: number) => String(hour).padStart(2, '0')} tick={{ fontSize: 11 }} />
            <YAxis allowDecimals={false} tick={{ fontSize: 11 }} />
            <Tooltip formatter={(value) => [value, 'contacts']} labelFormatter={(hour) => `${String(hour).padStart(2, '0')}:00–${String(hour).padStart(2, '0')}:59`} />
            <Bar dataKey="volume" isAnimationActive={false} barSize={8}>
              {data.map((hour) => (
                <Cell key={hour.hour} fill={hour.peak ? PEAK : ACCENT} />
              ))}
            </Bar>
          </BarChart>
        </ResponsiveContainer>
      </div>
      <figcaption>
        <span className="kpi-legend kpi-legend--peak" /> peak hours (shaded) {hourRanges(report.peakHours)} ({report.timeZone}) <span className="kpi-legend kpi-legend--plain" /> other hours
        {busiest.length > 0 && <> · busiest: {busiest.map((hour) => `${String(hour).padStart(2, '0')}:00`).join(', ')}</>}
      </figcaption>
      <details>
        <summary>As a table</summary>
        <div className="table-scroll">
          <table>
            <thead>
              <tr>
                <th scope="col">Hour</th>
                <th scope="col">Contacts</th>
                <th scope="col">Peak</th>
              </tr>
            </thead>
            <tbody>
              {data.map((hour) => (
                <tr key={hour.hour}>
                  <td>{hour.label}:00</td>
                  <td>{hour.volume}</td>
                  <td>{hour.peak ? 'peak' : ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  );
}

function ChannelChart({ figures }: { figures: KpiFigures }) {
  const data = Object.entries(figures.volumeByChannel).map(([channel, volume]) => ({ channel, name: channelName(channel), volume }));
  return (
    <figure className="kpi-chart">
      <div className="kpi-chart__plot" role="img" aria-label={`Contacts per channel: ${data.map((row) => `${row.name} ${row.volume}`).join(', ')}`}>
        <ResponsiveContainer width="100%" height={220}>
          <BarChart accessibilityLayer={false} data={data} layout="vertical" margin={{ top: 0, right: 16, bottom: 0, left: 8 }}>
            <CartesianGrid strokeDasharray="3 3" horizontal={false} />
            <XAxis type="number" allowDecimals={false} tick={{ fontSize: 11 }} />
            <YAxis type="category" dataKey="name" width={110} tick={{ fontSize: 11 }} />
            <Tooltip formatter={(value) => [value, 'contacts']} />
            <Bar dataKey="volume" fill={ACCENT} isAnimationActive={false} />
          </BarChart>
        </ResponsiveContainer>
      </div>
      <figcaption className="muted">{data.map((row) => `${row.name}: ${row.volume}`).join(' · ')}</figcaption>
    </figure>
  );
}

const CAUSE_NAMES: Record<string, string> = { unclassified: 'Not recognised by a rule' };

function ComplaintCauses({ report }: { report: ComplaintReport }) {
  if (report.complaints === 0) return <p className="muted">No complaints in this period.</p>;
  const data = report.byCause.map((share) => ({ ...share, name: CAUSE_NAMES[share.key] ?? share.key.replace(/_/g, ' ') }));
  return (
    <>
      <div className="kpi-chart__plot" role="img" aria-label={`Complaint causes: ${data.map((row) => `${row.name} ${formatPercent(row.share, 0)}`).join(', ')}`}>
        <ResponsiveContainer width="100%" height={Math.max(80, data.length * 36)}>
          <BarChart accessibilityLayer={false} data={data} layout="vertical" margin={{ top: 0, right: 16, bottom: 0, left: 8 }}>
            <XAxis type="number" allowDecimals={false} tick={{ fontSize: 11 }} />
            <YAxis type="category" dataKey="name" width={120} tick={{ fontSize: 11 }} />
            <Tooltip formatter={(value) => [value, 'complaints']} />
            <Bar dataKey="count" fill="#b3261e" isAnimationActive={false} />
          </BarChart>
        </ResponsiveContainer>
      </div>
      <div className="table-scroll">
        <table data-testid="complaint-causes">
          <caption className="muted">
            {report.complaints} complaints; {report.withCorrectiveAction.count} put right with a corrective action ({formatPercent(report.withCorrectiveAction.share, 0)})
          </caption>
          <thead>
            <tr>
              <th scope="col">Cause</th>
              <th scope="col">Complaints</th>
              <th scope="col">Share</th>
            </tr>
          </thead>
          <tbody>
            {data.map((row) => (
              <tr key={row.key}>
                <td>{row.name}</td>
                <td>{row.count}</td>
                <td>{formatPercent(row.share, 0)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {report.byDepartment.length > 0 && (
        <p className="muted">Put right by: {report.byDepartment.map((share) => `${share.key} ${share.count}`).join(', ')}</p>
      )}
    </>
  );
}

const COLUMNS: readonly { kpi: KpiName; label: string; kind: Kind }[] = [
  { kpi: 'satisfactionRate', label: 'Satisfaction', kind: 'rate' },
  { kpi: 'firstResponseMinutesMedian', label: 'First response (median)', kind: 'minutes' },
  { kpi: 'firstResponseMinutesP90', label: 'First response (P90)', kind: 'minutes' },
  { kpi: 'resolutionMinutesMedian', label: 'Resolution (median)', kind: 'minutes' },
  { kpi: 'resolutionMinutesP90', label: 'Resolution (P90)', kind: 'minutes' },
  { kpi: 'firstResponseDeadlineRate', label: 'First-response deadlines', kind: 'rate' },
  { kpi: 'resolutionDeadlineRate', label: 'Resolution deadlines', kind: 'rate' },
  { kpi: 'complaintRate', label: 'Complaint rate', kind: 'rate' },
];

function keyLabel(report: KpiReport, row: KpiRow): string {
  const { key } = row;
  const group =
    report.groupBy === 'channel'
      ? channelName(key.channel)
      : report.groupBy && report.groupBy !== 'period'
        ? (key[report.groupBy] ?? `no ${report.groupBy}`)
        : undefined;
  return [key.period, group].filter(Boolean).join(' · ') || 'All';
}

function GroupedRows({ report }: { report: KpiReport }) {
  const heading = [report.groupBy && report.groupBy !== 'period' ? report.groupBy : undefined, report.period ?? undefined].filter(Boolean).join(' and ');
  const capitalised = heading.charAt(0).toUpperCase() + heading.slice(1);
  return (
    <Panel title={`By ${heading}`}>
      {(report.groupBy === 'agent' || report.groupBy === 'department') && (
        <p className="muted">A ticket worked on by several {report.groupBy}s counts in each of their rows, so rows need not add up to the total.</p>
      )}
      <div className="table-scroll">
        <table className="kpi-rows" data-testid="kpi-rows">
          <thead>
            <tr>
              <th scope="col">{capitalised || 'Group'}</th>
              <th scope="col">Tickets</th>
              {COLUMNS.map((column) => (
                <th key={column.kpi} scope="col">
                  {column.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {report.rows.map((row) => (
              <tr key={JSON.stringify(row.key)} data-testid="kpi-row">
                <th scope="row">{keyLabel(report, row)}</th>
                <td data-kpi="tickets">{row.figures.tickets}</td>
                {COLUMNS.map((column) => {
                  const value = kpiValue(row.figures, column.kpi);
                  const check = row.targets.find((candidate) => candidate.kpi === column.kpi);
                  return (
                    <td key={column.kpi} data-kpi={column.kpi} data-value={value === null ? '' : String(value)} className={check?.met === false ? 'kpi-cell--missed' : undefined}>
                      {formatValue(column.kind, value)}
                      {check && check.met !== null && (
                        <span className={`kpi-mark ${check.met ? 'kpi-mark--met' : 'kpi-mark--missed'}`} title={`target ${formatTarget(column.kind, check.target)}`}>
                          {check.met ? ' ✓' : ' ✗'}
                          <span className="mqa-visually-hidden">{check.met ? 'target met' : 'target missed'}</span>
                        </span>
                      )}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Panel>
  );
}
