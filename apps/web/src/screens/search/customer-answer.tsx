import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { RoutingTicket } from '@handoff/contracts/api';
import { ActionForm, TextField, useActionForm } from '../../action-form';
import { api } from '../../api';
import { useActor } from '../../session';

/**
 * The customer called back with what the department asked for: CS, who took the call, records it
 * on the ticket, and a clock paused waiting on the customer runs again (routing decides that).
 * Shown while a department works the ticket; afterwards the customer answers through follow-up.
 */
export function CustomerAnswer({ ticketId, onRecorded }: { ticketId: string; onRecorded: () => void }) {
  const actor = useActor();
  const { t } = useTranslation('search');
  const [ticket, setTicket] = useState<RoutingTicket | null>(null);
  const form = useActionForm({ answer: '' });

  const load = useCallback(async () => {
    // A ticket routing does not have, or not this reader's: nothing to record an answer on.
    setTicket(await api<RoutingTicket>('routing', `/v1/tickets/${ticketId}`).catch(() => null));
  }, [ticketId]);
  useEffect(() => {
    void load();
  }, [load]);

  const mayRecord = actor.role === 'cs' || actor.role === 'management' || actor.department === ticket?.department;
  if (!ticket || !mayRecord || (ticket.status !== 'awaiting_handler' && ticket.status !== 'in_progress')) return null;
  const waitsOnCustomer = ticket.paused?.reason === 'waiting_on_customer';
  return (
    <section className="customer-answer" data-testid="customer-answer">
      {waitsOnCustomer && (
        <p className="notice" data-testid="waits-on-customer">
          {t('customerAnswer.waits', { department: ticket.department })}
          {ticket.paused?.note ? ` ${t('customerAnswer.waitsFor', { note: ticket.paused.note })}` : ''}
        </p>
      )}
      <ActionForm
        form={form}
        title={t('customerAnswer.title')}
        submit={t('customerAnswer.submit')}
        secondary={!waitsOnCustomer}
        run={async () => {
          const answered = await api<RoutingTicket>('routing', `/v1/tickets/${ticketId}/customer-answer`, { body: form.values });
          form.clear('answer');
          setTicket((current) => (current ? { ...current, paused: answered.paused } : current));
          onRecorded();
          return waitsOnCustomer && answered.paused === null ? t('customerAnswer.resumed') : t('customerAnswer.recorded');
        }}
      >
        <TextField label={t('customerAnswer.answer')} {...form.field('answer')} hint={t('customerAnswer.hint')} rows={3} />
      </ActionForm>
    </section>
  );
}
