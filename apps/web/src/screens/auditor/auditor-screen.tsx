import { useCallback, useEffect, useMemo, useState, type FormEvent } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import { i18n } from '../../i18n';
import { api, ApiError } from '../../api';
import { Conversation } from '../../conversation/conversation';
import { href, navigate } from '../../router';
import { usePagedList } from '../../paging';
import { useActor, type Role } from '../../session';
import { Field, formatDuration, formatInstant, LoadMore, Notice, Panel } from '../../ui';
import { channelName } from '../management/kpi-dashboard';
import type { Lifecycle, TicketList } from '../management/kpi-types';
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

const roleName = (role: string): string => (role === 'system' ? i18n.t('auditor:system') : i18n.t(`common:roles.${role}`, { defaultValue: role }));
const outcomeName = (outcome: string): string => i18n.t(`auditor:outcomes.${outcome}`, { defaultValue: outcome.replace(/_/g, ' ') });

// ---------------------------------------------------------------------------------------------
// Choosing a ticket

const PAGE = 25;

function TicketPicker() {
  const [pasted, setPasted] = useState('');
  const [pasteError, setPasteError] = useState<unknown>(null);
  const [outcome, setOutcome] = useState('');
  const [department, setDepartment] = useState('');
  const { t } = useTranslation('auditor');
  const query = useMemo(() => ({ outcome: outcome || undefined, department: department.trim() || undefined, count: 'true' }), [outcome, department]);
  const { page: list, error, loading, loadMore } = usePagedList<Lifecycle, TicketList>('evaluation', '/v1/tickets', query, PAGE);

  const open = (event: FormEvent) => {
    event.preventDefault();
    const id = pasted.trim();
    if (!UUID.test(id)) {
      setPasteError(new ApiError(400, 'validation', 'not a ticket id', [{ field: 'ticketId', message: t('notTicketId') }]));
      return;
    }
    navigate('auditor', id.toLowerCase());
  };

  return (
    <div className="audit">
      <h1 className="mqa-title">{t('title')}</h1>
      <Panel title={t('openById')}>
        <form className="row" aria-label={t('openById')} onSubmit={open} noValidate>
          <Field label={t('ticketId')} field="ticketId" error={pasteError}>
            {(control) => <input {...control} value={pasted} onChange={(event) => setPasted(event.target.value)} spellCheck={false} autoComplete="off" />}
          </Field>
          <button type="submit" className="audit-open-button">
            {t('openHistory')}
          </button>
        </form>
      </Panel>
      <Panel title={t('tickets')}>
        <form className="row" aria-label={t('filter')} onSubmit={(event) => event.preventDefault()}>
          <Field label={t('outcome')} field="outcome" error={error}>
            {(control) => (
              <select
                {...control}
                value={outcome}
                onChange={(event) => setOutcome(event.target.value)}
              >
                <option value="">{t('any')}</option>
                <option value="open">{t('stillOpen')}</option>
                <option value="satisfied">{t('closedSatisfied')}</option>
                <option value="unconfirmed_unreachable">{t('closedUnreachable')}</option>
              </select>
            )}
          </Field>
          <Field label={t('departmentHeld')} field="department" error={error}>
            {(control) => (
              <input
                {...control}
                value={department}
                placeholder={t('departmentPlaceholder')}
                onChange={(event) => setDepartment(event.target.value)}
              />
            )}
          </Field>
        </form>
        <Notice error={error instanceof ApiError && error.fields.length > 0 ? undefined : error} />
        {list && list.items.length === 0 && <p className="muted">{t('noTickets')}</p>}
        {list && list.items.length > 0 && (
          <>
            <div className="table-scroll">
              <table data-testid="audit-tickets">
                <thead>
                  <tr>
                    <th scope="col">{t('col.ticket')}</th>
                    <th scope="col">{t('col.opened')}</th>
                    <th scope="col">{t('col.type')}</th>
                    <th scope="col">{t('col.channel')}</th>
                    <th scope="col">{t('col.departments')}</th>
                    <th scope="col">{t('col.outcome')}</th>
                  </tr>
                </thead>
                <tbody>
                  {list.items.map((ticket) => (
                    <tr key={ticket.ticketId}>
                      <td>
                        <a href={href('auditor', ticket.ticketId)} aria-label={t('historyOf', { ticket: ticket.ticketId })}>
                          {ticket.subject ?? t('lists:ticket')} <code className="muted">{ticket.ticketId.slice(0, 8)}</code>
                        </a>
                      </td>
                      <td>{formatInstant(ticket.openedAt)}</td>
                      <td>
                        {ticket.type ? t(`common:ticketTypes.${ticket.type}`, { defaultValue: ticket.type }) : '—'} {ticket.complaint && <span className="badge badge--danger">{t('complaint')}</span>}
                      </td>
                      <td>{channelName(ticket.channel)}</td>
                      <td>{ticket.departmentsVisited.join(' → ') || '—'}</td>
                      <td>{ticket.outcome ? <span className={`badge ${ticket.outcome === 'satisfied' ? 'badge--ok' : 'badge--warn'}`}>{outcomeName(ticket.outcome)}</span> : t('open')}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            {list.total !== undefined && <p className="muted">{t('lists:ticketsMatch', { count: list.total })}</p>}
            <LoadMore hasMore={Boolean(list.nextCursor)} loading={loading} onMore={() => void loadMore()} shown={list.items.length} />
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
  const { t } = useTranslation('auditor');

  const load = useCallback(() => {
    setError(null);
    api<History>('evaluation', `/v1/tickets/${encodeURIComponent(ticketId)}/history`)
      .then(setHistory)
      .catch(setError);
  }, [ticketId]);
  useEffect(load, [load]);

  const entries = history?.entries ?? [];
  const views = [
    { id: 'history', title: t('views.history'), ...(history ? { count: entries.length } : {}) },
    { id: 'conversation', title: t('views.conversation') },
    { id: 'ledger', title: t('views.ledger') },
    { id: 'as-of', title: t('views.asOf') },
    ...(mayVerify ? [{ id: 'verify', title: t('views.verify') }] : []),
  ];
  const stamp = new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-');
  return (
    <div className="audit">
      <p className="audit-back">
        <a href={href('auditor')}>{t('allTickets')}</a>
      </p>
      <h1 className="mqa-title">
        {t('ticket')} <code className="audit-ticket-id">{ticketId}</code>
      </h1>
      {history && (
        <p className="audit-now">
          {t('now')} <strong>{i18n.language.startsWith('zh') ? t(`stages.${history.state.stage}`, { defaultValue: history.state.stage }) : history.state.stage.replace(/_/g, ' ')}</strong>
          {history.state.holder ? t('heldBy', { holder: holderName(history.state.holder) }) : ''}
          {history.state.round > 0 ? t('round', { round: history.state.round }) : ''}
          {history.state.complaint ? t('isComplaint') : ''}
          {history.state.outcome ? ` · ${outcomeName(history.state.outcome)}` : ''}
        </p>
      )}
      <div className="row audit-export" role="group" aria-label={t('exportGroup')}>
        <button type="button" className="secondary" disabled={!history} onClick={() => download(`ticket-${ticketId}-${stamp}.jsonl`, 'application/x-ndjson', historyAsJsonLines(entries))}>
          {t('exportJsonl')}
        </button>
        <button type="button" className="secondary" disabled={!history} onClick={() => download(`ticket-${ticketId}-${stamp}.csv`, 'text/csv', historyAsCsv(entries))}>
          {t('exportCsv')}
        </button>
        {/* A ticket still being worked on gains events after it was opened here. */}
        <button type="button" className="secondary" onClick={load}>
          {t('reload')}
        </button>
        <span className="muted audit-export__note">{t('exportNote')}</span>
      </div>
      <ViewTabs label={t('viewsLabel')} base={['auditor', ticketId]} current={view} views={views} />
      <Notice error={error} />
      {view === 'history' && history && <Timeline ticketId={ticketId} entries={entries} />}
      {view === 'conversation' && (
        <Panel title={t('views.conversation')}>
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
  const { t } = useTranslation('auditor');
  return (
    <span className="audit-actor">
      {t('by')} <strong>{entry.actorId}</strong> ({roleName(entry.role)}
      {entry.department ? `, ${entry.department}` : ''})
    </span>
  );
}

function Timeline({ ticketId, entries }: { ticketId: string; entries: readonly HistoryEntry[] }) {
  const { t } = useTranslation('auditor');
  return (
    <Panel title={t('views.history')}>
      <p className="muted">
        {t('historyIntro', { events: entries.length, streams: new Set(entries.map((entry) => entry.streamId)).size })}
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
                {entry.reason && <span className="audit-event__why">{t('why', { reason: entry.reason })}</span>}
              </p>
              <div className="audit-event__foot">
              <details className="audit-event__details">
                <summary>{t('record')}</summary>
                <dl className="mqa-facts">
                  <div>
                    <dt>{t('streamPosition')}</dt>
                    <dd>
                      {entry.streamId} #{entry.streamPosition} (schema v{entry.schemaVersion})
                    </dd>
                  </div>
                  <div>
                    <dt>{t('recorded')}</dt>
                    <dd>{formatMoment(entry.recordedAt)}</dd>
                  </div>
                  <div>
                    <dt>{t('eventId')}</dt>
                    <dd>
                      <code>{entry.eventId}</code>
                    </dd>
                  </div>
                  <div>
                    <dt>{t('correlation')}</dt>
                    <dd>
                      <code>{entry.correlationId.slice(0, 8)}</code> / <code>{entry.causationId.slice(0, 8)}</code>
                    </dd>
                  </div>
                  <div>
                    <dt>{t('hash')}</dt>
                    <dd>
                      <code title={entry.hash}>{entry.hash.slice(0, 16)}…</code> (<code title={entry.previousHash}>{entry.previousHash.slice(0, 8)}…</code>)
                    </dd>
                  </div>
                </dl>
              </details>
              <a className="audit-event__asof" href={href('auditor', ticketId, 'as-of', entry.occurredAt)}>
                {t('justAfter')}
              </a>
              </div>
            </div>
          </li>
        ))}
      </ol>
    </Panel>
  );
}

function AsOfView({ ticketId, asOf, entries }: { ticketId: string; asOf?: string; entries: readonly HistoryEntry[] }) {
  const [input, setInput] = useState(toLocalInput(asOf));
  const [inputError, setInputError] = useState<unknown>(null);
  const [then, setThen] = useState<History | null>(null);
  const [error, setError] = useState<unknown>(null);
  const { t } = useTranslation('auditor');

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
      setInputError(new ApiError(400, 'validation', 'no moment', [{ field: 'asOf', message: t('chooseMoment') }]));
      return;
    }
    setInputError(null);
    navigate('auditor', ticketId, 'as-of', iso);
  };

  const state = then?.state;
  return (
    <Panel title={t('asOfTitle')}>
      <form className="row audit-asof-form" aria-label={t('asOfForm')} onSubmit={show} noValidate>
        <Field label={t('asOfLabel')} field="asOf" error={inputError ?? error}>
          {(control) => <input {...control} type="datetime-local" step={1} value={input} onChange={(event) => setInput(event.target.value)} />}
        </Field>
        <button type="submit">{t('showThen')}</button>
        <Field label={t('orAfterEvent')} field="event">
          {(control) => (
            // The picked event stays shown: the moment in the address is that event's.
            <select {...control} value={entries.some((entry) => entry.occurredAt === asOf) ? asOf : ''} onChange={(event) => event.target.value && navigate('auditor', ticketId, 'as-of', event.target.value)}>
              <option value="">{t('chooseEvent')}</option>
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
      {!asOf && <p className="muted">{t('asOfHint')}</p>}
      {state && then && (
        <div className="audit-state" data-testid="audit-state">
          <p className="audit-state__when">
            <Trans t={t} i18nKey="asOfWhen" values={{ time: formatMoment(state.asOf), count: state.eventsSoFar, total: entries.length || '?' }} components={[<strong />]} />
          </p>
          <dl className="mqa-facts">
            <div>
              <dt>{t('stage')}</dt>
              <dd data-testid="asof-stage">{t(`stages.${state.stage}`, { defaultValue: state.stage })}</dd>
            </div>
            <div>
              <dt>{t('heldByLabel')}</dt>
              <dd data-testid="asof-holder">{holderName(state.holder)}</dd>
            </div>
            <div>
              <dt>{t('department')}</dt>
              <dd>{state.department ?? '—'}</dd>
            </div>
            <div>
              <dt>{t('handler')}</dt>
              <dd>{state.handlerId ?? '—'}</dd>
            </div>
            <div>
              <dt>{t('roundLabel')}</dt>
              <dd>{state.round}</dd>
            </div>
            <div>
              <dt>{t('complaintManagement')}</dt>
              <dd>
                {state.complaint ? t('complaintYes') : t('complaintNo')} / {state.managementInvolved ? t('yes') : t('no')}
              </dd>
            </div>
            <div>
              <dt>{t('outcomeLabel')}</dt>
              <dd>{state.outcome ? outcomeName(state.outcome) : t('notClosed')}</dd>
            </div>
            <div>
              <dt>{t('lastEvent')}</dt>
              <dd>{state.lastEvent ? `${state.lastEvent.type} (${state.lastEvent.service}) ${formatMoment(state.lastEvent.occurredAt)}` : '—'}</dd>
            </div>
          </dl>
          <h3>{t('deadlinesThen')}</h3>
          {state.runningDeadlines.length === 0 ? (
            <p className="muted">{t('none')}</p>
          ) : (
            <div className="table-scroll">
              <table>
                <thead>
                  <tr>
                    <th scope="col">{t('deadline')}</th>
                    <th scope="col">{t('roundLabel')}</th>
                    <th scope="col">{t('due')}</th>
                    <th scope="col">{t('then')}</th>
                  </tr>
                </thead>
                <tbody>
                  {state.runningDeadlines.map((deadline) => (
                    <tr key={`${deadline.deadline}-${deadline.round}`}>
                      <td>{i18n.language.startsWith('zh') ? t(`common:deadlines.${deadline.deadline}`, { defaultValue: deadline.deadline }) : deadline.deadline.replace(/_/g, ' ')}</td>
                      <td>{deadline.round}</td>
                      <td>
                        {formatMoment(deadline.dueAt)} <span className="muted">{t('left', { duration: formatDuration(Date.parse(deadline.dueAt) - Date.parse(state.asOf)) })}</span>
                      </td>
                      <td>{deadline.overdue ? <span className="badge badge--danger">{t('overdue')}</span> : <span className="badge badge--ok">{t('running')}</span>}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          {state.escalations.length > 0 && (
            <>
              <h3>{t('escalationsThen')}</h3>
              <ul>
                {state.escalations.map((escalation) => (
                  <li key={escalation.at + escalation.level}>
                    {t('escalationAt', {
                      level: t(`common:escalations.${escalation.level}`, { defaultValue: escalation.level.replace(/_/g, ' ') }),
                      trigger: t(`management:triggers.${escalation.trigger}`, { defaultValue: escalation.trigger.replace(/_/g, ' ') }),
                      time: formatMoment(escalation.at),
                    })}
                  </li>
                ))}
              </ul>
            </>
          )}
          <details>
            <summary>{t('eventsUpToThen', { count: then.entries.length })}</summary>
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
  const { t } = useTranslation('auditor');

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
      title={t('verifyTitle')}
      actions={
        <button type="button" onClick={verify} disabled={checking}>
          {checking ? t('verifying') : t('verifyAgain')}
        </button>
      }
    >
      <p className="muted">{t('verifyIntro')}</p>
      <Notice error={error} />
      {result && (
        <>
          <p className={`audit-verdict ${result.ok ? 'audit-verdict--ok' : 'audit-verdict--broken'}`} role="status" data-testid="verify-verdict">
            {result.ok
              ? t('intact', { streams: result.streams.length, events: result.streams.reduce((sum, stream) => sum + stream.eventsChecked, 0) })
              : t('broken', { stream: broken?.streamId, what: broken?.firstBreak ? breakDescription(broken.firstBreak) : t('seeBelow') })}
            {checkedAt && <span className="audit-verdict__when">{t('checked', { time: formatMoment(checkedAt) })}</span>}
          </p>
          <div className="table-scroll">
            <table data-testid="verify-streams">
              <thead>
                <tr>
                  <th scope="col">{t('stream')}</th>
                  <th scope="col">{t('service')}</th>
                  <th scope="col">{t('eventsChecked')}</th>
                  <th scope="col">{t('state')}</th>
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
                      {stream.ok ? <span className="badge badge--ok">{t('intactBadge')}</span> : <span className="badge badge--danger">{t('brokenBadge')}</span>}
                      {stream.firstBreak && <div className="audit-break">{t('firstBroken', { what: breakDescription(stream.firstBreak) })}</div>}
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
