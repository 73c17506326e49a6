import { useCallback, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api';
import { usePagedList } from '../../paging';
import { href } from '../../router';
import { formatInstant, LoadMore, Notice, Panel } from '../../ui';
import { ComplaintActions } from './complaint-actions';
import { channelName, KpiDashboard } from './kpi-dashboard';
import type { Lifecycle, TicketList } from './kpi-types';
import { MetBadge, ViewTabs } from './tabs';

const VIEWS = ['kpis', 'complaints', 'escalations'] as const;
type View = (typeof VIEWS)[number];

/** Tickets read per page; "Load more" reads the next. */
const PAGE = 50;

/** Each list is a filter the service applies to every open ticket, not to a first page of them. */
const FILTERS: Record<Exclude<View, 'kpis'>, Record<string, string>> = {
  complaints: { outcome: 'open', complaint: 'true' },
  escalations: { outcome: 'open', escalated: 'true' },
};

/**
 * Management's desk: the KPI dashboard, the complaints still open (management is on every
 * complaint from the start), and the tickets escalated to a manager or to management.
 */
export function ManagementScreen({ route }: { route: readonly string[] }) {
  const view: View = VIEWS.includes(route[0] as View) ? (route[0] as View) : 'kpis';
  const { t } = useTranslation('management');
  const listed = view === 'kpis' ? null : view;
  const query = useMemo(() => (listed ? { ...FILTERS[listed], count: 'true' } : {}), [listed]);
  const { page, loading, error, refresh, loadMore } = usePagedList<Lifecycle, TicketList>('evaluation', listed ? '/v1/tickets' : null, query, PAGE);
  const [counts, setCounts] = useState<Partial<Record<Exclude<View, 'kpis'>, number>>>({});

  // How many of each the service counts, for the tabs; read again with each refresh.
  const countAll = useCallback(() => {
    for (const list of ['complaints', 'escalations'] as const) {
      api<TicketList>('evaluation', '/v1/tickets', { query: { ...FILTERS[list], count: 'true', limit: 1 } })
        .then((answer) => setCounts((known) => ({ ...known, [list]: answer.total })))
        .catch(() => undefined);
    }
  }, []);
  useEffect(countAll, [countAll]);

  const tickets = page?.items ?? [];
  // `#/management/complaints/<ticketId>`: one complaint in flight, with what management may do on it.
  const acting = view === 'complaints' ? route[1] : undefined;
  return (
    <div className="management">
      <h1 className="mqa-title">{t('title')}</h1>
      <ViewTabs
        label={t('viewsLabel')}
        base={['management']}
        current={view}
        views={[
          { id: 'kpis', title: t('views.kpis') },
          { id: 'complaints', title: t('views.complaints'), ...(counts.complaints !== undefined ? { count: counts.complaints } : {}) },
          { id: 'escalations', title: t('views.escalations'), ...(counts.escalations !== undefined ? { count: counts.escalations } : {}) },
        ]}
      />
      {view === 'kpis' && <KpiDashboard />}
      {acting && <ComplaintActions key={acting} ticketId={acting} />}
      {view !== 'kpis' && !acting && (
        <Panel
          title={view === 'complaints' ? t('views.complaints') : t('escalatedOpen')}
          actions={
            <button
              type="button"
              className="secondary"
              onClick={() => {
                void refresh();
                countAll();
              }}
            >
              {t('common:refresh')}
            </button>
          }
        >
          <Notice error={error} />
          {page && view === 'complaints' && <ComplaintsInFlight tickets={tickets} />}
          {page && view === 'escalations' && <Escalations tickets={tickets} />}
          {page && tickets.length > 0 && <LoadMore hasMore={Boolean(page.nextCursor)} loading={loading} onMore={() => void loadMore()} shown={tickets.length} />}
          {!page && !error && <p className="muted">{t('common:loading')}</p>}
        </Panel>
      )}
    </div>
  );
}

const shortId = (ticketId: string) => ticketId.slice(0, 8);

/** The ticket by its subject (its short id beside it), linked to its history. */
function TicketLink({ ticket }: { ticket: Pick<Lifecycle, 'ticketId' | 'subject'> }) {
  const { t } = useTranslation('management');
  const ticketId = ticket.ticketId;
  return (
    <a href={href('auditor', ticketId)} title={ticketId} aria-label={t('historyOf', { ticket: ticketId })}>
      {ticket.subject ?? t('lists:ticket')} <code className="muted">{shortId(ticketId)}</code>
    </a>
  );
}

function ComplaintsInFlight({ tickets }: { tickets: readonly Lifecycle[] }) {
  const { t } = useTranslation('management');
  if (tickets.length === 0) return <p className="muted">{t('noComplaint')}</p>;
  return (
    <div className="table-scroll">
      <table data-testid="complaints-in-flight">
        <thead>
          <tr>
            <th scope="col">{t('col.ticket')}</th>
            <th scope="col">{t('col.opened')}</th>
            <th scope="col">{t('col.channel')}</th>
            <th scope="col">{t('col.departments')}</th>
            <th scope="col">{t('col.round')}</th>
            <th scope="col">{t('col.firstResponse')}</th>
            <th scope="col">{t('col.escalations')}</th>
            <th scope="col">{t('col.act')}</th>
          </tr>
        </thead>
        <tbody>
          {tickets.map((ticket) => (
            <tr key={ticket.ticketId}>
              <td>
                <TicketLink ticket={ticket} />
              </td>
              <td>{formatInstant(ticket.openedAt)}</td>
              <td>{channelName(ticket.channel)}</td>
              <td>{ticket.departmentsVisited.join(' → ') || '—'}</td>
              <td>{Math.max(ticket.rounds, 1)}</td>
              <td>{ticket.firstResponseAt ? <MetBadge met={ticket.firstResponseDeadlineMet} /> : <span className="badge badge--warn">{t('awaiting')}</span>}</td>
              <td>{ticket.escalationCount > 0 ? <span className="badge badge--danger">{ticket.escalationCount}</span> : '—'}</td>
              <td>
                <a href={href('management', 'complaints', ticket.ticketId)} aria-label={t('act.open', { ticket: ticket.subject ?? shortId(ticket.ticketId) })}>
                  {t('act.link')}
                </a>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Escalations({ tickets }: { tickets: readonly Lifecycle[] }) {
  const { t } = useTranslation('management');
  if (tickets.length === 0) return <p className="muted">{t('noEscalation')}</p>;
  return (
    <div className="table-scroll">
      <table data-testid="escalations">
        <thead>
          <tr>
            <th scope="col">{t('col.ticket')}</th>
            <th scope="col">{t('col.type')}</th>
            <th scope="col">{t('col.latest')}</th>
            <th scope="col">{t('col.why')}</th>
            <th scope="col">{t('col.department')}</th>
            <th scope="col">{t('col.when')}</th>
          </tr>
        </thead>
        <tbody>
          {tickets.map((ticket) => {
            const latest = ticket.escalations[ticket.escalations.length - 1];
            return (
              <tr key={ticket.ticketId}>
                <td>
                  <TicketLink ticket={ticket} />
                </td>
                <td>
                  {ticket.type ? t(`common:ticketTypes.${ticket.type}`, { defaultValue: ticket.type }) : '—'} {ticket.complaint && <span className="badge badge--danger">{t('complaint')}</span>}
                </td>
                <td>
                  {latest ? (
                    <span className={`badge ${latest.level === 'management' ? 'badge--danger' : 'badge--warn'}`}>{t(`common:escalations.${latest.level}`, { defaultValue: latest.level })}</span>
                  ) : (
                    '—'
                  )}
                  {ticket.escalationCount > 1 && <span className="muted">{t('inAll', { count: ticket.escalationCount })}</span>}
                </td>
                <td>{latest ? t('triggerRound', { trigger: t(`triggers.${latest.trigger}`, { defaultValue: latest.trigger }), round: latest.round }) : '—'}</td>
                <td>{latest?.department ?? '—'}</td>
                <td>{formatInstant(latest?.at)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
