import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { href } from '../../router';
import { formatDuration, formatInstant, LoadMore, Panel } from '../../ui';
import { customerSummary } from './customer-details';
import { shortId, type Worklist, type WorklistArrival, type WorklistItem } from './cs-types';

/** What the worklist is narrowed to; the service applies it. */
export interface WorklistFilter {
  readonly arrived?: WorklistArrival;
  readonly mine: boolean;
}

const ARRIVALS = [
  { value: '', label: 'worklist.everything' },
  { value: 'result', label: 'worklist.results' },
  { value: 'late_progress', label: 'worklist.late' },
] as const;

/**
 * CS's follow-up worklist, longest waiting first, one page at a time: what arrived (a result to
 * confirm with the customer, or a department late with news), which ticket (its subject), whom
 * to call (masked) and from which department.
 */
export function WorklistTable(props: {
  worklist: Worklist | null;
  filter: WorklistFilter;
  onFilter: (filter: WorklistFilter) => void;
  now: number;
  selected?: string;
  onRefresh: () => void;
  onMore: () => void;
  loading: boolean;
}) {
  const { worklist, filter, now, selected } = props;
  const ids = useId();
  const { t } = useTranslation('lists');
  return (
    <Panel
      title={worklist ? t('worklist.title', { n: `${worklist.items.length}${worklist.nextCursor ? '+' : ''}` }) : t('worklist.titleLoading')}
      actions={
        <button type="button" className="secondary" onClick={props.onRefresh} disabled={props.loading}>
          {props.loading ? 'Refreshing…' : 'Refresh'}
        </button>
      }
    >
      <div className="cs-worklist-filters">
        <label htmlFor={`${ids}-arrived`}>{t('worklist.show')}</label>
        <select id={`${ids}-arrived`} value={filter.arrived ?? ''} onChange={(event) => props.onFilter({ ...filter, arrived: (event.target.value || undefined) as WorklistArrival | undefined })}>
          {ARRIVALS.map((option) => (
            <option key={option.value} value={option.value}>
              {t(option.label)}
            </option>
          ))}
        </select>
        <label className="cs-check">
          <input type="checkbox" checked={filter.mine} onChange={(event) => props.onFilter({ ...filter, mine: event.target.checked })} /> {t('worklist.mine')}
        </label>
      </div>
      {!worklist ? (
        <p className="muted">Loading…</p>
      ) : worklist.items.length === 0 ? (
        <p className="muted" data-testid="worklist-empty">
          {filter.arrived || filter.mine ? t('worklist.noneFiltered') : t('worklist.none')}
        </p>
      ) : (
        <>
          <div className="table-scroll">
            <table className="cs-table" aria-label={t('worklist.tableLabel')}>
              <thead>
                <tr>
                  <th scope="col">{t('worklist.waiting')}</th>
                  <th scope="col">{t('ticket')}</th>
                  <th scope="col">{t('worklist.customer')}</th>
                  <th scope="col">{t('worklist.department')}</th>
                  <th scope="col">{t('worklist.arrived')}</th>
                  <th scope="col">
                    <span className="visually-hidden">{t('worklist.action')}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {worklist.items.map((item) => (
                  <WorklistRow key={item.ticketId} item={item} now={now} selected={item.ticketId === selected} />
                ))}
              </tbody>
            </table>
          </div>
          <LoadMore hasMore={Boolean(worklist.nextCursor)} loading={props.loading} onMore={props.onMore} shown={worklist.items.length} />
        </>
      )}
    </Panel>
  );
}

function WorklistRow({ item, now, selected }: { item: WorklistItem; now: number; selected: boolean }) {
  const { t } = useTranslation('lists');
  const late = item.arrived === 'late_progress';
  const label = item.subject ?? `${t('ticket')} ${shortId(item.ticketId)}`;
  return (
    <tr
      data-testid={late ? 'late-progress' : 'awaiting-confirmation'}
      data-ticket-id={item.ticketId}
      aria-current={selected ? 'true' : undefined}
      className={selected ? 'cs-table__selected' : undefined}
    >
      <td data-label="Waiting">
        <span className={late ? 'badge badge--danger' : undefined} title={formatInstant(item.since)}>
          {item.since ? formatDuration(now - Date.parse(item.since)) : '—'}
        </span>
      </td>
      <td data-label="Ticket">
        <span className="cs-table__subject">{label}</span>{' '}
        <code className="muted" title={item.ticketId}>
          {shortId(item.ticketId)}
        </code>
        {item.round > 1 && <span className="badge badge--warn">{t('worklist.round', { round: item.round })}</span>}
      </td>
      <td data-label="Customer">{customerSummary(item.customer)}</td>
      <td data-label="Department">{item.result?.resolvedBy === 'first_contact' ? t('worklist.firstContact') : (item.department ?? '—')}</td>
      <td data-label="What arrived" className="cs-table__text">
        {item.result && (
          <>
            <span className="badge badge--ok">{t('worklist.result')}</span> {item.result.summary || '—'}
            {item.result.contactAttempts > 0 && <span className="badge badge--warn">{t('worklist.notReached', { count: item.result.contactAttempts })}</span>}
          </>
        )}
        {item.lateProgress && (
          <>
            <span className="badge badge--danger">{t('worklist.lateProgress')}</span> {t(`common:deadlines.${item.lateProgress.deadline}`, { defaultValue: item.lateProgress.deadline })},{' '}
            {t('due', { when: formatInstant(item.lateProgress.dueAt) })}
            {item.lateProgress.escalationLevel && <> · {t('worklist.escalatedTo', { level: t(`common:escalations.${item.lateProgress.escalationLevel}`, { defaultValue: item.lateProgress.escalationLevel }) })}</>}
          </>
        )}
      </td>
      <td data-label="">
        <a className={`cs-button-link${late ? ' secondary' : ''}`} href={href('cs', 'worklist', item.ticketId)} aria-label={`${late ? 'Details of' : 'Follow up'} ticket ${label}`}>
          {late ? t('worklist.details') : t('worklist.followUp')}
        </a>
      </td>
    </tr>
  );
}
