import { useEffect, useState } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import { api, ApiError } from '../../api';
import { useLocaleFormat } from '../../i18n';
import { href } from '../../router';
import type { SearchPage } from '@handoff/contracts/api';
import { maskedCustomer } from './masked-customer';

/** How long typing must pause before the phone or e-mail is looked up. */
const DEBOUNCE_MS = 400;

const looksLikePhone = (phone: string) => phone.replace(/\D/g, '').length >= 7 && /^\+?[\d\s().-]+$/.test(phone.trim());
const looksLikeEmail = (email: string) => /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email.trim());

/**
 * While CS types a customer's phone or e-mail into the contact form: the open tickets of that
 * customer, so a caller chasing her complaint is not given a second ticket. Asked by POST, so
 * the phone never sits in a URL.
 */
export function OpenTicketsHint({ phone, email, base }: { phone: string; email: string; base: readonly string[] }) {
  const { t } = useTranslation('search');
  const format = useLocaleFormat();
  const [page, setPage] = useState<SearchPage | null>(null);
  useEffect(() => {
    const contact = { ...(looksLikePhone(phone) ? { phone: phone.trim() } : {}), ...(looksLikeEmail(email) ? { email: email.trim() } : {}) };
    if (Object.keys(contact).length === 0) {
      setPage(null);
      return;
    }
    let current = true;
    const timer = window.setTimeout(() => {
      api<SearchPage>('evaluation', '/v1/customers/open-tickets', { body: contact })
        .then((answer) => current && setPage(answer))
        .catch((error: unknown) => {
          // A half-typed value the service refuses is no news for the agent.
          if (current && error instanceof ApiError && error.status === 400) setPage(null);
        });
    }, DEBOUNCE_MS);
    return () => {
      current = false;
      window.clearTimeout(timer);
    };
  }, [phone, email]);

  if (!page || page.items.length === 0) return null;
  const first = page.items[0];
  return (
    <aside className="search-hint" role="status" aria-label={t('hint.label')}>
      <p className="search-hint__title">
        <Trans
          t={t}
          i18nKey="hint.title"
          count={page.items.length}
          values={{ count: page.items.length, customer: maskedCustomer(first.customer, t('erased')) }}
          components={{ strong: <strong /> }}
        />
      </p>
      <ul>
        {page.items.map((item) => (
          <li key={item.ticketId}>
            <code>{item.shortId}</code> {item.subject ?? '—'}{' '}
            <span className="hint">
              {t('hint.item', {
                type: item.type ? t(`types.${item.type}`, { defaultValue: item.type }) : '—',
                departments: item.departments.join(', ') || t('hint.withCs'),
                opened: format.dateTime(item.openedAt),
              })}
            </span>
          </li>
        ))}
      </ul>
      <a href={href(...base, 'customer', first.ticketId)}>{t('hint.profile')}</a>
    </aside>
  );
}
