import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ActionForm, ChoiceField, TextField, useActionForm } from '../../action-form';
import { api, ApiError } from '../../api';
import { useCauseLabel, useComplaintCauses } from '../../complaint-causes';
import { Conversation } from '../../conversation/conversation';
import { href } from '../../router';
import type { Actor } from '../../session';
import { DueAt, formatInstant, Notice, Panel } from '../../ui';
import { CustomerDetails } from '../cs/customer-details';
import { SubRequests } from '../../sub-requests/sub-requests';
import { useSubmit } from '../../use-submit';
import { CommandButton, TextCommandForm } from '../../routing-commands';
import { Countdown } from './countdown';
import type { Department, RoutingTicket, TimelineEntry } from './department-types';

/**
 * One ticket of the department: what the customer asked (from the ticket's history), who has it,
 * its deadlines, and what the department does next: claim, assign, progress, result, pass on.
 */
type TicketPanelProps = { ticketId: string; department: string; departments: readonly Department[]; actor: Actor; now: number; changed: number; onChanged: () => void };

export function TicketPanel(props: TicketPanelProps) {
  const focusTarget = useRef<HTMLDivElement>(null);
  // Opening a ticket from the queue moves keyboard and screen-reader focus to it.
  useEffect(() => {
    focusTarget.current?.focus();
  }, [props.ticketId]);
  return (
    <div ref={focusTarget} tabIndex={-1} className="dept-focus">
      <TicketPanelContent {...props} />
    </div>
  );
}

function TicketPanelContent(props: TicketPanelProps) {
  const { ticketId, actor } = props;
  const [ticket, setTicket] = useState<RoutingTicket | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [history, setHistory] = useState<readonly TimelineEntry[] | null>(null);
  const [historyError, setHistoryError] = useState<unknown>(null);
  const alive = useRef(true);
  const { t } = useTranslation('department');

  const load = useCallback(async () => {
    try {
      setTicket(await api<RoutingTicket>('routing', `/v1/tickets/${ticketId}`));
      setError(null);
    } catch (caught) {
      setTicket(null);
      setError(caught);
      return;
    }
    // The history is built from the services' topics and may trail a new ticket by a moment.
    for (let attempt = 0; attempt < 8; attempt++) {
      try {
        const timeline = await api<{ entries: TimelineEntry[] }>('evaluation', `/v1/tickets/${ticketId}/timeline`);
        if (!alive.current) return;
        setHistory(timeline.entries);
        setHistoryError(null);
        return;
      } catch (caught) {
        if (!alive.current) return;
        setHistoryError(caught);
        if (!(caught instanceof ApiError && caught.status === 404)) return;
        await new Promise((resolve) => setTimeout(resolve, 1000 + attempt * 500));
      }
    }
  }, [ticketId]);

  useEffect(() => {
    alive.current = true;
    void load();
    return () => {
      alive.current = false;
    };
  }, [load, props.changed]);

  const [flash, setFlash] = useState<string | null>(null);
  const done = (message: string) => {
    setFlash(message || null);
    void load();
    props.onChanged();
  };

  const close = (
    <a className="dept-button-link secondary" href={href('department', props.department)}>
      {t('panel.back')}
    </a>
  );

  if (error) {
    const refused = error instanceof ApiError && error.status === 403;
    const unknown = error instanceof ApiError && (error.status === 404 || error.status === 400);
    return (
      <Panel title={t('panel.ticket')} actions={close}>
        <p className="notice notice--error" role="alert" data-testid="ticket-refused">
          {refused
            ? t('panel.refused', { department: props.department })
            : unknown
              ? t('panel.unknown')
              : (error instanceof Error ? error.message : String(error))}
        </p>
      </Panel>
    );
  }
  if (!ticket) {
    return (
      <Panel title={t('panel.ticket')} actions={close}>
        <p className="muted">{t('common:loading')}</p>
      </Panel>
    );
  }

  const staff = actor.role === 'department_handler' || actor.role === 'department_manager';
  const managerLike = actor.role === 'department_manager' || actor.role === 'management';
  const ours = actor.role === 'management' || actor.department === ticket.department;
  const working = ticket.status === 'awaiting_handler' || ticket.status === 'in_progress';
  const offeredToUs =
    ticket.pendingTransfer !== null && ticket.pendingTransfer.toDepartment === props.department && (actor.role === 'management' || actor.department === props.department) && ticket.department !== props.department;
  const ownDepartment = props.departments.find((candidate) => candidate.id === ticket.department);
  const contact = history?.find((entry) => entry.type === 'ContactRecorded')?.data as { description?: string } | undefined;
  const handOvers = (history ?? []).filter((entry) => entry.type === 'TicketHandedOver').map((entry) => entry.data as { note?: string; reason?: string });
  const objections = (history ?? []).filter((entry) => entry.type === 'TicketReopened').map((entry) => ({ at: entry.occurredAt, ...(entry.data as { objection?: string; round?: number }) }));

  return (
    <Panel title={ticket.subject ?? t('ticketShort', { id: ticketId.slice(0, 8) })} actions={close}>
      <div className="dept-ticket" data-testid="ticket-panel" data-ticket-id={ticketId}>
        <div className="dept-badges">
          <span className="badge" data-testid="ticket-status">
            {t(`status.${ticket.status}`)}
          </span>
          {ticket.complaint ? <span className="badge badge--danger">{t('table.complaint')}</span> : <span className="badge">{t(`common:ticketTypes.${ticket.type}`, { defaultValue: ticket.type })}</span>}
          <span className={`badge${ticket.priority === 'urgent' ? ' badge--danger' : ticket.priority === 'high' ? ' badge--warn' : ''}`}>{t('panel.priority', { priority: t(`common:priorities.${ticket.priority}`, { defaultValue: ticket.priority }) })}</span>
          {ticket.round > 1 && <span className="badge badge--warn">{t('common:round', { round: ticket.round })}</span>}
          {ticket.managementInvolved && <span className="badge badge--warn">{t('panel.managementInvolved')}</span>}
          {ticket.outcome && <span className="badge badge--ok">{t(`outcome.${ticket.outcome}`, { defaultValue: ticket.outcome.replace(/_/g, ' ') })}</span>}
        </div>
        <dl className="cs-facts">
          <dt>{t('panel.ticket')}</dt>
          <dd>
            <code>{ticketId}</code>
          </dd>
          <dt>{t('panel.departmentTerm')}</dt>
          <dd>{ownDepartment?.name ?? ticket.department}</dd>
          <dt>{t('panel.responsible')}</dt>
          <dd data-testid="ticket-handler">{ticket.handlerId ? (nameOf(ownDepartment, ticket.handlerId) ?? ticket.handlerId) : t('panel.noHandler')}</dd>
          <dt>{t('panel.category')}</dt>
          <dd>
            {t('panel.via', { category: ticket.category, channel: t(`common:channels.${ticket.channel}`, { defaultValue: ticket.channel }) })}
            {ticket.platform ? ` (${ticket.platform})` : ''}
          </dd>
          <dt>{t('common:deadlines.first_response')}</dt>
          <dd>
            {ticket.firstResponseGiven || !working ? (
              <span className="muted">{ticket.firstResponseGiven ? t('panel.given') : t('panel.wasDue', { time: formatInstant(ticket.deadlines.firstResponseDueAt) })}</span>
            ) : (
              <>
                <Countdown dueAt={ticket.deadlines.firstResponseDueAt} now={props.now} />{' '}
                <DueAt iso={ticket.deadlines.firstResponseDueAt} businessHours={ticket.deadlines.businessHours} />
              </>
            )}
            {ticket.escalations.first_response !== 'none' && <span className="badge badge--warn dept-overdue">{t(`escalation.${ticket.escalations.first_response}`)}</span>}
          </dd>
          <dt>{t('common:deadlines.resolution')}</dt>
          <dd>
            {working && !ticket.paused && <Countdown dueAt={ticket.deadlines.resolutionDueAt} now={props.now} />}
            {ticket.paused && <PausedBadge paused={ticket.paused} />}{' '}
            <DueAt iso={ticket.deadlines.resolutionDueAt} businessHours={ticket.deadlines.businessHours} testId="ticket-resolution-due" />
            {ticket.paused && <div className="muted dept-small">{t('pause.resumesBy', { time: formatInstant(ticket.paused.resumeBy) })}</div>}
            {ticket.escalations.resolution !== 'none' && <span className="badge badge--warn dept-overdue">{t(`escalation.${ticket.escalations.resolution}`)}</span>}
          </dd>
        </dl>

        <section className="dept-section" aria-label={t('panel.asked')}>
          <h3>{t('panel.asked')}</h3>
          {contact?.description ? (
            <p className="dept-description">{contact.description}</p>
          ) : (
            <p className="muted">
              {historyError instanceof ApiError && historyError.status === 403
                ? t('panel.afterTakeOver')
                : historyError instanceof ApiError && historyError.status === 404
                  ? t('panel.historyNotYet')
                  : history
                    ? t('panel.noDescription')
                    : t('common:loading')}
            </p>
          )}
          {handOvers.filter((entry) => entry.note).map((entry, index) => (
            <p key={index} className="dept-note">
              <strong>{t('panel.csNote')}</strong> {entry.note}
            </p>
          ))}
          {objections.map((entry) => (
            <p key={entry.at} className="dept-note dept-note--objection">
              <strong>{t('panel.objection', { round: entry.round })}</strong> {entry.objection}
            </p>
          ))}
        </section>

        <CustomerDetails service="routing" ticketId={ticketId} masked={ticket.customer} />

        <div aria-live="polite">{flash && <Notice success={flash} />}</div>
        {ticket.pendingTransfer && !offeredToUs && (
          <p className="notice dept-pending">
            {t('panel.offeredWaiting', { department: ticket.pendingTransfer.toDepartment, reason: ticket.pendingTransfer.reason })}
          </p>
        )}
        {ticket.pendingUpdateRequest && (
          <p className="notice dept-pending" data-testid="update-requested">
            {t('panel.updateRequested', { who: ticket.pendingUpdateRequest.requestedBy })}
          </p>
        )}
        {offeredToUs && <TransferAnswer ticketId={ticketId} from={ticket.department} reason={ticket.pendingTransfer!.reason} onDone={done} />}

        {ours && !offeredToUs && (
          <div className="dept-actions">
            {staff && ticket.status === 'awaiting_handler' && (
              <CommandButton path={`/v1/tickets/${ticketId}/claim`} words={{ submit: t('claim.button'), done: t('claim.done') }} onDone={done} />
            )}
            {managerLike && working && <AssignForm ticketId={ticketId} department={ownDepartment} current={ticket.handlerId} onDone={done} />}
            {ticket.status === 'in_progress' && (
              <TextCommandForm
                path={`/v1/tickets/${ticketId}/progress`}
                field="note"
                words={{ title: t('progress.title'), submit: t('progress.submit'), label: t('progress.note'), hint: t('progress.hint'), done: t('progress.done') }}
                rows={2}
                secondary
                onDone={done}
              />
            )}
            {ticket.status === 'in_progress' &&
              (ticket.paused ? (
                <CommandButton
                  path={`/v1/tickets/${ticketId}/resume`}
                  words={{ title: t('pause.resumeTitle'), hint: t('pause.resumeHint'), submit: t('pause.resume'), done: t('pause.resumed') }}
                  onDone={done}
                />
              ) : (
                <PauseForm ticketId={ticketId} onDone={done} />
              ))}
            {managerLike && working && <PriorityForm ticketId={ticketId} current={ticket.priority} onDone={done} />}
            {ticket.status === 'in_progress' && !ticket.pendingTransfer && <ResultForm ticketId={ticketId} complaint={ticket.complaint} onDone={done} />}
            {working && !ticket.pendingTransfer && (
              <TransferForm ticketId={ticketId} departments={props.departments.filter((candidate) => candidate.id !== ticket.department)} onDone={done} />
            )}
            {ticket.status === 'awaiting_handler' && !managerLike && <p className="muted">{t('panel.claimHint')}</p>}
          </div>
        )}

        <SubRequests ticketId={ticketId} changed={props.changed} onChanged={() => done('')} />

        <Conversation ticketId={ticketId} />

        <details className="dept-history">
          <summary>{history ? t('panel.historyCount', { count: history.length }) : t('panel.history')}</summary>
          {history ? (
            <ol>
              {history.map((entry) => (
                <li key={entry.eventId}>
                  <time dateTime={entry.occurredAt}>{formatInstant(entry.occurredAt)}</time> {entry.summary}{' '}
                  <span className="muted">
                    — {entry.actorId} ({entry.role}
                    {entry.department ? `, ${entry.department}` : ''}){entry.reason ? `: “${entry.reason}”` : ''}
                  </span>
                </li>
              ))}
            </ol>
          ) : (
            <Notice error={historyError || undefined} />
          )}
        </details>
      </div>
    </Panel>
  );
}

/** The resolution clock stands still: since when and why, in the reader's language. */
export function PausedBadge({ paused }: { paused: NonNullable<RoutingTicket['paused']> }) {
  const { t } = useTranslation('department');
  return (
    <span className="badge badge--warn" data-testid="ticket-paused">
      {t('pause.pausedSince', { time: formatInstant(paused.since), reason: t(`pause.reasons.${paused.reason}`) })}
    </span>
  );
}

/** Pause the resolution clock while the department waits on the customer or a third party, saying for what. */
function PauseForm({ ticketId, onDone }: { ticketId: string; onDone: (message: string) => void }) {
  const form = useActionForm({ reason: 'waiting_on_customer', note: '' });
  const { reason, note } = form.values;
  const { t } = useTranslation('department');
  return (
    <ActionForm
      form={form}
      title={t('pause.title')}
      submit={t('pause.submit')}
      secondary
      run={async () => {
        await api('routing', `/v1/tickets/${ticketId}/pause`, { body: { reason, ...(note.trim() ? { note } : {}) } });
        form.clear('note');
        onDone(t('pause.done'));
        return null;
      }}
    >
      <ChoiceField
        label={t('pause.reason')}
        {...form.field('reason')}
        options={(['waiting_on_customer', 'waiting_on_third_party'] as const).map((candidate) => ({ value: candidate, label: t(`pause.reasons.${candidate}`) }))}
      />
      <TextField label={t('pause.note')} {...form.field('note')} hint={t('pause.hint')} />
    </ActionForm>
  );
}

/** A new priority re-targets the round's deadlines from its start; the time already spent stays spent. */
function PriorityForm({ ticketId, current, onDone }: { ticketId: string; current: string; onDone: (message: string) => void }) {
  const form = useActionForm({ priority: current, reason: '' });
  const { priority } = form.values;
  const { t } = useTranslation('department');
  return (
    <ActionForm
      form={form}
      title={t('priority.title')}
      submit={t('priority.submit')}
      secondary
      run={async () => {
        await api('routing', `/v1/tickets/${ticketId}/priority`, { body: form.values });
        form.clear('reason');
        onDone(t('priority.done', { priority: t(`common:priorities.${priority}`) }));
        return null;
      }}
    >
      <div className="row">
        <ChoiceField
          label={t('priority.priority')}
          {...form.field('priority')}
          hint={t('priority.hint')}
          options={(['low', 'normal', 'high', 'urgent'] as const).map((candidate) => ({ value: candidate, label: t(`common:priorities.${candidate}`) }))}
        />
        <TextField label={t('priority.reason')} {...form.field('reason')} />
      </div>
    </ActionForm>
  );
}

function nameOf(department: Department | undefined, personId: string): string | undefined {
  const person = department?.handlers.find((candidate) => candidate.id === personId) ?? department?.managers.find((candidate) => candidate.id === personId);
  return person ? `${person.name} (${person.id})` : undefined;
}

function AssignForm({ ticketId, department, current, onDone }: { ticketId: string; department: Department | undefined; current: string | null; onDone: (message: string) => void }) {
  const handlers = department?.handlers ?? [];
  const form = useActionForm({ handlerId: handlers.find((candidate) => candidate.id !== current)?.id ?? handlers[0]?.id ?? '', reason: '' });
  const { handlerId, reason } = form.values;
  const { t } = useTranslation('department');
  return (
    <ActionForm
      form={form}
      title={current ? t('assign.another') : t('assign.title')}
      submit={t('assign.submit')}
      secondary
      run={async () => {
        await api('routing', `/v1/tickets/${ticketId}/assign`, { body: { handlerId, ...(reason.trim() ? { reason } : {}) } });
        form.clear('reason');
        onDone(t('assign.done', { handler: handlerId }));
        return null;
      }}
    >
      <div className="row">
        <ChoiceField
          label={t('assign.handler')}
          {...form.field('handlerId')}
          options={handlers.map((candidate) => ({ value: candidate.id, label: `${candidate.name} (${candidate.id})${candidate.id === current ? t('assign.responsibleNow') : ''}` }))}
        />
        <TextField label={t('assign.reason')} {...form.field('reason')} />
      </div>
    </ActionForm>
  );
}

function ResultForm({ ticketId, complaint, onDone }: { ticketId: string; complaint: boolean; onDone: (message: string) => void }) {
  const form = useActionForm({ summary: '', apology: '', correctiveAction: '', cause: '' });
  const { summary, apology, correctiveAction, cause } = form.values;
  const causes = useComplaintCauses();
  const labelOf = useCauseLabel();
  const { t } = useTranslation('department');
  return (
    <ActionForm
      form={form}
      title={t('result.title')}
      submit={t('result.submit')}
      run={async () => {
        const optional = (name: string, value: string) => (value.trim() ? { [name]: value } : {});
        // Only a complaint names its cause: the service refuses one on any other ticket.
        const body = { summary, ...optional('apology', apology), ...optional('correctiveAction', correctiveAction), ...(complaint ? optional('cause', cause) : {}) };
        await api('routing', `/v1/tickets/${ticketId}/result`, { body });
        onDone(t('result.done'));
        return null;
      }}
    >
      <TextField label={t('result.summary')} {...form.field('summary')} hint={t('result.summaryHint')} rows={3} />
      <TextField label={complaint ? t('result.apologyRequired') : t('result.apologyOptional')} {...form.field('apology')} rows={2} />
      <TextField label={complaint ? t('result.correctiveRequired') : t('result.correctiveOptional')} {...form.field('correctiveAction')} hint={t('result.correctiveHint')} rows={2} />
      {complaint && (
        <ChoiceField
          label={t('result.cause')}
          {...form.field('cause')}
          hint={t('result.causeHint')}
          placeholder={t('result.causeChoose')}
          options={causes.map((option) => ({ value: option.code, label: labelOf(option.label) }))}
        />
      )}
    </ActionForm>
  );
}

function TransferForm({ ticketId, departments, onDone }: { ticketId: string; departments: readonly Department[]; onDone: (message: string) => void }) {
  const form = useActionForm({ toDepartment: '', reason: '' });
  const { t } = useTranslation('department');
  return (
    <ActionForm
      form={form}
      title={t('transfer.title')}
      submit={t('transfer.submit')}
      secondary
      run={async () => {
        await api('routing', `/v1/tickets/${ticketId}/transfer`, { body: form.values });
        form.clear('reason');
        onDone(t('transfer.done', { department: form.values.toDepartment }));
        return null;
      }}
    >
      <div className="row">
        <ChoiceField
          label={t('transfer.department')}
          {...form.field('toDepartment')}
          placeholder={t('transfer.choose')}
          options={departments.map((candidate) => ({ value: candidate.id, label: candidate.name }))}
        />
        <TextField label={t('transfer.reason')} {...form.field('reason')} />
      </div>
    </ActionForm>
  );
}

/** A pass addressed to this department: take it over, or refuse it saying why. */
export function TransferAnswer({ ticketId, from, reason, onDone, compact }: { ticketId: string; from: string; reason: string | null; onDone: (message: string) => void; compact?: boolean }) {
  const accepting = useSubmit();
  const refusal = useActionForm({ reason: '' });
  const { t } = useTranslation('department');
  return (
    <div className={`dept-transfer${compact ? ' dept-transfer--compact' : ''}`}>
      {!compact && (
        <p>
          {t('transfer.asks', { from })}
          {reason ? `: “${reason}”` : '.'}
        </p>
      )}
      <div className="dept-transfer__accept">
        <button
          type="button"
          disabled={accepting.busy}
          onClick={() =>
            void accepting.submit(async () => {
              await api('routing', `/v1/tickets/${ticketId}/transfer/accept`, { body: {} });
              onDone(t('transfer.accepted'));
              return null;
            })
          }
        >
          {t('transfer.accept')}
        </button>
        <Notice error={accepting.error || undefined} />
      </div>
      <ActionForm
        form={refusal}
        title={t('transfer.refuseTitle')}
        submit={t('transfer.refuse')}
        secondary
        run={async () => {
          await api('routing', `/v1/tickets/${ticketId}/transfer/refuse`, { body: refusal.values });
          refusal.clear('reason');
          onDone(t('transfer.refused', { from }));
          return null;
        }}
      >
        <TextField label={t('transfer.refuseReason')} {...refusal.field('reason')} />
      </ActionForm>
    </div>
  );
}
