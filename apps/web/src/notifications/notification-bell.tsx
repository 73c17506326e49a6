import { useCallback, useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { NotificationsPage, NotificationView } from '@handoff/contracts/api';
import { api } from '../api';
import { useLocaleFormat } from '../i18n';
import { href } from '../router';
import { useActor } from '../session';
import './notifications.css';

/** Read again this often, so a mention or a result reaches the person within seconds. */
const REFRESH_MS = 5000;

/** Where a ticket opens for each role: the screen on which that person works it. */
function ticketLink(role: string, department: string | undefined, ticketId: string, kind: string): string {
  if (role === 'cs') return href('cs', 'worklist', ticketId);
  if ((role === 'department_handler' || role === 'department_manager') && department) return href('department', department, 'ticket', ticketId);
  // The department's answer to management's question: back to the complaint management is acting on.
  if (role === 'management' && kind === 'update_given') return href('management', 'complaints', ticketId);
  return href('auditor', ticketId, 'conversation');
}

/** The bell in the top bar: how many are new, and the list with a link to each ticket. */
export function NotificationBell() {
  const { t } = useTranslation('notifications');
  const format = useLocaleFormat();
  const actor = useActor();
  const panelId = useId();
  const [page, setPage] = useState<NotificationsPage | null>(null);
  const [older, setOlder] = useState<readonly NotificationView[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [open, setOpen] = useState(false);

  const load = useCallback(async () => {
    try {
      setPage(await api<NotificationsPage>('evaluation', '/v1/notifications'));
    } catch {
      // A notification list that cannot be read now is read again at the next refresh.
    }
  }, []);

  useEffect(() => {
    void load();
    const timer = window.setInterval(() => void load(), REFRESH_MS);
    return () => window.clearInterval(timer);
  }, [load]);

  useEffect(() => setCursor(page?.nextCursor ?? null), [page?.nextCursor]);

  const markRead = async () => {
    const newest = page?.items[0]?.occurredAt;
    if (!newest) return;
    await api('evaluation', '/v1/notifications/seen', { body: { upTo: newest } });
    await load();
  };

  const loadOlder = async () => {
    if (!cursor) return;
    const next = await api<NotificationsPage>('evaluation', '/v1/notifications', { query: { cursor } });
    setOlder((current) => [...current, ...next.items]);
    setCursor(next.nextCursor);
  };

  const unread = page?.unread ?? 0;
  const items = [...(page?.items ?? []), ...older];
  return (
    <div className="notification-bell">
      <button
        type="button"
        className={`notification-bell__button${unread > 0 ? ' notification-bell__button--unread' : ''}`}
        aria-expanded={open}
        aria-controls={panelId}
        data-testid="notifications-button"
        onClick={() => setOpen((current) => !current)}
      >
        {unread > 0 ? t('buttonUnread', { count: unread }) : t('button')}
      </button>
      {open && (
        <section id={panelId} className="notification-bell__panel" aria-label={t('title')} data-testid="notifications">
          <header className="notification-bell__head">
            <h2>{t('title')}</h2>
            {unread > 0 && (
              <button type="button" className="secondary" onClick={() => void markRead()}>
                {t('markRead')}
              </button>
            )}
          </header>
          {items.length === 0 && <p className="muted">{t('none')}</p>}
          <ul>
            {items.map((item) => {
              const ticket = item.ticketId.slice(0, 8);
              const kind = item.kind === 'mentioned' && item.via === 'department' ? 'mentionedDepartment' : item.kind;
              // A deadline's notification carries its due time, shown in the reader's zone and language.
              const dueKind = item.kind === 'first_response_due' || item.kind === 'resolution_due';
              return (
                <li key={item.notificationId} className={item.unread ? 'notification-bell__item notification-bell__item--unread' : 'notification-bell__item'} data-kind={item.kind}>
                  <a href={ticketLink(actor.role, actor.department, item.ticketId, item.kind)} onClick={() => setOpen(false)} aria-label={t('open', { ticket })}>
                    <strong>{t(`kinds.${kind}`, { actor: item.actorId, ticket, due: dueKind && item.excerpt ? format.dateTime(item.excerpt) : '' })}</strong>
                  </a>
                  {item.excerpt && !dueKind && <span className="notification-bell__excerpt">{item.excerpt}</span>}
                  <time dateTime={item.occurredAt}>{format.dateTime(item.occurredAt)}</time>
                </li>
              );
            })}
          </ul>
          {cursor && (
            <button type="button" className="secondary" onClick={() => void loadOlder()}>
              {t('more')}
            </button>
          )}
        </section>
      )}
    </div>
  );
}
