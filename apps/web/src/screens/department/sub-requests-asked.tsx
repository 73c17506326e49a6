import { useTranslation } from 'react-i18next';
import type { Queue } from '@handoff/contracts/api';
import { href } from '../../router';
import { DueAt, Panel } from '../../ui';

/** What other departments' tickets ask of this one (sub-requests), soonest due first: each opens the ticket to claim and answer it. */
export function SubRequestsAsked({ queue, department, departmentName, nameOf }: { queue: Queue; department: string; departmentName: string; nameOf: (department: string) => string }) {
  const { t } = useTranslation('subrequests');
  return (
    <Panel title={t('queue.title', { department: departmentName, count: queue.subRequests.length })}>
      <ul className="subreq-asked">
        {queue.subRequests.map((item) => (
          <li key={item.subRequestId} data-testid="sub-request-asked" data-ticket-id={item.ticketId}>
            <a href={href('department', department, 'ticket', item.ticketId)}>{item.subject ?? item.ticketId.slice(0, 8)}</a>{' '}
            <span className="muted">{t('queue.from', { department: nameOf(item.leadDepartment) })}</span>{' '}
            <span className={`badge${item.overdue ? ' badge--danger' : ''}`}>{t(`status.${item.status}`)}</span>
            <div className="muted dept-small">
              {item.reason}
              {' · '}
              {item.handlerId ? t('handler', { handler: item.handlerId }) : t('noHandler')}
              {' · '}
              {t('due')} <DueAt iso={item.resolutionDueAt} businessHours={false} />
            </div>
          </li>
        ))}
      </ul>
    </Panel>
  );
}
