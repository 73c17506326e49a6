import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Departments, RoutingTicket, TicketSubRequest } from '@handoff/contracts/api';
import { ActionForm, ChoiceField, TextField, useActionForm } from '../action-form';
import { api, ApiError } from '../api';
import { CommandButton, TextCommandForm } from '../routing-commands';
import { useActor } from '../session';
import { DueAt, Notice } from '../ui';
import './sub-requests.css';

type Department = Departments['departments'][number];

/**
 * A ticket's sub-requests, wherever someone works the ticket: who was asked what, who holds each
 * part and its answer. CS, the ticket's own department and management ask another department;
 * the department asked claims, reports progress and answers its part; management closes a part
 * the ticket can go on without. Every act is routing's own command; this only asks. Read by
 * itself from routing, so the department's panel, CS's ticket and management's page show the same.
 */
export function SubRequests({ ticketId, changed, onChanged }: { ticketId: string; changed?: number; onChanged?: () => void }) {
  const actor = useActor();
  const { t } = useTranslation('subrequests');
  const [ticket, setTicket] = useState<RoutingTicket | null>(null);
  const [departments, setDepartments] = useState<readonly Department[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [flash, setFlash] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      setTicket(await api<RoutingTicket>('routing', `/v1/tickets/${ticketId}`));
      setError(null);
    } catch (caught) {
      setTicket(null);
      setError(caught);
    }
  }, [ticketId]);
  useEffect(() => {
    void load();
  }, [load, changed]);
  useEffect(() => {
    api<Departments>('routing', '/v1/departments')
      .then((answer) => setDepartments(answer.departments))
      .catch(() => setDepartments([]));
  }, []);

  // A ticket routing does not have (answered at first contact) or that is not this reader's: nothing to show.
  if (error instanceof ApiError && (error.status === 403 || error.status === 404)) return null;
  if (!ticket) return error ? <Notice error={error} /> : null;

  const done = (message: string) => {
    setFlash(message);
    void load();
    onChanged?.();
  };
  const nameOf = (id: string) => departments.find((candidate) => candidate.id === id)?.name ?? id;
  const working = ticket.status === 'awaiting_handler' || ticket.status === 'in_progress';
  const mayAsk = actor.role === 'cs' || actor.role === 'management' || ((actor.role === 'department_handler' || actor.role === 'department_manager') && actor.department === ticket.department);
  const thisRound = ticket.subRequests.filter((subRequest) => subRequest.round === ticket.round);
  const open = thisRound.filter((subRequest) => subRequest.status === 'awaiting_handler' || subRequest.status === 'in_progress');

  return (
    <section className="subreq" aria-label={t('title')} data-testid="sub-requests">
      <h3>{t('title')}</h3>
      <div aria-live="polite">{flash && <Notice success={flash} />}</div>
      {ticket.subRequests.length === 0 ? (
        <p className="muted">{t('none')}</p>
      ) : (
        <ul className="subreq__list">
          {ticket.subRequests.map((subRequest) => (
            <SubRequestItem key={subRequest.subRequestId} ticketId={ticketId} subRequest={subRequest} departmentName={nameOf(subRequest.department)} onDone={done} />
          ))}
        </ul>
      )}
      {open.length > 0 && working && (
        <p className="notice" data-testid="sub-requests-waiting">
          {t('resultWaits', { departments: open.map((subRequest) => nameOf(subRequest.department)).join(', ') })}
        </p>
      )}
      {mayAsk && working && <AskForm ticketId={ticketId} departments={departments.filter((candidate) => candidate.id !== ticket.department)} onDone={done} />}
    </section>
  );
}

function SubRequestItem({ ticketId, subRequest, departmentName, onDone }: { ticketId: string; subRequest: TicketSubRequest; departmentName: string; onDone: (message: string) => void }) {
  const actor = useActor();
  const { t } = useTranslation('subrequests');
  const open = subRequest.status === 'awaiting_handler' || subRequest.status === 'in_progress';
  const asked = (actor.role === 'department_handler' || actor.role === 'department_manager') && actor.department === subRequest.department;
  const path = `/v1/tickets/${ticketId}/sub-requests/${subRequest.subRequestId}`;
  return (
    <li className="subreq__item" data-testid="sub-request" data-department={subRequest.department} data-status={subRequest.status}>
      <div className="subreq__head">
        <strong>{t('of', { department: departmentName })}</strong>{' '}
        <span className={`badge${subRequest.status === 'answered' ? ' badge--ok' : subRequest.status === 'closed' ? ' badge--warn' : ''}`} data-testid="sub-request-status">
          {t(`status.${subRequest.status}`)}
        </span>
      </div>
      <p className="subreq__reason">
        <span className="muted">{t('asked')}:</span> {subRequest.reason}
      </p>
      <p className="muted subreq__meta">
        {subRequest.handlerId ? t('handler', { handler: subRequest.handlerId }) : t('noHandler')}
        {open && (
          <>
            {' · '}
            {t('due')} <DueAt iso={subRequest.deadlines.resolutionDueAt} businessHours={subRequest.deadlines.countIn === 'business'} />
          </>
        )}
      </p>
      {subRequest.outcome && (
        <p className="subreq__outcome" data-testid="sub-request-outcome">
          <span className="muted">{subRequest.status === 'answered' ? t('answer') : t('closedWhy')}:</span> {subRequest.outcome}
        </p>
      )}
      {open && asked && subRequest.status === 'awaiting_handler' && <CommandButton path={`${path}/claim`} words={{ submit: t('claim'), done: t('claimed') }} onDone={onDone} />}
      {open && asked && subRequest.status === 'in_progress' && (
        <div className="subreq__forms">
          <TextCommandForm
            path={`${path}/progress`}
            field="note"
            words={{ title: t('progress.title'), submit: t('progress.submit'), label: t('progress.note'), done: t('progress.done') }}
            rows={2}
            secondary
            onDone={onDone}
          />
          <TextCommandForm
            path={`${path}/answer`}
            field="summary"
            words={{ title: t('answerForm.title'), submit: t('answerForm.submit'), label: t('answerForm.summary'), hint: t('answerForm.hint'), done: t('answerForm.done') }}
            rows={3}
            onDone={onDone}
          />
        </div>
      )}
      {open && actor.role === 'management' && (
        <TextCommandForm
          path={`${path}/close`}
          field="reason"
          words={{ title: t('close.title'), submit: t('close.submit'), label: t('close.reason'), done: t('close.done') }}
          secondary
          onDone={onDone}
        />
      )}
    </li>
  );
}

function AskForm({ ticketId, departments, onDone }: { ticketId: string; departments: readonly Department[]; onDone: (message: string) => void }) {
  const form = useActionForm({ department: '', reason: '' });
  const { t } = useTranslation('subrequests');
  return (
    <ActionForm
      form={form}
      title={t('ask.title')}
      submit={t('ask.submit')}
      secondary
      run={async () => {
        const { department } = form.values;
        await api('routing', `/v1/tickets/${ticketId}/sub-requests`, { body: form.values });
        const name = departments.find((candidate) => candidate.id === department)?.name ?? department;
        form.clear('reason', 'department');
        onDone(t('ask.done', { department: name }));
        return null;
      }}
    >
      <div className="row">
        <ChoiceField
          label={t('ask.department')}
          {...form.field('department')}
          placeholder={t('ask.choose')}
          options={departments.map((candidate) => ({ value: candidate.id, label: candidate.name }))}
        />
        <TextField label={t('ask.reason')} {...form.field('reason')} hint={t('ask.hint')} />
      </div>
    </ActionForm>
  );
}
