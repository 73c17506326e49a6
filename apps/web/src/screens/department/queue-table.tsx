import { useTranslation } from 'react-i18next';
import { href } from '../../router';
import { DueAt, formatInstant } from '../../ui';
import { Countdown } from './countdown';
import { runningDeadlines, type QueueItem } from './department-types';

/** The queue as the service orders it (most urgent first: priority and deadline together); each running deadline ticks down. */
/**
 * `assignsAutomatically`: in such a department a ticket without a handler is one the strategy
 * could not place yet (everyone at their limit or away): it waits for a free handler.
 */
export function QueueTable({
  items,
  department,
  now,
  selected,
  label,
  nameOf,
  assignsAutomatically = false,
}: {
  items: readonly QueueItem[];
  department: string;
  now: number;
  selected?: string;
  label: string;
  nameOf: (personId: string) => string;
  assignsAutomatically?: boolean;
}) {
  const { t } = useTranslation('department');
  return (
    <div className="table-scroll">
      <table className="dept-table" aria-label={label}>
        <thead>
          <tr>
            <th scope="col">{t('table.nextDeadline')}</th>
            <th scope="col">{t('table.ticket')}</th>
            <th scope="col">{t('table.status')}</th>
            <th scope="col">{t('table.handler')}</th>
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
                <td data-label={t('table.deadline')}>
                  {next ? <Countdown dueAt={next.dueAt} now={now} label={t(`common:deadlines.${next.kind}`)} /> : <span className="muted">{t('table.noClock')}</span>}
                  {next && (
                    <div>
                      <DueAt iso={next.dueAt} businessHours={item.deadlines.businessHours} testId="due-at" />
                    </div>
                  )}
                  {overdue && <span className="badge badge--danger dept-overdue">{t('table.overdue')}</span>}
                  {item.paused && (
                    <div>
                      <span className="badge badge--warn" data-testid="queue-paused">
                        {t('pause.pausedSince', { time: formatInstant(item.paused.since), reason: t(`pause.reasons.${item.paused.reason}`) })}
                      </span>
                    </div>
                  )}
                </td>
                <td data-label={t('table.ticket')}>
                  <a className="dept-table__subject" href={href('department', department, 'ticket', item.ticketId)}>
                    {item.subject ?? t('ticketShort', { id: item.ticketId.slice(0, 8) })}
                  </a>
                  <div className="dept-badges">
                    {item.complaint && <span className="badge badge--danger">{t('table.complaint')}</span>}
                    {!item.complaint && <span className="badge">{t(`common:ticketTypes.${item.type}`, { defaultValue: item.type })}</span>}
                    <span className={`badge${item.priority === 'urgent' ? ' badge--danger' : item.priority === 'high' ? ' badge--warn' : ''}`}>{t(`common:priorities.${item.priority}`, { defaultValue: item.priority })}</span>
                    {item.round > 1 && <span className="badge badge--warn">{t('common:round', { round: item.round })}</span>}
                    {item.escalation.level && (
                      <span className="badge badge--warn">{t(item.escalation.level === 'management' ? 'table.escalatedManagement' : 'table.escalatedManager')}</span>
                    )}
                    {item.pendingTransfer && <span className="badge">{t('table.offeredTo', { department: item.pendingTransfer.toDepartment })}</span>}
                  </div>
                </td>
                <td data-label={t('table.status')}>
                  {t(`status.${item.status}`)}
                  {item.closedOutcome && <span className="muted"> ({t(`outcome.${item.closedOutcome}`, { defaultValue: item.closedOutcome.replace(/_/g, ' ') })})</span>}
                  <div className="muted dept-small" title={formatInstant(item.updatedAt)}>
                    {t('table.since', { time: formatInstant(item.updatedAt) })}
                  </div>
                </td>
                <td data-label={t('table.handler')}>{item.handlerId ? <span title={item.handlerId}>{nameOf(item.handlerId)}</span> : item.status === 'awaiting_handler' && assignsAutomatically ? (
                    <span className="badge badge--warn" data-testid="waiting-for-handler">
                      {t('table.waitingForFreeHandler')}
                    </span>
                  ) : (
                    <span className="muted">{t('table.noneYet')}</span>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
