import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Departments, RoutingTicket } from '@handoff/contracts/api';
import { ActionForm, ChoiceField, TextField, useActionForm } from '../../action-form';
import { api } from '../../api';
import { Conversation } from '../../conversation/conversation';
import { href } from '../../router';
import { SubRequests } from '../../sub-requests/sub-requests';
import { Notice, Panel } from '../../ui';

/**
 * Management acting on one complaint in flight: ask the department for an update, take the
 * ticket over, name another handler or pass it to another department (each with why), and
 * comment in its conversation. Every action is the services' own command; this only asks.
 */
export function ComplaintActions({ ticketId }: { ticketId: string }) {
  const { t } = useTranslation('management');
  const [ticket, setTicket] = useState<RoutingTicket | null>(null);
  const [departments, setDepartments] = useState<Departments['departments']>([]);
  const [error, setError] = useState<unknown>(null);

  const load = useCallback(async () => {
    try {
      setTicket(await api<RoutingTicket>('routing', `/v1/tickets/${ticketId}`));
      setError(null);
    } catch (caught) {
      setError(caught);
    }
  }, [ticketId]);
  useEffect(() => {
    void load();
    api<Departments>('routing', '/v1/departments')
      .then((answer) => setDepartments(answer.departments))
      .catch(setError);
  }, [load]);

  // Each form says what it did beside itself; the ticket's state above is read again.
  const onDone = () => void load();
  const inFlight = ticket !== null && (ticket.status === 'awaiting_handler' || ticket.status === 'in_progress');
  const department = departments.find((candidate) => candidate.id === ticket?.department);

  return (
    <Panel title={t('act.title', { subject: ticket?.subject ?? ticketId.slice(0, 8) })} actions={<a href={href('management', 'complaints')}>{t('act.back')}</a>}>
      <Notice error={error} />
      {ticket && (
        <p data-testid="complaint-holder">
          {t('act.state', {
            status: t(`department:status.${ticket.status}`, { defaultValue: ticket.status }),
            department: ticket.department,
            holder: ticket.handlerId ?? t('act.nobody'),
            round: ticket.round,
          })}
          {ticket.pendingUpdateRequest && (
            <>
              {' '}
              <span className="badge badge--warn">{t('act.awaitingAnswer', { who: ticket.pendingUpdateRequest.requestedBy })}</span>
            </>
          )}
        </p>
      )}
      {ticket && !inFlight && <p className="muted">{t('act.notInFlight')}</p>}
      {ticket && inFlight && (
        <div className="mgmt-actions">
          <RequestUpdateForm ticketId={ticketId} onDone={onDone} />
          <TakeOverForm ticketId={ticketId} onDone={onDone} />
          <ReassignForm ticketId={ticketId} handlers={department?.handlers ?? []} current={ticket.handlerId} onDone={onDone} />
          <PassForm ticketId={ticketId} departments={departments.filter((candidate) => candidate.id !== ticket.department)} onDone={onDone} />
        </div>
      )}
      {ticket && <SubRequests ticketId={ticketId} onChanged={onDone} />}
      {/* The conversation carries management's comments (internal notes) beside everyone else's words. */}
      <Conversation ticketId={ticketId} />
    </Panel>
  );
}

function RequestUpdateForm({ ticketId, onDone }: { ticketId: string; onDone: () => void }) {
  const { t } = useTranslation('management');
  const form = useActionForm({ message: '' });
  return (
    <ActionForm
      form={form}
      title={t('act.update.title')}
      submit={t('act.update.submit')}
      run={async () => {
        await api('routing', `/v1/tickets/${ticketId}/update-requests`, { body: form.values });
        form.clear('message');
        onDone();
        return t('act.update.done');
      }}
    >
      <TextField label={t('act.update.message')} {...form.field('message')} hint={t('act.update.hint')} rows={2} />
    </ActionForm>
  );
}

function TakeOverForm({ ticketId, onDone }: { ticketId: string; onDone: () => void }) {
  const { t } = useTranslation('management');
  const form = useActionForm({ reason: '' });
  return (
    <ActionForm
      form={form}
      title={t('act.takeOver.title')}
      submit={t('act.takeOver.submit')}
      run={async () => {
        await api('routing', `/v1/tickets/${ticketId}/take-over`, { body: form.values });
        form.clear('reason');
        onDone();
        return t('act.takeOver.done');
      }}
    >
      <TextField label={t('act.reason')} {...form.field('reason')} hint={t('act.takeOver.hint')} />
    </ActionForm>
  );
}

function ReassignForm(props: { ticketId: string; handlers: readonly { id: string; name: string }[]; current: string | null; onDone: () => void }) {
  const { t } = useTranslation('management');
  const form = useActionForm({ handlerId: '', reason: '' });
  const { reason } = form.values;
  const chosen = form.values.handlerId || props.handlers.find((candidate) => candidate.id !== props.current)?.id || '';
  return (
    <ActionForm
      form={form}
      title={t('act.reassign.title')}
      submit={t('act.reassign.submit')}
      run={async () => {
        await api('routing', `/v1/tickets/${props.ticketId}/assign`, { body: { handlerId: chosen, ...(reason.trim() ? { reason } : {}) } });
        form.clear('reason');
        props.onDone();
        return t('act.reassign.done', { handler: chosen });
      }}
    >
      <ChoiceField
        label={t('act.reassign.handler')}
        {...form.field('handlerId')}
        value={chosen}
        options={props.handlers.map((candidate) => ({ value: candidate.id, label: `${candidate.name} (${candidate.id})` }))}
      />
      <TextField label={t('act.reason')} {...form.field('reason')} />
    </ActionForm>
  );
}

function PassForm(props: { ticketId: string; departments: readonly { id: string; name: string }[]; onDone: () => void }) {
  const { t } = useTranslation('management');
  const form = useActionForm({ toDepartment: '', reason: '' });
  const chosen = form.values.toDepartment || props.departments[0]?.id || '';
  return (
    <ActionForm
      form={form}
      title={t('act.pass.title')}
      submit={t('act.pass.submit')}
      run={async () => {
        await api('routing', `/v1/tickets/${props.ticketId}/transfer`, { body: { toDepartment: chosen, reason: form.values.reason } });
        form.clear('reason');
        props.onDone();
        return t('act.pass.done', { department: chosen });
      }}
    >
      <ChoiceField
        label={t('act.pass.department')}
        {...form.field('toDepartment')}
        hint={t('act.pass.hint')}
        value={chosen}
        options={props.departments.map((candidate) => ({ value: candidate.id, label: candidate.name }))}
      />
      <TextField label={t('act.reason')} {...form.field('reason')} />
    </ActionForm>
  );
}
