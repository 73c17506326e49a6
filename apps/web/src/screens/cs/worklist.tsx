import { useId } from 'react';
import { href } from '../../router';
import { formatDuration, formatInstant, LoadMore, Panel } from '../../ui';
import { customerSummary } from './customer-details';
import { DEADLINE_NAMES, ESCALATION_NAMES, shortId, type Worklist, type WorklistArrival, type WorklistItem } from './cs-types';

/** What the worklist is narrowed to; the service applies it. */
export interface WorklistFilter {
  readonly arrived?: WorklistArrival;
  readonly mine: boolean;
}

const ARRIVALS: { value: WorklistArrival | ''; label: string }[] = [
  { value: '', label: 'Everything waiting' },
  { value: 'result', label: 'Results to confirm' },
  { value: 'late_progress', label: 'Late progress' },
];

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
  return (
    <Panel
      title={`Waiting for CS${worklist ? ` (${worklist.items.length}${worklist.nextCursor ? '+' : ''})` : ''}`}
      actions={
        <button type="button" className="secondary" onClick={props.onRefresh} disabled={props.loading}>
          {props.loading ? 'Refreshing…' : 'Refresh'}
        </button>
      }
    >
      <div className="cs-worklist-filters">
        <label htmlFor={`${ids}-arrived`}>Show</label>
        <select id={`${ids}-arrived`} value={filter.arrived ?? ''} onChange={(event) => props.onFilter({ ...filter, arrived: (event.target.value || undefined) as WorklistArrival | undefined })}>
          {ARRIVALS.map((option) => (
            <option key={option.value} value={option.value}>
              {option.label}
            </option>
          ))}
        </select>
        <label className="cs-check">
          <input type="checkbox" checked={filter.mine} onChange={(event) => props.onFilter({ ...filter, mine: event.target.checked })} /> Mine only (contacts I recorded)
        </label>
      </div>
      {!worklist ? (
        <p className="muted">Loading…</p>
      ) : worklist.items.length === 0 ? (
        <p className="muted" data-testid="worklist-empty">
          {filter.arrived || filter.mine ? 'Nothing with these filters.' : 'Nothing is waiting: every result is confirmed and every department is within its deadlines.'}
        </p>
      ) : (
        <>
          <div className="table-scroll">
            <table className="cs-table" aria-label="Waiting for CS, longest waiting first">
              <thead>
                <tr>
                  <th scope="col">Waiting</th>
                  <th scope="col">Ticket</th>
                  <th scope="col">Customer</th>
                  <th scope="col">Department</th>
                  <th scope="col">What arrived</th>
                  <th scope="col">
                    <span className="visually-hidden">Action</span>
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
  const late = item.arrived === 'late_progress';
  const label = item.subject ?? `Ticket ${shortId(item.ticketId)}`;
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
        {item.round > 1 && <span className="badge badge--warn">round {item.round}</span>}
      </td>
      <td data-label="Customer">{customerSummary(item.customer)}</td>
      <td data-label="Department">{item.result?.resolvedBy === 'first_contact' ? 'CS (first contact)' : (item.department ?? '—')}</td>
      <td data-label="What arrived" className="cs-table__text">
        {item.result && (
          <>
            <span className="badge badge--ok">Result</span> {item.result.summary || '—'}
            {item.result.contactAttempts > 0 && <span className="badge badge--warn">{item.result.contactAttempts} not reached</span>}
          </>
        )}
        {item.lateProgress && (
          <>
            <span className="badge badge--danger">Late progress</span> {DEADLINE_NAMES[item.lateProgress.deadline] ?? item.lateProgress.deadline}, due {formatInstant(item.lateProgress.dueAt)}
            {item.lateProgress.escalationLevel && <> · escalated to {ESCALATION_NAMES[item.lateProgress.escalationLevel] ?? item.lateProgress.escalationLevel}</>}
          </>
        )}
      </td>
      <td data-label="">
        <a className={`cs-button-link${late ? ' secondary' : ''}`} href={href('cs', 'worklist', item.ticketId)} aria-label={`${late ? 'Details of' : 'Follow up'} ticket ${label}`}>
          {late ? 'Details' : 'Follow up'}
        </a>
      </td>
    </tr>
  );
}
