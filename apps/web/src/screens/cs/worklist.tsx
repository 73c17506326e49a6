import { formatDuration, formatInstant, Panel } from '../../ui';
import { href } from '../../router';
import { customerSummary } from './customer-details';
import { DEADLINE_NAMES, ESCALATION_NAMES, shortId, type Worklist } from './cs-types';

/** CS's follow-up worklist: results to confirm (oldest first) and departments late with news. */
export function WorklistTables({ worklist, now, selected, onRefresh, loading }: { worklist: Worklist | null; now: number; selected?: string; onRefresh: () => void; loading: boolean }) {
  const refresh = (
    <button type="button" className="secondary" onClick={onRefresh} disabled={loading}>
      {loading ? 'Refreshing…' : 'Refresh'}
    </button>
  );
  return (
    <>
      <Panel title={`Results to confirm with the customer${worklist ? ` (${worklist.awaitingConfirmation.length})` : ''}`} actions={refresh}>
        {!worklist ? (
          <p className="muted">Loading…</p>
        ) : worklist.awaitingConfirmation.length === 0 ? (
          <p className="muted">No result is waiting for the customer’s confirmation.</p>
        ) : (
          <div className="table-scroll">
            <table className="cs-table" aria-label="Results to confirm, oldest first">
              <thead>
                <tr>
                  <th scope="col">Waiting</th>
                  <th scope="col">Ticket</th>
                  <th scope="col">Result from</th>
                  <th scope="col">Result</th>
                  <th scope="col">Customer</th>
                  <th scope="col">Attempts</th>
                  <th scope="col">
                    <span className="visually-hidden">Action</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {worklist.awaitingConfirmation.map((item) => (
                  <tr key={item.ticketId} data-testid="awaiting-confirmation" data-ticket-id={item.ticketId} aria-current={item.ticketId === selected ? 'true' : undefined} className={item.ticketId === selected ? 'cs-table__selected' : undefined}>
                    <td data-label="Waiting">
                      <span title={formatInstant(item.requestedAt)}>{formatDuration(now - Date.parse(item.requestedAt))}</span>
                    </td>
                    <td data-label="Ticket">
                      <code title={item.ticketId}>{shortId(item.ticketId)}</code>
                      {item.round > 1 && <span className="badge badge--warn">round {item.round}</span>}
                    </td>
                    <td data-label="Result from">{item.resolvedBy === 'first_contact' ? 'CS (first contact)' : (item.department ?? 'department')}</td>
                    <td data-label="Result" className="cs-table__text">
                      {item.resultSummary || '—'}
                    </td>
                    <td data-label="Customer">{customerSummary(item.customer)}</td>
                    <td data-label="Attempts">{item.contactAttempts > 0 ? <span className="badge badge--warn">{item.contactAttempts} not reached</span> : '—'}</td>
                    <td data-label="">
                      <a className="cs-button-link" href={href('cs', 'worklist', item.ticketId)} aria-label={`Follow up ticket ${shortId(item.ticketId)}`}>
                        Follow up
                      </a>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Panel>
      <Panel title={`Late progress${worklist ? ` (${worklist.lateProgress.length})` : ''}`}>
        {!worklist ? null : worklist.lateProgress.length === 0 ? (
          <p className="muted">Every department is within its deadlines or has sent news.</p>
        ) : (
          <div className="table-scroll">
            <table className="cs-table" aria-label="Late progress, most overdue first">
              <thead>
                <tr>
                  <th scope="col">Overdue</th>
                  <th scope="col">Ticket</th>
                  <th scope="col">Department</th>
                  <th scope="col">Deadline</th>
                  <th scope="col">Escalated to</th>
                  <th scope="col">Customer</th>
                  <th scope="col">
                    <span className="visually-hidden">Action</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {worklist.lateProgress.map((item) => (
                  <tr key={`${item.ticketId}-${item.round}-${item.deadline}`} data-testid="late-progress" data-ticket-id={item.ticketId}>
                    <td data-label="Overdue">
                      <span className="badge badge--danger" title={formatInstant(item.dueAt)}>
                        {item.dueAt ? formatDuration(now - Date.parse(item.dueAt)) : 'overdue'}
                      </span>
                    </td>
                    <td data-label="Ticket">
                      <code title={item.ticketId}>{shortId(item.ticketId)}</code> {item.round > 1 && <span className="badge">round {item.round}</span>}
                    </td>
                    <td data-label="Department">{item.department}</td>
                    <td data-label="Deadline">
                      {DEADLINE_NAMES[item.deadline] ?? item.deadline}, due {formatInstant(item.dueAt)}
                    </td>
                    <td data-label="Escalated to">{item.escalationLevel ? (ESCALATION_NAMES[item.escalationLevel] ?? item.escalationLevel) : '—'}</td>
                    <td data-label="Customer">{customerSummary(item.customer)}</td>
                    <td data-label="">
                      <a className="cs-button-link secondary" href={href('cs', 'worklist', item.ticketId)} aria-label={`Details of ticket ${shortId(item.ticketId)}`}>
                        Details
                      </a>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Panel>
    </>
  );
}
