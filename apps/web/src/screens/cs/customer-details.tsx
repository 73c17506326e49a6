import { useState } from 'react';
import { api, ApiError, type Service } from '../../api';
import { Field, Notice } from '../../ui';
import type { CustomerView } from './cs-types';
import './cs.css';

/**
 * Whom to call, as the service shows it: masked in lists; in clear only on an explicit read, which
 * the service records in the ticket's history (who, when, why). A role that has no need to know
 * is asked for its reason, as the service requires, before the details are shown.
 */
export function CustomerDetails(props: { service: Service; ticketId: string; masked: CustomerView | null | undefined; title?: string }) {
  const [view, setView] = useState<CustomerView | null>(null);
  const [needsReason, setNeedsReason] = useState(false);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const read = async (withReason?: string) => {
    setBusy(true);
    setError(null);
    try {
      const answer = await api<{ customer: CustomerView }>(props.service, `/v1/tickets/${props.ticketId}/customer`, {
        query: withReason ? { reason: withReason } : undefined,
      });
      // Masked although asked: this role must say why it needs them.
      if (answer.customer.status === 'masked' && !withReason) setNeedsReason(true);
      else setNeedsReason(false);
      setView(answer.customer);
    } catch (caught) {
      if (caught instanceof ApiError && caught.fieldMessage('reason')) setNeedsReason(true);
      setError(caught);
    } finally {
      setBusy(false);
    }
  };

  const shown = view ?? props.masked ?? null;
  return (
    <section className="cs-customer" aria-label={props.title ?? 'Customer'}>
      <h3>{props.title ?? 'Customer'}</h3>
      {shown ? <CustomerLines customer={shown} /> : <p className="muted">No customer details have reached this service yet.</p>}
      {view?.status === 'clear' ? (
        <p className="muted cs-customer__note">
          Shown in clear; this read is recorded in the ticket’s history.{' '}
          <button type="button" className="secondary" onClick={() => setView(null)}>
            Hide contact details
          </button>
        </p>
      ) : needsReason ? (
        <form
          className="cs-customer__reason"
          onSubmit={(event) => {
            event.preventDefault();
            void read(reason);
          }}
        >
          <Field label="Why you need the contact details" field="reason" error={error} hint="10 characters or more; recorded with the read">
            {(control) => <input {...control} value={reason} onChange={(event) => setReason(event.target.value)} />}
          </Field>
          <button type="submit" disabled={busy}>
            Read with this reason
          </button>
        </form>
      ) : (
        shown?.status !== 'erased' && (
          <button type="button" className="secondary" disabled={busy} onClick={() => void read()}>
            Show contact details
          </button>
        )
      )}
      <Notice error={error && !(error instanceof ApiError && error.fieldMessage('reason')) ? error : undefined} />
    </section>
  );
}

export function CustomerLines({ customer }: { customer: CustomerView }) {
  if (customer.status === 'erased') return <p className="muted">Contact details erased at the customer’s request.</p>;
  const clear = customer.status === 'clear';
  return (
    <dl className="cs-facts">
      <dt>Name</dt>
      <dd>{customer.name ?? '—'}</dd>
      <dt>Phone</dt>
      <dd>{customer.phone ? clear ? <a href={`tel:${customer.phone.replace(/[^+\d]/g, '')}`}>{customer.phone}</a> : customer.phone : '—'}</dd>
      <dt>E-mail</dt>
      <dd>{customer.email ? clear ? <a href={`mailto:${customer.email}`}>{customer.email}</a> : customer.email : '—'}</dd>
      {customer.customerId && (
        <>
          <dt>Customer ref.</dt>
          <dd>{customer.customerId}</dd>
        </>
      )}
    </dl>
  );
}

/** One line for a table cell: the masked name and phone (or e-mail). */
export function customerSummary(customer: CustomerView | null | undefined): string {
  if (!customer) return '—';
  if (customer.status === 'erased') return 'erased';
  return [customer.name, customer.phone ?? customer.email].filter(Boolean).join(' · ') || '—';
}
