import { useCallback, useEffect, useState } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import { api } from '../../api';
import { href } from '../../router';
import { useActor } from '../../session';
import { Field, Notice, Panel } from '../../ui';
import { useSubmit } from '../../use-submit';
import { download } from '../auditor/export';
import { SearchResults } from './search-view';
import type { CustomerProfile as Profile, SearchResult } from '@handoff/contracts/api';
import { maskedCustomer } from './masked-customer';

const COUNTS = ['tickets', 'open', 'closed', 'satisfied', 'objected', 'unconfirmed'] as const;

/**
 * A customer's profile, reached from any of their tickets (in search or from a ticket): every
 * ticket of theirs, open and closed, and what they said of each result so far. The customer is
 * masked here; CS reads the details in clear on the ticket, where that read is recorded.
 */
export function CustomerProfileView(props: { ticketId: string; base: readonly string[]; ticketLink?: (ticketId: string) => string | undefined }) {
  const { t } = useTranslation('search');
  const [profile, setProfile] = useState<Profile | null>(null);
  const [items, setItems] = useState<SearchResult[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const load = useCallback(
    async (cursor: string | null) => {
      setBusy(true);
      try {
        const answer = await api<Profile>('evaluation', `/v1/tickets/${props.ticketId}/customer-profile`, { query: { cursor: cursor ?? undefined } });
        setProfile(answer);
        setItems((current) => (cursor ? [...current, ...answer.items] : [...answer.items]));
        setError(null);
      } catch (caught) {
        setError(caught);
      } finally {
        setBusy(false);
      }
    },
    [props.ticketId],
  );
  useEffect(() => {
    void load(null);
  }, [load]);

  const summary = profile?.summary;
  return (
    <Panel title={t('profile.title')} actions={<a href={href(...props.base)}>{t('profile.back')}</a>}>
      <Notice error={error || undefined} />
      {profile && (
        <>
          <p className="search-profile__who">
            <strong>{maskedCustomer(profile.customer, t('erased'))}</strong>
            {profile.customer?.customerId && <span className="hint"> {t('profile.reference', { reference: profile.customer.customerId })}</span>}
          </p>
          {summary && (
            <ul className="search-profile__summary" aria-label={t('profile.glance')}>
              {COUNTS.map((count) => (
                <li key={count}>
                  <Trans t={t} i18nKey={`profile.${count}`} count={summary[count]} values={{ count: summary[count] }} components={{ strong: <strong /> }} />
                </li>
              ))}
            </ul>
          )}
          <SearchResults items={items} base={props.base} showCustomer={false} ticketLink={props.ticketLink} caption={t('profile.caption')} />
          {profile.nextCursor && (
            <button type="button" className="secondary search-more" disabled={busy} onClick={() => void load(profile.nextCursor)}>
              {busy ? t('loadingMore') : t('profile.more')}
            </button>
          )}
          <ExportData ticketId={props.ticketId} />
        </>
      )}
    </Panel>
  );
}

/**
 * Management answers a customer's access request from their profile: the export is made by the
 * service (which records it on each ticket) and handed to the browser as the file it is.
 */
function ExportData(props: { ticketId: string }) {
  const { t } = useTranslation('search');
  const actor = useActor();
  const [reason, setReason] = useState('');
  const { busy, error, success, submit } = useSubmit();
  if (actor.role !== 'management') return null;
  const exportData = () =>
    submit(async () => {
      const file = await api<{ exportId: string; exportedAt: string; tickets: unknown[] }>('evaluation', '/v1/customers/export', { body: { ticketId: props.ticketId, reason } });
      download(`customer-data-export-${file.exportedAt.slice(0, 10)}-${file.exportId.slice(0, 8)}.json`, 'application/json', JSON.stringify(file, null, 2));
      setReason('');
      return t('profile.export.done', { count: file.tickets.length });
    });
  return (
    <form
      className="search-profile__export"
      aria-label={t('profile.export.title')}
      onSubmit={(event) => {
        event.preventDefault();
        void exportData();
      }}
    >
      <h3>{t('profile.export.title')}</h3>
      <p className="hint">{t('profile.export.explain')}</p>
      <Field label={t('profile.export.reason')} field="reason" error={error} hint={t('profile.export.reasonHint')}>
        {(control) => <textarea {...control} rows={2} value={reason} onChange={(event) => setReason(event.target.value)} />}
      </Field>
      <button type="submit" disabled={busy}>
        {busy ? t('profile.export.busy') : t('profile.export.button')}
      </button>
      <Notice error={error} success={success} />
    </form>
  );
}
