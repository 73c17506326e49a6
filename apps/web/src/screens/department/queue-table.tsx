import { href } from '../../router';
import { formatInstant } from '../../ui';
import { i18n } from '../../i18n';
import { Countdown } from './countdown';
import { runningDeadlines, STATUS_NAMES, type QueueItem } from './department-types';

export const DEADLINE_LABELS = { first_response: 'First response', resolution: 'Resolution' } as const;

/** The queue as the service orders it (most urgent first); each running deadline ticks down. */
export function QueueTable({ items, department, now, selected, label, nameOf }: { items: readonly QueueItem[]; department: string; now: number; selected?: string; label: string; nameOf: (personId: string) => string }) {
  return (
    <div className="table-scroll">
      <table className="dept-table" aria-label={label}>
        <thead>
          <tr>
            <th scope="col">Next deadline</th>
            <th scope="col">Ticket</th>
            <th scope="col">Status</th>
            <th scope="col">Handler</th>
          </tr>
        </thead>
        <tbody>
          {items.map((item) => {
            const next = runningDeadlines(item)[0];
            const overdue = runningDeadlines(item).some((deadline) => Date.parse(deadline.dueAt) < now);
            const isSelected = item.ticketId === selected;
            return (
              <tr
                key={item.ticketId}
                data-testid="queue-row"
                data-ticket-id={item.ticketId}
                className={`${overdue ? 'dept-table__overdue' : ''}${isSelected ? ' dept-table__selected' : ''}`}
                aria-current={isSelected ? 'true' : undefined}
              >
                <td data-label="Deadline">
                  {next ? <Countdown dueAt={next.dueAt} now={now} label={DEADLINE_LABELS[next.kind]} /> : <span className="muted">no clock running</span>}
                  {overdue && <span className="badge badge--danger dept-overdue">Overdue</span>}
                </td>
                <td data-label="Ticket">
                  <a className="dept-table__subject" href={href('department', department, 'ticket', item.ticketId)}>
                    {item.subject ?? `Ticket ${item.ticketId.slice(0, 8)}`}
                  </a>
                  <div className="dept-badges">
                    {item.complaint && <span className="badge badge--danger">Complaint</span>}
                    {!item.complaint && <span className="badge">{i18n.t(`common:ticketTypes.${item.type}`, { defaultValue: item.type })}</span>}
                    <span className={`badge${item.priority === 'urgent' ? ' badge--danger' : item.priority === 'high' ? ' badge--warn' : ''}`}>{item.priority}</span>
                    {item.round > 1 && <span className="badge badge--warn">round {item.round}</span>}
                    {item.escalation.level && (
                      <span className="badge badge--warn">escalated to {item.escalation.level === 'management' ? 'management' : 'manager'}</span>
                    )}
                    {item.pendingTransfer && <span className="badge">offered to {item.pendingTransfer.toDepartment}</span>}
                  </div>
                </td>
                <td data-label="Status">
                  {STATUS_NAMES[item.status]}
                  {item.closedOutcome && <span className="muted"> ({item.closedOutcome.replace(/_/g, ' ')})</span>}
                  <div className="muted dept-small" title={formatInstant(item.updatedAt)}>
                    since {formatInstant(item.updatedAt)}
                  </div>
                </td>
                <td data-label="Handler">{item.handlerId ? <span title={item.handlerId}>{nameOf(item.handlerId)}</span> : <span className="muted">none yet</span>}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
