import { useCallback, useEffect, useState } from 'react';
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

const ESCALATION_LEVELS: Record<string, string> = { department_manager: 'Department manager', management: 'Management' };
const TRIGGERS: Record<string, string> = {
  first_response_overdue: 'first response overdue',
  resolution_overdue: 'resolution overdue',
  rounds_exhausted: 'rounds exhausted',
};

/**
 * Management's desk: the KPI dashboard, the complaints still open (management is on every
 * complaint from the start), and the tickets escalated to a manager or to management.
 */
export function ManagementScreen({ route }: { route: readonly string[] }) {
  const view: View = VIEWS.includes(route[0] as View) ? (route[0] as View) : 'kpis';
  const [open, setOpen] = useState<TicketList | null>(null);
  const [error, setError] = useState<unknown>(null);

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
      <h1 className="mqa-title">Management</h1>
      <ViewTabs
        label="Management views"
        base={['management']}
        current={view}
        views={[
          { id: 'kpis', title: 'KPI dashboard' },
          { id: 'complaints', title: 'Complaints in flight', ...(open ? { count: complaints.length } : {}) },
          { id: 'escalations', title: 'Escalations', ...(open ? { count: escalated.length } : {}) },
        ]}
      />
      {view === 'kpis' && <KpiDashboard />}
      {view !== 'kpis' && (
        <Panel
          title={view === 'complaints' ? 'Complaints in flight' : 'Escalated tickets still open'}
          actions={
            <button type="button" className="secondary" onClick={load}>
              Refresh
            </button>
          }
        >
          <Notice error={error} />
          {open && open.total > open.items.length && (
            <p className="muted">
              The {open.items.length} newest of {open.total} open tickets are shown.
            </p>
          )}
          {open && view === 'complaints' && <ComplaintsInFlight tickets={complaints} />}
          {open && view === 'escalations' && <Escalations tickets={escalated} />}
          {!open && !error && <p className="muted">Loading…</p>}
        </Panel>
      )}
    </div>
  );
}

const shortId = (ticketId: string) => ticketId.slice(0, 8);

function TicketLink({ ticketId }: { ticketId: string }) {
  return (
    <a href={href('auditor', ticketId)} title={ticketId} aria-label={`History of ticket ${ticketId}`}>
      <code>{shortId(ticketId)}</code>
    </a>
  );
}

function ComplaintsInFlight({ tickets }: { tickets: readonly Lifecycle[] }) {
  if (tickets.length === 0) return <p className="muted">No complaint is open.</p>;
  return (
    <div className="table-scroll">
      <table data-testid="complaints-in-flight">
        <thead>
          <tr>
            <th scope="col">Ticket</th>
            <th scope="col">Opened</th>
            <th scope="col">Channel</th>
            <th scope="col">Departments</th>
            <th scope="col">Round</th>
            <th scope="col">First response</th>
            <th scope="col">Escalations</th>
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
              <td>{ticket.firstResponseAt ? <MetBadge met={ticket.firstResponseDeadlineMet} /> : <span className="badge badge--warn">Awaiting</span>}</td>
              <td>{ticket.escalationCount > 0 ? <span className="badge badge--danger">{ticket.escalationCount}</span> : '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Escalations({ tickets }: { tickets: readonly Lifecycle[] }) {
  if (tickets.length === 0) return <p className="muted">No open ticket has been escalated.</p>;
  return (
    <div className="table-scroll">
      <table data-testid="escalations">
        <thead>
          <tr>
            <th scope="col">Ticket</th>
            <th scope="col">Type</th>
            <th scope="col">Latest escalation</th>
            <th scope="col">Why</th>
            <th scope="col">Department</th>
            <th scope="col">When</th>
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
                  {ticket.type ?? '—'} {ticket.complaint && <span className="badge badge--danger">complaint</span>}
                </td>
                <td>
                  {latest ? (
                    <span className={`badge ${latest.level === 'management' ? 'badge--danger' : 'badge--warn'}`}>{ESCALATION_LEVELS[latest.level] ?? latest.level}</span>
                  ) : (
                    '—'
                  )}
                  {ticket.escalationCount > 1 && <span className="muted"> ({ticket.escalationCount} in all)</span>}
                </td>
                <td>{latest ? `${TRIGGERS[latest.trigger] ?? latest.trigger} (round ${latest.round})` : '—'}</td>
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
