import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { api, ApiError } from '../../api';
import { Conversation } from '../../conversation/conversation';
import { href, navigate } from '../../router';
import { ROLE_NAMES, useActor, type Role } from '../../session';
import { Field, formatDuration, formatInstant, Notice, Panel } from '../../ui';
import { channelName } from '../management/kpi-dashboard';
import type { TicketList } from '../management/kpi-types';
import { ViewTabs } from '../management/tabs';
import { fromLocalInput, toLocalInput } from '../management/zoned-time';
import { breakDescription, formatMoment, holderName, type History, type HistoryEntry, type Verification } from './audit-types';
import { download, historyAsCsv, historyAsJsonLines } from './export';
import { LedgerView } from './ledger-view';
import './auditor.css';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const VIEWS = ['history', 'conversation', 'ledger', 'as-of', 'verify'] as const;
type View = (typeof VIEWS)[number];

/** Roles the verify endpoint answers (evaluation's AuditController): QA reads histories but does not verify. */
const VERIFIERS: readonly Role[] = ['auditor', 'management'];

export function AuditorScreen({ route }: { route: readonly string[] }) {
  const [ticketId, viewPart, asOf] = route;
  if (!ticketId) return <TicketPicker />;
  const view: View = VIEWS.includes(viewPart as View) ? (viewPart as View) : 'history';
  return <TicketAudit key={ticketId} ticketId={ticketId} view={view} asOf={view === 'as-of' ? asOf : undefined} />;
}

const roleName = (role: string): string => ROLE_NAMES[role as Role] ?? (role === 'system' ? 'System' : role);

// ---------------------------------------------------------------------------------------------
// Choosing a ticket

const PAGE = 25;

function TicketPicker() {
  const [pasted, setPasted] = useState('');
  const [pasteError, setPasteError] = useState<unknown>(null);
  const [outcome, setOutcome] = useState('');
  const [department, setDepartment] = useState('');
  const [offset, setOffset] = useState(0);
  const [list, setList] = useState<TicketList | null>(null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    let current = true;
    api<TicketList>('evaluation', '/v1/tickets', { query: { outcome: outcome || undefined, department: department.trim() || undefined, limit: PAGE, offset } })
      .then((body) => {
        if (!current) return;
        setList(body);
        setError(null);
      })
      .catch((caught: unknown) => current && setError(caught));
    return () => {
      current = false;
    };
  }, [outcome, department, offset]);

  const open = (event: FormEvent) => {
    event.preventDefault();
    const id = pasted.trim();
    if (!UUID.test(id)) {
      setPasteError(new ApiError(400, 'validation', 'not a ticket id', [{ field: 'ticketId', message: 'must be a ticket id (a UUID such as d599317d-84db-5fd0-9aaa-a146b24adeab)' }]));
      return;
    }
    navigate('auditor', id.toLowerCase());
  };

  return (
    <div className="audit">
      <h1 className="mqa-title">Audit</h1>
      <Panel title="Open a ticket by id">
        <form className="row" aria-label="Open a ticket by id" onSubmit={open} noValidate>
          <Field label="Ticket id" field="ticketId" error={pasteError}>
            {(control) => <input {...control} value={pasted} onChange={(event) => setPasted(event.target.value)} spellCheck={false} autoComplete="off" />}
          </Field>
          <button type="submit" className="audit-open-button">
            Open history
          </button>
        </form>
      </Panel>
      <Panel title="Tickets">
        <form className="row" aria-label="Filter tickets" onSubmit={(event) => event.preventDefault()}>
          <Field label="Outcome" field="outcome" error={error}>
            {(control) => (
              <select
                {...control}
                value={outcome}
                onChange={(event) => {
                  setOutcome(event.target.value);
                  setOffset(0);
                }}
              >
                <option value="">Any</option>
                <option value="open">Still open</option>
                <option value="satisfied">Closed, customer satisfied</option>
                <option value="unconfirmed_unreachable">Closed, customer unreachable</option>
              </select>
            )}
          </Field>
          <Field label="Department held it" field="department" error={error}>
            {(control) => (
              <input
                {...control}
                value={department}
                placeholder="e.g. billing"
                onChange={(event) => {
                  setDepartment(event.target.value);
                  setOffset(0);
                }}
              />
            )}
          </Field>
        </form>
        <Notice error={error instanceof ApiError && error.fields.length > 0 ? undefined : error} />
        {list && list.items.length === 0 && <p className="muted">No tickets.</p>}
        {list && list.items.length > 0 && (
          <>
            <div className="table-scroll">
              <table data-testid="audit-tickets">
                <thead>
                  <tr>
                    <th scope="col">Ticket</th>
                    <th scope="col">Opened</th>
                    <th scope="col">Type</th>
                    <th scope="col">Channel</th>
                    <th scope="col">Departments</th>
                    <th scope="col">Outcome</th>
                  </tr>
                </thead>
                <tbody>
                  {list.items.map((ticket) => (
                    <tr key={ticket.ticketId}>
                      <td>
                        <a href={href('auditor', ticket.ticketId)} aria-label={`History of ticket ${ticket.ticketId}`}>
                          <code>{ticket.ticketId.slice(0, 8)}</code>
                        </a>
                      </td>
                      <td>{formatInstant(ticket.openedAt)}</td>
                      <td>
                        {ticket.type ?? '—'} {ticket.complaint && <span className="badge badge--danger">complaint</span>}
                      </td>
                      <td>{channelName(ticket.channel)}</td>
                      <td>{ticket.departmentsVisited.join(' → ') || '—'}</td>
                      <td>{ticket.outcome ? <span className={`badge ${ticket.outcome === 'satisfied' ? 'badge--ok' : 'badge--warn'}`}>{ticket.outcome.replace(/_/g, ' ')}</span> : 'open'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <div className="row audit-paging">
              <button type="button" className="secondary" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE))}>
                Newer
              </button>
              <span className="muted">
                {list.offset + 1}–{list.offset + list.items.length} of {list.total}
              </span>
              <button type="button" className="secondary" disabled={list.offset + list.items.length >= list.total} onClick={() => setOffset(offset + PAGE)}>
                Older
              </button>
            </div>
          </>
        )}
      </Panel>
    </div>
  );
}

// ---------------------------------------------------------------------------------------------
// One ticket

function TicketAudit({ ticketId, view, asOf }: { ticketId: string; view: View; asOf?: string }) {
  const actor = useActor();
  const mayVerify = VERIFIERS.includes(actor.role);
  const [history, setHistory] = useState<History | null>(null);
  const [error, setError] = useState<unknown>(null);

  const load = useCallback(() => {
    setError(null);
    api<History>('evaluation', `/v1/tickets/${encodeURIComponent(ticketId)}/history`)
      .then(setHistory)
      .catch(setError);
  }, [ticketId]);
  useEffect(load, [load]);

  const entries = history?.entries ?? [];
  const views = [
    { id: 'history', title: 'History', ...(history ? { count: entries.length } : {}) },
    { id: 'conversation', title: 'Conversation' },
    { id: 'ledger', title: 'Handoff ledger' },
    { id: 'as-of', title: 'State as of' },
    ...(mayVerify ? [{ id: 'verify', title: 'Verify' }] : []),
  ];
  const stamp = new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-');
  return (
    <div className="audit">
      <p className="audit-back">
        <a href={href('auditor')}>← All tickets</a>
      </p>
      <h1 className="mqa-title">
        Ticket <code className="audit-ticket-id">{ticketId}</code>
      </h1>
      {history && (
        <p className="audit-now">
          Now: <strong>{history.state.stage.replace(/_/g, ' ')}</strong>
          {history.state.holder ? ` · held by ${holderName(history.state.holder)}` : ''}
          {history.state.round > 0 ? ` · round ${history.state.round}` : ''}
          {history.state.complaint ? ' · complaint' : ''}
          {history.state.outcome ? ` · ${history.state.outcome.replace(/_/g, ' ')}` : ''}
        </p>
      )}
      <div className="row audit-export" role="group" aria-label="Export the history">
        <button type="button" className="secondary" disabled={!history} onClick={() => download(`ticket-${ticketId}-${stamp}.jsonl`, 'application/x-ndjson', historyAsJsonLines(entries))}>
          Export JSON Lines
        </button>
        <button type="button" className="secondary" disabled={!history} onClick={() => download(`ticket-${ticketId}-${stamp}.csv`, 'text/csv', historyAsCsv(entries))}>
          Export CSV
        </button>
        {/* A ticket still being worked on gains events after it was opened here. */}
        <button type="button" className="secondary" onClick={load}>
          Reload the history
        </button>
        <span className="muted audit-export__note">the events as the history gives them; a verifiable export of the stored events: npm run audit -- export</span>
      </div>
      <ViewTabs label="Audit views" base={['auditor', ticketId]} current={view} views={views} />
      <Notice error={error} />
      {view === 'history' && history && <Timeline ticketId={ticketId} entries={entries} />}
      {view === 'conversation' && (
        <Panel title="Conversation">
          <Conversation ticketId={ticketId} />
        </Panel>
      )}
      {view === 'ledger' && <LedgerView ticketId={ticketId} />}
      {view === 'as-of' && <AsOfView ticketId={ticketId} asOf={asOf} entries={entries} />}
      {view === 'verify' && mayVerify && <VerifyView ticketId={ticketId} />}
    </div>
  );
}

function Actor({ entry }: { entry: Pick<HistoryEntry, 'actorId' | 'role' | 'department'> }) {
  return (
    <span className="audit-actor">
      by <strong>{entry.actorId}</strong> ({roleName(entry.role)}
      {entry.department ? `, ${entry.department}` : ''})
    </span>
  );
}

function Timeline({ ticketId, entries }: { ticketId: string; entries: readonly HistoryEntry[] }) {
  return (
    <Panel title="History">
      <p className="muted">
        Every event of every service’s store, in one stable order; {entries.length} events across {new Set(entries.map((entry) => entry.streamId)).size} streams.
      </p>
      <ol className="audit-timeline" data-testid="audit-timeline">
        {entries.map((entry) => (
          <li key={entry.eventId} className={`audit-event audit-event--${entry.service}`}>
            <time dateTime={entry.occurredAt} className="audit-event__time">
              {formatMoment(entry.occurredAt)}
            </time>
            <div className="audit-event__body">
              <div className="audit-event__head">
                <span className={`badge audit-service audit-service--${entry.service}`}>{entry.service}</span>
                <strong className="audit-event__type">{entry.type}</strong>
              </div>
              <p className="audit-event__summary">{entry.summary}</p>
              <p className="audit-event__who">
                <Actor entry={entry} />
                {entry.reason && <span className="audit-event__why"> — why: {entry.reason}</span>}
              </p>
              <div className="audit-event__foot">
              <details className="audit-event__details">
                <summary>Record</summary>
                <dl className="mqa-facts">
                  <div>
                    <dt>Stream, position</dt>
                    <dd>
                      {entry.streamId} #{entry.streamPosition} (schema v{entry.schemaVersion})
                    </dd>
                  </div>
                  <div>
                    <dt>Recorded</dt>
                    <dd>{formatMoment(entry.recordedAt)}</dd>
                  </div>
                  <div>
                    <dt>Event id</dt>
                    <dd>
                      <code>{entry.eventId}</code>
                    </dd>
                  </div>
                  <div>
                    <dt>Correlation / causation</dt>
                    <dd>
                      <code>{entry.correlationId.slice(0, 8)}</code> / <code>{entry.causationId.slice(0, 8)}</code>
                    </dd>
                  </div>
                  <div>
                    <dt>Hash (previous)</dt>
                    <dd>
                      <code title={entry.hash}>{entry.hash.slice(0, 16)}…</code> (<code title={entry.previousHash}>{entry.previousHash.slice(0, 8)}…</code>)
                    </dd>
                  </div>
                </dl>
              </details>
              <a className="audit-event__asof" href={href('auditor', ticketId, 'as-of', entry.occurredAt)}>
                State just after this event
              </a>
              </div>
            </div>
          </li>
        ))}
      </ol>
    </Panel>
  );
}

const STAGES: Record<string, string> = {
  not_yet_recorded: 'Not yet recorded',
  at_front_desk: 'At the front desk (customer service)',
  with_department: 'With the department',
  awaiting_confirmation: 'Awaiting the customer’s confirmation',
  with_management: 'With management',
  closed: 'Closed',
};

function AsOfView({ ticketId, asOf, entries }: { ticketId: string; asOf?: string; entries: readonly HistoryEntry[] }) {
  const [input, setInput] = useState(toLocalInput(asOf));
  const [inputError, setInputError] = useState<unknown>(null);
  const [then, setThen] = useState<History | null>(null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    setInput(toLocalInput(asOf));
    setThen(null);
    if (!asOf) return;
    let current = true;
    api<History>('evaluation', `/v1/tickets/${encodeURIComponent(ticketId)}/history`, { query: { asOf } })
      .then((body) => current && (setThen(body), setError(null)))
      .catch((caught: unknown) => current && setError(caught));
    return () => {
      current = false;
    };
  }, [ticketId, asOf]);

  const show = (event: FormEvent) => {
    event.preventDefault();
    const iso = fromLocalInput(input);
    if (!iso) {
      setInputError(new ApiError(400, 'validation', 'no moment', [{ field: 'asOf', message: 'choose a date and time' }]));
      return;
    }
    setInputError(null);
    navigate('auditor', ticketId, 'as-of', iso);
  };

  const state = then?.state;
  return (
    <Panel title="State as of a moment">
      <form className="row audit-asof-form" aria-label="Choose a moment" onSubmit={show} noValidate>
        <Field label="As of (your local time)" field="asOf" error={inputError ?? error}>
          {(control) => <input {...control} type="datetime-local" step={1} value={input} onChange={(event) => setInput(event.target.value)} />}
        </Field>
        <button type="submit">Show the state then</button>
        <Field label="Or just after an event" field="event">
          {(control) => (
            // The picked event stays shown: the moment in the address is that event's.
            <select {...control} value={entries.some((entry) => entry.occurredAt === asOf) ? asOf : ''} onChange={(event) => event.target.value && navigate('auditor', ticketId, 'as-of', event.target.value)}>
              <option value="">Choose an event…</option>
              {entries.map((entry) => (
                <option key={entry.eventId} value={entry.occurredAt}>
                  {formatMoment(entry.occurredAt)} — {entry.type}
                </option>
              ))}
            </select>
          )}
        </Field>
      </form>
      <Notice error={error instanceof ApiError && error.fields.some((field) => field.field === 'asOf') ? undefined : error} />
      {!asOf && <p className="muted">Choose a moment to see the ticket as it stood then, with the deadlines running at that time.</p>}
      {state && then && (
        <div className="audit-state" data-testid="audit-state">
          <p className="audit-state__when">
            As of <strong>{formatMoment(state.asOf)}</strong>: {state.eventsSoFar} of {entries.length || '?'} events had happened.
          </p>
          <dl className="mqa-facts">
            <div>
              <dt>Stage</dt>
              <dd data-testid="asof-stage">{STAGES[state.stage] ?? state.stage}</dd>
            </div>
            <div>
              <dt>Held by</dt>
              <dd data-testid="asof-holder">{holderName(state.holder)}</dd>
            </div>
            <div>
              <dt>Department</dt>
              <dd>{state.department ?? '—'}</dd>
            </div>
            <div>
              <dt>Responsible handler</dt>
              <dd>{state.handlerId ?? '—'}</dd>
            </div>
            <div>
              <dt>Round</dt>
              <dd>{state.round}</dd>
            </div>
            <div>
              <dt>Complaint / management on it</dt>
              <dd>
                {state.complaint ? 'complaint' : 'not a complaint'} / {state.managementInvolved ? 'yes' : 'no'}
              </dd>
            </div>
            <div>
              <dt>Outcome</dt>
              <dd>{state.outcome?.replace(/_/g, ' ') ?? 'not closed'}</dd>
            </div>
            <div>
              <dt>Last event</dt>
              <dd>{state.lastEvent ? `${state.lastEvent.type} (${state.lastEvent.service}) ${formatMoment(state.lastEvent.occurredAt)}` : '—'}</dd>
            </div>
          </dl>
          <h3>Deadlines running then</h3>
          {state.runningDeadlines.length === 0 ? (
            <p className="muted">None.</p>
          ) : (
            <div className="table-scroll">
              <table>
                <thead>
                  <tr>
                    <th scope="col">Deadline</th>
                    <th scope="col">Round</th>
                    <th scope="col">Due</th>
                    <th scope="col">Then</th>
                  </tr>
                </thead>
                <tbody>
                  {state.runningDeadlines.map((deadline) => (
                    <tr key={`${deadline.deadline}-${deadline.round}`}>
                      <td>{deadline.deadline.replace(/_/g, ' ')}</td>
                      <td>{deadline.round}</td>
                      <td>
                        {formatMoment(deadline.dueAt)} <span className="muted">({formatDuration(Date.parse(deadline.dueAt) - Date.parse(state.asOf))} left)</span>
                      </td>
                      <td>{deadline.overdue ? <span className="badge badge--danger">overdue</span> : <span className="badge badge--ok">running</span>}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          {state.escalations.length > 0 && (
            <>
              <h3>Escalations by then</h3>
              <ul>
                {state.escalations.map((escalation) => (
                  <li key={escalation.at + escalation.level}>
                    {escalation.level.replace(/_/g, ' ')}: {escalation.trigger.replace(/_/g, ' ')} at {formatMoment(escalation.at)}
                  </li>
                ))}
              </ul>
            </>
          )}
          <details>
            <summary>The {then.entries.length} events up to then</summary>
            <ol className="audit-compact">
              {then.entries.map((entry) => (
                <li key={entry.eventId}>
                  {formatMoment(entry.occurredAt)} <strong>{entry.type}</strong> <Actor entry={entry} />
                </li>
              ))}
            </ol>
          </details>
        </div>
      )}
    </Panel>
  );
}

function VerifyView({ ticketId }: { ticketId: string }) {
  const [result, setResult] = useState<Verification | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [checking, setChecking] = useState(false);
  const [checkedAt, setCheckedAt] = useState<string | null>(null);

  const verify = useCallback(() => {
    setChecking(true);
    setError(null);
    api<Verification>('evaluation', `/v1/tickets/${encodeURIComponent(ticketId)}/verify`)
      .then((body) => {
        setResult(body);
        setCheckedAt(new Date().toISOString());
      })
      .catch(setError)
      .finally(() => setChecking(false));
  }, [ticketId]);
  useEffect(verify, [verify]);

  const broken = result?.streams.find((stream) => !stream.ok);
  return (
    <Panel
      title="Verify the hash chains"
      actions={
        <button type="button" onClick={verify} disabled={checking}>
          {checking ? 'Verifying…' : 'Verify again'}
        </button>
      }
    >
      <p className="muted">Each stream’s events are re-hashed from the stores and linked one to the next, and checked against the head each store kept.</p>
      <Notice error={error} />
      {result && (
        <>
          <p className={`audit-verdict ${result.ok ? 'audit-verdict--ok' : 'audit-verdict--broken'}`} role="status" data-testid="verify-verdict">
            {result.ok
              ? `Chain intact: every one of the ${result.streams.length} streams verifies (${result.streams.reduce((sum, stream) => sum + stream.eventsChecked, 0)} events).`
              : `Chain broken in ${broken?.streamId}: ${broken?.firstBreak ? breakDescription(broken.firstBreak) : 'see below'}.`}
            {checkedAt && <span className="audit-verdict__when"> Checked {formatMoment(checkedAt)}.</span>}
          </p>
          <div className="table-scroll">
            <table data-testid="verify-streams">
              <thead>
                <tr>
                  <th scope="col">Stream</th>
                  <th scope="col">Service</th>
                  <th scope="col">Events checked</th>
                  <th scope="col">State</th>
                </tr>
              </thead>
              <tbody>
                {result.streams.map((stream) => (
                  <tr key={stream.streamId}>
                    <td>
                      <code className="audit-stream">{stream.streamId}</code>
                    </td>
                    <td>{stream.service}</td>
                    <td>{stream.eventsChecked}</td>
                    <td>
                      {stream.ok ? <span className="badge badge--ok">intact</span> : <span className="badge badge--danger">broken</span>}
                      {stream.firstBreak && <div className="audit-break">First broken link: {breakDescription(stream.firstBreak)}</div>}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </Panel>
  );
}
