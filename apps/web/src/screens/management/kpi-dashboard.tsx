import { useEffect, useMemo, useState } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import { i18n, localeFormat } from '../../i18n';
import { Bar, BarChart, CartesianGrid, Cell, ReferenceArea, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { api, apiUrl } from '../../api';
import { useCauseLabel } from '../../complaint-causes';
import { Field, formatDuration, formatInstant, formatPercent, Notice, Panel } from '../../ui';
// The one reading of a KPI from its figures, the services' own: a plain function that imports nothing.
import { kpiValue } from '@handoff/contracts/api/kpis';
import type { ComplaintReport, GroupBy, Granularity, KpiFigures, KpiName, KpiReport, KpiRow, PolicyBasis, Target } from './kpi-types';
import { MetBadge } from './tabs';
import { DEFAULT_TIME_ZONE, fromLocalInput, RANGE_CHOICES, rangeOf, type Range, type RangeChoice } from './zoned-time';

type Kind = 'rate' | 'minutes';

// A card's name is `kpi.cards.<kpi>` in the management namespace.
interface Card {
  readonly kpi: KpiName;
  readonly kind: Kind;
  /** What the figure is counted over, in words. */
  readonly basis: (figures: KpiFigures) => string;
}

/** The standards first (satisfaction, response and resolution times, deadlines), then the other indicators. */
const basis = (key: string, values: Record<string, unknown>) => i18n.t(`management:kpi.basis.${key}`, values);
const CARDS: readonly Card[] = [
  { kpi: 'satisfactionRate', kind: 'rate', basis: (f) => basis('satisfied', { satisfied: f.closedSatisfied, closed: f.closed }) },
  { kpi: 'firstResponseMinutesMedian', kind: 'minutes', basis: (f) => basis('answered', { count: f.firstResponseMinutes.count }) },
  { kpi: 'firstResponseMinutesP90', kind: 'minutes', basis: (f) => basis('answered', { count: f.firstResponseMinutes.count }) },
  { kpi: 'resolutionMinutesMedian', kind: 'minutes', basis: (f) => basis('resolved', { count: f.resolutionMinutes.count }) },
  { kpi: 'resolutionMinutesP90', kind: 'minutes', basis: (f) => basis('resolved', { count: f.resolutionMinutes.count }) },
  { kpi: 'firstResponseDeadlineRate', kind: 'rate', basis: (f) => basis('deadlines', { met: f.firstResponseDeadline.met, missed: f.firstResponseDeadline.missed }) },
  { kpi: 'resolutionDeadlineRate', kind: 'rate', basis: (f) => basis('deadlines', { met: f.resolutionDeadline.met, missed: f.resolutionDeadline.missed }) },
  { kpi: 'complaintRate', kind: 'rate', basis: (f) => basis('complaints', { complaints: f.complaints, tickets: f.tickets }) },
  { kpi: 'resolutionRate', kind: 'rate', basis: (f) => basis('resolvedOf', { resolved: f.closedSatisfied, tickets: f.tickets }) },
  { kpi: 'firstContactResolutionRate', kind: 'rate', basis: (f) => basis('firstContact', { count: f.resolvedAtFirstContact, tickets: f.tickets }) },
  { kpi: 'reopenRate', kind: 'rate', basis: (f) => basis('reopened', { reopened: f.reopened, withResult: f.withResult }) },
];

/** Period bounds as the organisation reads them: its own clock, not the browser's. */
const inZone = (iso: string, timeZone: string): string => localeFormat().dateTime(iso, { timeZone, dateStyle: 'medium', timeStyle: 'short' });

const formatMinutes = (minutes: number | null): string => (minutes === null ? '—' : formatDuration(minutes * 60_000));
const formatValue = (kind: Kind, value: number | null): string => (kind === 'rate' ? formatPercent(value) : formatMinutes(value));

/** "≥ 90.0%", "≤ 30 min", "≤ 24 h". */
function formatTarget(kind: Kind, target: Target): string {
  const bound = 'min' in target ? target.min : target.max;
  const sign = 'min' in target ? '≥' : '≤';
  if (kind === 'rate') return `${sign} ${formatPercent(bound)}`;
  return `${sign} ${bound >= 60 && bound % 60 === 0 ? i18n.t('management:kpi.hoursUnit', { count: bound / 60 }) : formatMinutes(bound)}`;
}

// Their names are `kpi.groupings.<value or none>` and `kpi.granularity.<value>`.
const GROUPINGS: readonly (GroupBy | '')[] = ['', 'period', 'department', 'agent', 'channel', 'type'];
const GRANULARITIES: readonly Granularity[] = ['day', 'week', 'month'];

export const channelName = (channel: string | null | undefined): string => (channel ? i18n.t(`common:channels.${channel}`, { defaultValue: channel }) : '—');

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
  const { t } = useTranslation('management');

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
        title={t('kpi.title')}
        actions={
          <div className="row">
            <button type="button" className="secondary" onClick={() => setRefreshed((count) => count + 1)}>
              {t('common:refresh')}
            </button>
            <a className="mqa-button-link" href={apiUrl('evaluation', '/v1/kpis', { ...query, format: 'csv' })} download="kpis.csv">
              {t('kpi.csv')}
            </a>
          </div>
        }
      >
        <form className="kpi-filters" aria-label={t('kpi.query')} onSubmit={(event) => event.preventDefault()}>
          <Field label={t('kpi.period')} field="range" error={error}>
            {(control) => (
              <select {...control} value={choice} onChange={(event) => setChoice(event.target.value as RangeChoice)}>
                {RANGE_CHOICES.map((option) => (
                  <option key={option.value} value={option.value}>
                    {t(`kpi.ranges.${option.value}`)}
                  </option>
                ))}
              </select>
            )}
          </Field>
          {choice === 'custom' && (
            <>
              <Field label={t('kpi.openedFrom')} field="from" error={error}>
                {(control) => <input {...control} type="datetime-local" value={customFrom} onChange={(event) => setCustomFrom(event.target.value)} />}
              </Field>
              <Field label={t('kpi.openedBefore')} field="to" error={error}>
                {(control) => <input {...control} type="datetime-local" value={customTo} onChange={(event) => setCustomTo(event.target.value)} />}
              </Field>
            </>
          )}
          <Field label={t('kpi.groupBy')} field="groupBy" error={error}>
            {(control) => (
              <select {...control} value={groupBy} onChange={(event) => setGroupBy(event.target.value as GroupBy | '')}>
                {GROUPINGS.map((value) => (
                  <option key={value} value={value}>
                    {t(`kpi.groupings.${value || 'none'}`)}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label={t('kpi.rowsPer')} field="period" error={error} hint={groupBy === 'period' && !granularity ? t('kpi.monthUnlessChosen') : undefined}>
            {(control) => (
              <select {...control} value={granularity} onChange={(event) => setGranularity(event.target.value as Granularity | '')}>
                <option value="">{groupBy === 'period' ? t('kpi.monthDefault') : t('kpi.wholePeriod')}</option>
                {GRANULARITIES.map((value) => (
                  <option key={value} value={value}>
                    {t(`kpi.granularity.${value}`)}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <fieldset className="policy-toggle">
            <legend>{t('kpi.policyLegend')}</legend>
            <label>
              <input type="radio" name="policy" value="then" checked={policy === 'then'} onChange={() => setPolicy('then')} /> {t('kpi.asThen')}
            </label>
            <label>
              <input type="radio" name="policy" value="now" checked={policy === 'now'} onChange={() => setPolicy('now')} /> {t('kpi.underToday')}
            </label>
          </fieldset>
        </form>
        <Notice error={error} />
        {report && (
          <p className="muted kpi-scope" data-testid="kpi-scope">
            {report.from || report.to
              ? `${t('kpi.ticketsOpened')}${report.from ? t('kpi.from', { time: inZone(report.from, report.timeZone) }) : ''}${report.to ? t('kpi.before', { time: inZone(report.to, report.timeZone) }) : ''}`
              : t('kpi.allTickets')}
            {' · '}
            {report.policy.basis === 'then' ? t('kpi.basisThen') : t('kpi.basisNow')}
            {t('kpi.versions', {
              targets: report.policy.targetsVersions.join(', '),
              deadlines: report.policy.deadlinePolicyVersions.length ? t('kpi.deadlineVersions', { versions: report.policy.deadlinePolicyVersions.join(', ') }) : '',
            })}
            {' · '}
            {t('kpi.timesIn', { zone: report.timeZone })}
            {' · '}
            {t('kpi.asOf', { time: formatInstant(report.asOf) })}
          </p>
        )}
        <div aria-live="polite" aria-busy={loading}>
          {loading && !report && <p className="muted">{t('kpi.loading')}</p>}
          {total && (
            <>
              <p className="kpi-volume">
                <Trans
                  t={t}
                  i18nKey="kpi.volume"
                  values={{ tickets: total.figures.tickets, complaints: total.figures.complaints, closed: total.figures.closed }}
                  components={[<strong data-testid="kpi-tickets" />, <strong data-testid="kpi-complaints" />, <strong />]}
                />
                {total.figures.closedUnreachable > 0 ? t('kpi.unreachable', { count: total.figures.closedUnreachable }) : ''}
              </p>
              <ul className="kpi-cards" aria-label={t('kpi.indicators')}>
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
          <Panel title={t('kpi.byHour')}>
            <HourChart report={report} />
          </Panel>
          <Panel title={t('kpi.byChannel')}>
            <ChannelChart figures={total.figures} />
          </Panel>
          <Panel title={t('kpi.causes')}>{complaints && <ComplaintCauses report={complaints} />}</Panel>
        </div>
      )}
      {report && report.rows.length > 0 && <GroupedRows report={report} />}
      {report && (report.groupBy || report.period) && report.rows.length === 0 && (
        <Panel title={t('kpi.grouped')}>
          <p className="muted">{t('kpi.noTickets')}</p>
        </Panel>
      )}
    </>
  );
}

function KpiCard({ card, row }: { card: Card; row: KpiRow }) {
  const actual = kpiValue(row.figures, card.kpi);
  const check = row.targets.find((candidate) => candidate.kpi === card.kpi);
  const { t } = useTranslation('management');
  return (
    <li className={`kpi-card${check?.met === false ? ' kpi-card--missed' : check?.met === true ? ' kpi-card--met' : ''}`} data-testid={`kpi-${card.kpi}`}>
      <span className="kpi-card__label">{t(`kpi.cards.${card.kpi}`)}</span>
      <span className="kpi-card__actual" data-value={actual === null ? '' : String(actual)}>
        {formatValue(card.kind, actual)}
      </span>
      <span className="kpi-card__target">
        {check ? (
          <>
            {t('kpi.target', { target: formatTarget(card.kind, check.target) })} <MetBadge met={check.met} />
          </>
        ) : (
          <span className="muted">{t('kpi.noTarget')}</span>
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
  const { t } = useTranslation('management');
  return (
    <figure className="kpi-chart">
      <div className="kpi-chart__plot" role="img" aria-label={t('kpi.hourChart', { hours: hourRanges(report.peakHours) })}>
        <ResponsiveContainer width="100%" height={220}>
          <BarChart accessibilityLayer={false} data={data} margin={{ top: 8, right: 8, bottom: 0, left: -20 }}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} />
            {/* The peak hours are shaded whether or not anything came in then: they are what to staff for. */}
            {hourRuns(report.peakHours).map(([start, end]) => (
              <ReferenceArea key={start} x1={start - 0.5} x2={end - 0.5} fill={PEAK} fillOpacity={0.12} stroke={PEAK} strokeOpacity={0.35} ifOverflow="extendDomain" />
            ))}
            <XAxis dataKey="hour" type="number" domain={[-0.5, 23.5]} ticks={[0, 3, 6, 9, 12, 15, 18, 21]} tickFormatter={(hour: number) => String(hour).padStart(2, '0')} tick={{ fontSize: 11 }} />
            <YAxis allowDecimals={false} tick={{ fontSize: 11 }} />
            <Tooltip formatter={(value) => [value, t('kpi.contacts')]} labelFormatter={(hour) => `${String(hour).padStart(2, '0')}:00–${String(hour).padStart(2, '0')}:59`} />
            <Bar dataKey="volume" isAnimationActive={false} barSize={8}>
              {data.map((hour) => (
                <Cell key={hour.hour} fill={hour.peak ? PEAK : ACCENT} />
              ))}
            </Bar>
          </BarChart>
        </ResponsiveContainer>
      </div>
      <figcaption>
        <span className="kpi-legend kpi-legend--peak" /> {t('kpi.peakHours', { hours: hourRanges(report.peakHours), zone: report.timeZone })} <span className="kpi-legend kpi-legend--plain" /> {t('kpi.otherHours')}
        {busiest.length > 0 && <> · {t('kpi.busiest', { hours: busiest.map((hour) => `${String(hour).padStart(2, '0')}:00`).join(', ') })}</>}
      </figcaption>
      <details>
        <summary>{t('kpi.asTable')}</summary>
        <div className="table-scroll">
          <table>
            <thead>
              <tr>
                <th scope="col">{t('kpi.hour')}</th>
                <th scope="col">{t('kpi.contactsColumn')}</th>
                <th scope="col">{t('kpi.peak')}</th>
              </tr>
            </thead>
            <tbody>
              {data.map((hour) => (
                <tr key={hour.hour}>
                  <td>{hour.label}:00</td>
                  <td>{hour.volume}</td>
                  <td>{hour.peak ? t('kpi.peakMark') : ''}</td>
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
  const { t } = useTranslation('management');
  return (
    <figure className="kpi-chart">
      <div className="kpi-chart__plot" role="img" aria-label={t('kpi.channelChart', { list: data.map((row) => `${row.name} ${row.volume}`).join(', ') })}>
        <ResponsiveContainer width="100%" height={220}>
          <BarChart accessibilityLayer={false} data={data} layout="vertical" margin={{ top: 0, right: 16, bottom: 0, left: 8 }}>
            <CartesianGrid strokeDasharray="3 3" horizontal={false} />
            <XAxis type="number" allowDecimals={false} tick={{ fontSize: 11 }} />
            <YAxis type="category" dataKey="name" width={110} tick={{ fontSize: 11 }} />
            <Tooltip formatter={(value) => [value, t('kpi.contacts')]} />
            <Bar dataKey="volume" fill={ACCENT} isAnimationActive={false} />
          </BarChart>
        </ResponsiveContainer>
      </div>
      <figcaption className="muted">{data.map((row) => `${row.name}: ${row.volume}`).join(' · ')}</figcaption>
    </figure>
  );
}

function ComplaintCauses({ report }: { report: ComplaintReport }) {
  const { t } = useTranslation('management');
  const labelOf = useCauseLabel();
  if (report.complaints === 0) return <p className="muted">{t('kpi.noComplaints')}</p>;
  const data = report.byCause.map((share) => ({ ...share, name: labelOf(share.label) }));
  return (
    <>
      <div className="kpi-chart__plot" role="img" aria-label={t('kpi.causesChart', { list: data.map((row) => `${row.name} ${formatPercent(row.share, 0)}`).join(', ') })}>
        <ResponsiveContainer width="100%" height={Math.max(80, data.length * 36)}>
          <BarChart accessibilityLayer={false} data={data} layout="vertical" margin={{ top: 0, right: 16, bottom: 0, left: 8 }}>
            <XAxis type="number" allowDecimals={false} tick={{ fontSize: 11 }} />
            <YAxis type="category" dataKey="name" width={120} tick={{ fontSize: 11 }} />
            <Tooltip formatter={(value) => [value, t('kpi.complaints')]} />
            <Bar dataKey="count" fill="#b3261e" isAnimationActive={false} />
          </BarChart>
        </ResponsiveContainer>
      </div>
      <div className="table-scroll">
        <table data-testid="complaint-causes">
          <caption className="muted">
            {t('kpi.causesCaption', { count: report.complaints, put: report.withCorrectiveAction.count, share: formatPercent(report.withCorrectiveAction.share, 0) })}
          </caption>
          <thead>
            <tr>
              <th scope="col">{t('kpi.cause')}</th>
              <th scope="col">{t('kpi.complaintsColumn')}</th>
              <th scope="col">{t('kpi.share')}</th>
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
        <p className="muted">{t('kpi.putRightBy', { list: report.byDepartment.map((share) => `${share.key} ${share.count}`).join(', ') })}</p>
      )}
    </>
  );
}

// A column's heading is `kpi.columns.<kpi>`.
const COLUMNS: readonly { kpi: KpiName; kind: Kind }[] = [
  { kpi: 'satisfactionRate', kind: 'rate' },
  { kpi: 'firstResponseMinutesMedian', kind: 'minutes' },
  { kpi: 'firstResponseMinutesP90', kind: 'minutes' },
  { kpi: 'resolutionMinutesMedian', kind: 'minutes' },
  { kpi: 'resolutionMinutesP90', kind: 'minutes' },
  { kpi: 'firstResponseDeadlineRate', kind: 'rate' },
  { kpi: 'resolutionDeadlineRate', kind: 'rate' },
  { kpi: 'complaintRate', kind: 'rate' },
];

function keyLabel(report: KpiReport, row: KpiRow): string {
  const { key } = row;
  const group =
    report.groupBy === 'channel'
      ? channelName(key.channel)
      : report.groupBy && report.groupBy !== 'period'
        ? (key[report.groupBy] ?? i18n.t('management:kpi.noGroup', { group: i18n.t(`management:kpi.groupNames.${report.groupBy}`) }))
        : undefined;
  return [key.period, group].filter(Boolean).join(' · ') || i18n.t('management:kpi.all');
}

function GroupedRows({ report }: { report: KpiReport }) {
  const { t } = useTranslation('management');
  const heading = [report.groupBy && report.groupBy !== 'period' ? report.groupBy : undefined, report.period ?? undefined]
    .filter(Boolean)
    .map((part) => t(`kpi.groupNames.${String(part)}`, { defaultValue: String(part) }))
    .join(t('kpi.and'));
  const capitalised = heading.charAt(0).toUpperCase() + heading.slice(1);
  return (
    <Panel title={t('kpi.by', { heading })}>
      {(report.groupBy === 'agent' || report.groupBy === 'department') && (
        <p className="muted">{t('kpi.several', { group: t(`kpi.groupNames.${report.groupBy}`) })}</p>
      )}
      <div className="table-scroll">
        <table className="kpi-rows" data-testid="kpi-rows">
          <thead>
            <tr>
              <th scope="col">{capitalised || t('kpi.group')}</th>
              <th scope="col">{t('kpi.tickets')}</th>
              {COLUMNS.map((column) => (
                <th key={column.kpi} scope="col">
                  {t(`kpi.columns.${column.kpi}`)}
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
                        <span className={`kpi-mark ${check.met ? 'kpi-mark--met' : 'kpi-mark--missed'}`} title={t('kpi.target', { target: formatTarget(column.kind, check.target) })}>
                          {check.met ? ' ✓' : ' ✗'}
                          <span className="mqa-visually-hidden">{check.met ? t('kpi.targetMet') : t('kpi.targetMissed')}</span>
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
