import { useCallback, useEffect, useState } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import { api } from '../../api';
import { href } from '../../router';
import { Notice, Panel } from '../../ui';
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
        </>
      )}
    </Panel>
  );
}
