import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api';
import { href } from '../../router';
import { formatInstant, Notice, Panel } from '../../ui';
import { channelName, KpiDashboard } from './kpi-dashboard';
import type { Lifecycle, TicketList } from './kpi-types';
import { MetBadge, ViewTabs } from './tabs';

const VIEWS = ['kpis', 'complaints', 'escalations'] as const;
type View = (typeof VIEWS)[number];

/** The most open tickets read at once; the list says when there are more. */
const OPEN_PAGE = 200;

/**
 * Management's desk: the KPI dashboard, the complaints still open (management is on every
 * complaint from the start), and the tickets escalated to a manager or to management.
 */
export function ManagementScreen({ route }: { route: readonly string[] }) {
  const view: View = VIEWS.includes(route[0] as View) ? (route[0] as View) : 'kpis';
  const [open, setOpen] = useState<TicketList | null>(null);
  const [error, setError] = useState<unknown>(null);
  const { t } = useTranslation('management');

  const load = useCallback(() => {
    setError(null);
    api<TicketList>('evaluation', '/v1/tickets', { query: { outcome: 'open', limit: OPEN_PAGE } })
      .then(setOpen)
      .catch(setError);
  }, []);
  useEffect(load, [load]);

  const complaints = open?.items.filter((ticket) => ticket.complaint) ?? [];
  const escalated = open?.items.filter((ticket) => ticket.escalationCount > 0) ?? [];
  return (
    <div className="management">
      <h1 className="mqa-title">{t('title')}</h1>
      <ViewTabs
        label={t('viewsLabel')}
        base={['management']}
        current={view}
        views={[
          { id: 'kpis', title: t('views.kpis') },
          { id: 'complaints', title: t('views.complaints'), ...(open ? { count: complaints.length } : {}) },
          { id: 'escalations', title: t('views.escalations'), ...(open ? { count: escalated.length } : {}) },
        ]}
      />
      {view === 'kpis' && <KpiDashboard />}
      {view !== 'kpis' && (
        <Panel
          title={view === 'complaints' ? t('views.complaints') : t('escalatedOpen')}
          actions={
            <button type="button" className="secondary" onClick={load}>
              {t('common:refresh')}
            </button>
          }
        >
          <Notice error={error} />
          {open && open.total > open.items.length && (
            <p className="muted">
              {t('newestOf', { shown: open.items.length, total: open.total })}
            </p>
          )}
          {open && view === 'complaints' && <ComplaintsInFlight tickets={complaints} />}
          {open && view === 'escalations' && <Escalations tickets={escalated} />}
          {!open && !error && <p className="muted">{t('common:loading')}</p>}
        </Panel>
      )}
    </div>
  );
}

const shortId = (ticketId: string) => ticketId.slice(0, 8);

function TicketLink({ ticketId }: { ticketId: string }) {
  const { t } = useTranslation('management');
  return (
    <a href={href('auditor', ticketId)} title={ticketId} aria-label={t('historyOf', { ticket: ticketId })}>
      <code>{shortId(ticketId)}</code>
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
          </tr>
        </thead>
        <tbody>
          {tickets.map((ticket) => (
            <tr key={ticket.ticketId}>
              <td>
                <TicketLink ticketId={ticket.ticketId} />
              </td>
              <td>{formatInstant(ticket.openedAt)}</td>
              <td>{channelName(ticket.channel)}</td>
              <td>{ticket.departmentsVisited.join(' → ') || '—'}</td>
              <td>{Math.max(ticket.rounds, 1)}</td>
              <td>{ticket.firstResponseAt ? <MetBadge met={ticket.firstResponseDeadlineMet} /> : <span className="badge badge--warn">{t('awaiting')}</span>}</td>
              <td>{ticket.escalationCount > 0 ? <span className="badge badge--danger">{ticket.escalationCount}</span> : '—'}</td>
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
                  <TicketLink ticketId={ticket.ticketId} />
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
