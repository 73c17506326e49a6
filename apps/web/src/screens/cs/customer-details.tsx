import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { i18n, useLocaleFormat } from '../../i18n';
import { api, type Service } from '../../api';
import { useActor } from '../../session';
import { Field, Notice } from '../../ui';
import { useSubmit } from '../../use-submit';
import type { CustomerView } from './cs-types';
import './cs.css';

/**
 * Whom to call, as the service shows it: masked in lists; in clear only on an explicit read, which
 * the service records in the ticket's history (who, when, why). A person whose work does not need
 * the details is shown the way to ask for them: a request with a purpose that their department
 * manager or management approves for a limited time (intake keeps the approvals and serves those reads).
 */
export function CustomerDetails(props: { service: Service; ticketId: string; masked: CustomerView | null | undefined; title?: string }) {
  const [view, setView] = useState<CustomerView | null>(null);
  const [until, setUntil] = useState<string | null>(null);
  const [needsApproval, setNeedsApproval] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const { t } = useTranslation('cs');
  const { t: ta } = useTranslation('access');
  const format = useLocaleFormat();

  // The details go when the approval ends, as the service would refuse them then.
  useEffect(() => {
    if (!until) return;
    const timer = setTimeout(() => {
      setView(null);
      setUntil(null);
    }, Math.max(0, Date.parse(until) - Date.now()));
    return () => clearTimeout(timer);
  }, [until]);

  const read = async () => {
    setBusy(true);
    setError(null);
    try {
      const answer = await api<{ customer: CustomerView }>(props.service, `/v1/tickets/${props.ticketId}/customer`);
      // Masked although asked: this person's work does not need them, so they are asked for.
      setNeedsApproval(answer.customer.status === 'masked');
      setView(answer.customer.status === 'masked' ? null : answer.customer);
    } catch (caught) {
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
          {until ? ta('ask.inClearUntil', { until: format.time(until) }) : t('customer.inClear')}{' '}
          <button
            type="button"
            className="secondary"
            onClick={() => {
              setView(null);
              setUntil(null);
            }}
          >
            {t('customer.hide')}
          </button>
        </p>
      ) : needsApproval ? (
        <AccessRequestFlow
          ticketId={props.ticketId}
          onOpened={(opened, approvedUntil) => {
            setView(opened);
            setUntil(approvedUntil);
          }}
        />
      ) : (
        shown?.status !== 'erased' && (
          <button type="button" className="secondary" disabled={busy} onClick={() => void read()}>
            {t('customer.show')}
          </button>
        )
      )}
      <Notice error={error || undefined} />
    </section>
  );
}

interface AccessRequestView {
  readonly requestId: string;
  readonly purpose: string;
  readonly status: 'pending' | 'approved' | 'refused';
  readonly expiresAt?: string;
  readonly refusal?: string;
  readonly requester: { readonly id: string };
}

/** Asking for the details with a purpose, waiting for the decision, and reading them while it lasts. */
function AccessRequestFlow(props: { ticketId: string; onOpened: (view: CustomerView, until: string | null) => void }) {
  const actor = useActor();
  const { t } = useTranslation('access');
  const format = useLocaleFormat();
  const [own, setOwn] = useState<AccessRequestView | null | undefined>(undefined);
  const [purpose, setPurpose] = useState('');
  const [asking, setAsking] = useState(false);
  const { busy, error, success, submit } = useSubmit();

  const load = useCallback(async () => {
    const answer = await api<{ items: AccessRequestView[] }>('intake', `/v1/tickets/${props.ticketId}/access-requests`);
    setOwn(answer.items.filter((request) => request.requester.id === actor.id).at(-1) ?? null);
  }, [actor.id, props.ticketId]);
  useEffect(() => {
    void load().catch(() => setOwn(null));
  }, [load]);

  if (own === undefined) return null;
  const live = own?.status === 'approved' && own.expiresAt !== undefined && Date.parse(own.expiresAt) > Date.now();
  const mayAsk = asking || !own || own.status === 'refused' || (own.status === 'approved' && !live);

  return (
    <div className="cs-customer__access" data-testid="access-request">
      <Notice error={error || undefined} success={success} />
      {own?.status === 'pending' && (
        <p>
          {t('ask.pending')}{' '}
          <button type="button" className="secondary" disabled={busy} onClick={() => void submit(async () => (await load(), null))}>
            {t('ask.checkAgain')}
          </button>
        </p>
      )}
      {live && (
        <p>
          {t('ask.approved', { until: format.time(own!.expiresAt) })}{' '}
          <button
            type="button"
            disabled={busy}
            onClick={() =>
              void submit(async () => {
                const answer = await api<{ customer: CustomerView; approvedUntil?: string }>('intake', `/v1/tickets/${props.ticketId}/customer`);
                props.onOpened(answer.customer, answer.approvedUntil ?? null);
                return null;
              })
            }
          >
            {t('ask.showApproved')}
          </button>
        </p>
      )}
      {own?.status === 'refused' && !asking && <p className="notice notice--error">{t('ask.refused', { reason: own.refusal ?? '' })}</p>}
      {own?.status === 'approved' && !live && !asking && <p className="muted">{t('ask.ended')}</p>}
      {mayAsk && (
        <form
          className="cs-customer__reason"
          onSubmit={(event) => {
            event.preventDefault();
            void submit(async () => {
              await api('intake', `/v1/tickets/${props.ticketId}/access-requests`, { body: { purpose } });
              setAsking(false);
              setPurpose('');
              await load();
              return t('ask.sent');
            });
          }}
        >
          <p className="muted">{t('ask.explain')}</p>
          <Field label={t('ask.purpose')} field="purpose" error={error} hint={t('ask.purposeHint')}>
            {(control) => <input {...control} value={purpose} onChange={(event) => setPurpose(event.target.value)} />}
          </Field>
          <button type="submit" disabled={busy}>
            {t('ask.submit')}
          </button>
        </form>
      )}
    </div>
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
