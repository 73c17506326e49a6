import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { i18n } from '../../i18n';
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
  const { t } = useTranslation('cs');

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
    <section className="cs-customer" aria-label={props.title ?? t('customer.title')}>
      <h3>{props.title ?? t('customer.title')}</h3>
      {shown ? <CustomerLines customer={shown} /> : <p className="muted">{t('customer.none')}</p>}
      {view?.status === 'clear' ? (
        <p className="muted cs-customer__note">
          {t('customer.inClear')}{' '}
          <button type="button" className="secondary" onClick={() => setView(null)}>
            {t('customer.hide')}
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
          <Field label={t('customer.why')} field="reason" error={error} hint={t('customer.whyHint')}>
            {(control) => <input {...control} value={reason} onChange={(event) => setReason(event.target.value)} />}
          </Field>
          <button type="submit" disabled={busy}>
            {t('customer.readWithReason')}
          </button>
        </form>
      ) : (
        shown?.status !== 'erased' && (
          <button type="button" className="secondary" disabled={busy} onClick={() => void read()}>
            {t('customer.show')}
          </button>
        )
      )}
      <Notice error={error && !(error instanceof ApiError && error.fieldMessage('reason')) ? error : undefined} />
    </section>
  );
}

export function CustomerLines({ customer }: { customer: CustomerView }) {
  const { t } = useTranslation('cs');
  if (customer.status === 'erased') return <p className="muted">{t('customer.erased')}</p>;
  const clear = customer.status === 'clear';
  return (
    <dl className="cs-facts">
      <dt>{t('common:name')}</dt>
      <dd>{customer.name ?? '—'}</dd>
      <dt>{t('common:phone')}</dt>
      <dd>{customer.phone ? clear ? <a href={`tel:${customer.phone.replace(/[^+\d]/g, '')}`}>{customer.phone}</a> : customer.phone : '—'}</dd>
      <dt>{t('common:email')}</dt>
      <dd>{customer.email ? clear ? <a href={`mailto:${customer.email}`}>{customer.email}</a> : customer.email : '—'}</dd>
      {customer.customerId && (
        <>
          <dt>{t('common:customerRef')}</dt>
          <dd>{customer.customerId}</dd>
        </>
      )}
    </dl>
  );
}

/** One line for a table cell: the masked name and phone (or e-mail). */
export function customerSummary(customer: CustomerView | null | undefined): string {
  if (!customer) return '—';
  if (customer.status === 'erased') return i18n.t('common:erased');
  return [customer.name, customer.phone ?? customer.email].filter(Boolean).join(' · ') || '—';
}
