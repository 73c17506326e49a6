import { useTranslation } from 'react-i18next';
import { formatDuration, formatInstant, Panel } from '../../ui';
import { href } from '../../router';
import { customerSummary } from './customer-details';
import { shortId, type Worklist } from './cs-types';

/** CS's follow-up worklist: results to confirm (oldest first) and departments late with news. */
export function WorklistTables({ worklist, now, selected, onRefresh, loading }: { worklist: Worklist | null; now: number; selected?: string; onRefresh: () => void; loading: boolean }) {
  const { t } = useTranslation('cs');
  const refresh = (
    <button type="button" className="secondary" onClick={onRefresh} disabled={loading}>
      {loading ? t('common:refreshing') : t('common:refresh')}
    </button>
  );
  return (
    <>
      <Panel title={worklist ? t('worklist.toConfirmCount', { count: worklist.awaitingConfirmation.length }) : t('worklist.toConfirm')} actions={refresh}>
        {!worklist ? (
          <p className="muted">{t('common:loading')}</p>
        ) : worklist.awaitingConfirmation.length === 0 ? (
          <p className="muted">{t('worklist.noneToConfirm')}</p>
        ) : (
          <div className="table-scroll">
            <table className="cs-table" aria-label={t('worklist.toConfirmTable')}>
              <thead>
                <tr>
                  <th scope="col">{t('worklist.waiting')}</th>
                  <th scope="col">{t('worklist.ticket')}</th>
                  <th scope="col">{t('worklist.resultFrom')}</th>
                  <th scope="col">{t('worklist.result')}</th>
                  <th scope="col">{t('worklist.customer')}</th>
                  <th scope="col">{t('worklist.attempts')}</th>
                  <th scope="col">
                    <span className="visually-hidden">{t('worklist.action')}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {worklist.awaitingConfirmation.map((item) => (
                  <tr key={item.ticketId} data-testid="awaiting-confirmation" data-ticket-id={item.ticketId} aria-current={item.ticketId === selected ? 'true' : undefined} className={item.ticketId === selected ? 'cs-table__selected' : undefined}>
                    <td data-label={t('worklist.waiting')}>
                      <span title={formatInstant(item.requestedAt)}>{formatDuration(now - Date.parse(item.requestedAt))}</span>
                    </td>
                    <td data-label={t('worklist.ticket')}>
                      <code title={item.ticketId}>{shortId(item.ticketId)}</code>
                      {item.round > 1 && <span className="badge badge--warn">{t('common:round', { round: item.round })}</span>}
                    </td>
                    <td data-label={t('worklist.resultFrom')}>{item.resolvedBy === 'first_contact' ? t('worklist.firstContact') : (item.department ?? t('worklist.department'))}</td>
                    <td data-label={t('worklist.result')} className="cs-table__text">
                      {item.resultSummary || '—'}
                    </td>
                    <td data-label={t('worklist.customer')}>{customerSummary(item.customer)}</td>
                    <td data-label={t('worklist.attempts')}>{item.contactAttempts > 0 ? <span className="badge badge--warn">{t('worklist.notReached', { count: item.contactAttempts })}</span> : '—'}</td>
                    <td data-label="">
                      <a className="cs-button-link" href={href('cs', 'worklist', item.ticketId)} aria-label={t('worklist.followUpTicket', { ticket: shortId(item.ticketId) })}>
                        {t('worklist.followUp')}
                      </a>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Panel>
      <Panel title={worklist ? t('worklist.lateCount', { count: worklist.lateProgress.length }) : t('worklist.late')}>
        {!worklist ? null : worklist.lateProgress.length === 0 ? (
          <p className="muted">{t('worklist.noneLate')}</p>
        ) : (
          <div className="table-scroll">
            <table className="cs-table" aria-label={t('worklist.lateTable')}>
              <thead>
                <tr>
                  <th scope="col">{t('worklist.overdue')}</th>
                  <th scope="col">{t('worklist.ticket')}</th>
                  <th scope="col">{t('worklist.departmentColumn')}</th>
                  <th scope="col">{t('worklist.deadline')}</th>
                  <th scope="col">{t('worklist.escalatedTo')}</th>
                  <th scope="col">{t('worklist.customer')}</th>
                  <th scope="col">
                    <span className="visually-hidden">{t('worklist.action')}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {worklist.lateProgress.map((item) => (
                  <tr key={`${item.ticketId}-${item.round}-${item.deadline}`} data-testid="late-progress" data-ticket-id={item.ticketId}>
                    <td data-label={t('worklist.overdue')}>
                      <span className="badge badge--danger" title={formatInstant(item.dueAt)}>
                        {item.dueAt ? formatDuration(now - Date.parse(item.dueAt)) : t('worklist.overdueBadge')}
                      </span>
                    </td>
                    <td data-label={t('worklist.ticket')}>
                      <code title={item.ticketId}>{shortId(item.ticketId)}</code> {item.round > 1 && <span className="badge">{t('common:round', { round: item.round })}</span>}
                    </td>
                    <td data-label={t('worklist.departmentColumn')}>{item.department}</td>
                    <td data-label={t('worklist.deadline')}>
                      {t('worklist.deadlineDue', { deadline: t(`common:deadlines.${item.deadline}`, { defaultValue: item.deadline }), due: formatInstant(item.dueAt) })}
                    </td>
                    <td data-label={t('worklist.escalatedTo')}>{item.escalationLevel ? t(`common:escalations.${item.escalationLevel}`, { defaultValue: item.escalationLevel }) : '—'}</td>
                    <td data-label={t('worklist.customer')}>{customerSummary(item.customer)}</td>
                    <td data-label="">
                      <a className="cs-button-link secondary" href={href('cs', 'worklist', item.ticketId)} aria-label={t('worklist.detailsOf', { ticket: shortId(item.ticketId) })}>
                        {t('worklist.details')}
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
