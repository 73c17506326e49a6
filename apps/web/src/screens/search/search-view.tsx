import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api';
import { useLocaleFormat } from '../../i18n';
import { href } from '../../router';
import { Notice, Panel } from '../../ui';
import type { SearchPage, SearchResult } from '@handoff/contracts/api';
import { maskedCustomer } from './masked-customer';

const STATUSES = ['open', 'closed'] as const;
const TYPES = ['consultation', 'complaint', 'suggestion', 'feedback', 'information'] as const;
const CHANNELS = ['hotline', 'on_site', 'visit', 'web_chat', 'message_board', 'email', 'social_media'] as const;
const PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
import './search.css';

const PAGE = 20;

interface Filters {
  status: string;
  type: string;
  channel: string;
  priority: string;
  department: string;
  from: string;
  to: string;
}
const NO_FILTERS: Filters = { status: '', type: '', channel: '', priority: '', department: '', from: '', to: '' };

/** A day picked in the browser's zone, as the instant it starts. */
const dayStart = (day: string): string | undefined => (day ? new Date(`${day}T00:00:00`).toISOString() : undefined);
const dayAfter = (day: string): string | undefined => {
  if (!day) return undefined;
  const next = new Date(`${day}T00:00:00`);
  next.setDate(next.getDate() + 1);
  return next.toISOString();
};

/**
 * Find a ticket or a customer: one box for a ticket id or its short form, a phone, an e-mail, a
 * name, or words of the ticket (Chinese too), narrowed by filters, newest first, with more results
 * on request. `base` is the route of the screen it sits in; a result opens the customer's profile
 * there (`<base>/customer/<ticketId>`) where the role may read one, and `ticketLink` opens the ticket.
 */
export function SearchView(props: { base: readonly string[]; showCustomer: boolean; ticketLink?: (ticketId: string) => string | undefined; departmentFilter?: boolean }) {
  const [query, setQuery] = useState('');
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  const [asked, setAsked] = useState<{ query: string; filters: Filters } | null>(null);
  const [items, setItems] = useState<SearchResult[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const generation = useRef(0);
  const { t } = useTranslation('search');

  const load = useCallback(async (what: { query: string; filters: Filters }, after: string | null) => {
    const mine = ++generation.current;
    setBusy(true);
    setError(null);
    try {
      const page = await api<SearchPage>('evaluation', '/v1/search', {
        query: {
          q: what.query.trim() || undefined,
          status: what.filters.status || undefined,
          type: what.filters.type || undefined,
          channel: what.filters.channel || undefined,
          priority: what.filters.priority || undefined,
          department: what.filters.department.trim() || undefined,
          from: dayStart(what.filters.from),
          to: dayAfter(what.filters.to),
          limit: PAGE,
          cursor: after ?? undefined,
        },
      });
      if (mine !== generation.current) return;
      setItems((current) => (after ? [...current, ...page.items] : [...page.items]));
      setCursor(page.nextCursor);
    } catch (caught) {
      if (mine === generation.current) setError(caught);
    } finally {
      if (mine === generation.current) setBusy(false);
    }
  }, []);

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    const what = { query, filters };
    setAsked(what);
    void load(what, null);
  };
  const set = (key: keyof Filters, value: string) => setFilters((current) => ({ ...current, [key]: value }));

  return (
    <Panel title={t('title')}>
      <form className="search-form" role="search" aria-label={t('title')} onSubmit={onSubmit}>
        <div className="search-form__box">
          <label htmlFor="search-q" className="visually-hidden">
            {t('boxLabel')}
          </label>
          <input
            id="search-q"
            type="search"
            value={query}
            onChange={(event) => setQuery(event.target.value)}
            placeholder={t('placeholder')}
            autoComplete="off"
          />
          <button type="submit" disabled={busy}>
            {busy && !cursor ? t('searching') : t('search')}
          </button>
        </div>
        <details className="search-form__filters">
          <summary>{t('filters')}</summary>
          <div className="row">
            <FilterSelect id="status" value={filters.status} onChange={(value) => set('status', value)} options={STATUSES} names="status" />
            <FilterSelect id="type" value={filters.type} onChange={(value) => set('type', value)} options={TYPES} names="types" />
            <FilterSelect id="channel" value={filters.channel} onChange={(value) => set('channel', value)} options={CHANNELS} names="channels" />
            <FilterSelect id="priority" value={filters.priority} onChange={(value) => set('priority', value)} options={PRIORITIES} names="priorities" />
          </div>
          <div className="row">
            {props.departmentFilter !== false && (
              <div className="field">
                <label htmlFor="search-department">{t('filter.department')}</label>
                <input id="search-department" value={filters.department} onChange={(event) => set('department', event.target.value)} placeholder={t('filter.departmentHint')} />
              </div>
            )}
            <div className="field">
              <label htmlFor="search-from">{t('filter.from')}</label>
              <input id="search-from" type="date" value={filters.from} onChange={(event) => set('from', event.target.value)} />
            </div>
            <div className="field">
              <label htmlFor="search-to">{t('filter.to')}</label>
              <input id="search-to" type="date" value={filters.to} onChange={(event) => set('to', event.target.value)} />
            </div>
          </div>
        </details>
      </form>
      <Notice error={error || undefined} />
      {asked && !error && !busy && items.length === 0 && <p className="search-empty">{t('nothingFound')}</p>}
      {items.length > 0 && (
        <>
          <p className="search-count" role="status">
            {t('shown', { count: items.length })}
            {cursor ? t('moreToCome') : ''}
          </p>
          <SearchResults items={items} base={props.base} showCustomer={props.showCustomer} ticketLink={props.ticketLink} />
        </>
      )}
      {cursor && asked && (
        <button type="button" className="secondary search-more" disabled={busy} onClick={() => void load(asked, cursor)}>
          {busy ? t('loadingMore') : t('more')}
        </button>
      )}
    </Panel>
  );
}

function FilterSelect(props: {
  id: 'status' | 'type' | 'channel' | 'priority';
  value: string;
  onChange: (value: string) => void;
  options: readonly string[];
  names: 'status' | 'types' | 'channels' | 'priorities';
}) {
  const { t } = useTranslation('search');
  const id = `search-${props.id}`;
  return (
    <div className="field">
      <label htmlFor={id}>{t(`filter.${props.id}`)}</label>
      <select id={id} value={props.value} onChange={(event) => props.onChange(event.target.value)}>
        <option value="">{t('any')}</option>
        {props.options.map((value) => (
          <option key={value} value={value}>
            {t(`${props.names}.${value}`)}
          </option>
        ))}
      </select>
    </div>
  );
}

/** Search results, the customer's profile and the contact form's hint share this table. */
export function SearchResults(props: { items: readonly SearchResult[]; base: readonly string[]; showCustomer: boolean; ticketLink?: (ticketId: string) => string | undefined; caption?: string }) {
  const { t } = useTranslation('search');
  const format = useLocaleFormat();
  const nameOf = (names: 'types' | 'channels' | 'priorities', value: string | null): string => (value ? t(`${names}.${value}`, { defaultValue: value }) : '—');
  return (
    <div className="table-scroll">
      <table className="search-results">
        {props.caption && <caption className="visually-hidden">{props.caption}</caption>}
        <thead>
          <tr>
            <th scope="col">{t('column.ticket')}</th>
            <th scope="col">{t('column.subject')}</th>
            <th scope="col">{t('column.typeChannel')}</th>
            <th scope="col">{t('column.priority')}</th>
            <th scope="col">{t('column.department')}</th>
            <th scope="col">{t('column.status')}</th>
            <th scope="col">{t('column.opened')}</th>
            {props.showCustomer && <th scope="col">{t('column.customer')}</th>}
          </tr>
        </thead>
        <tbody>
          {props.items.map((item) => {
            const ticket = props.ticketLink?.(item.ticketId);
            return (
              <tr key={item.ticketId} data-ticket={item.ticketId}>
                <td>
                  {ticket ? (
                    <a href={ticket} title={item.ticketId}>
                      <code>{item.shortId}</code>
                    </a>
                  ) : (
                    <code title={item.ticketId}>{item.shortId}</code>
                  )}
                </td>
                <td className="search-results__subject">{item.subject ?? '—'}</td>
                <td>
                  {nameOf('types', item.type)} · {nameOf('channels', item.channel)}
                </td>
                <td>
                  <span className={`badge${item.priority === 'high' || item.priority === 'urgent' ? ' badge--danger' : ''}`}>{nameOf('priorities', item.priority)}</span>
                </td>
                <td>{item.departments.join(', ') || '—'}</td>
                <td>
                  <span className={`badge ${item.status === 'open' ? 'badge--warn' : 'badge--ok'}`}>{t(`status.${item.status}`)}</span>{' '}
                  <small>{t(`satisfaction.${item.satisfaction}`)}</small>
                </td>
                <td>{format.dateTime(item.openedAt)}</td>
                {props.showCustomer && (
                  <td>
                    {item.customer && item.customer.status !== 'erased' ? (
                      <a href={href(...props.base, 'customer', item.ticketId)} aria-label={t('profileLink', { shortId: item.shortId })}>
                        {maskedCustomer(item.customer, t('erased'))}
                      </a>
                    ) : (
                      maskedCustomer(item.customer, t('erased'))
                    )}
                  </td>
                )}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

/** Loads the next page of anything paged with `{ items, nextCursor }`, starting again when `key` changes. */
export function usePaged<T>(key: string, fetchPage: (cursor: string | null) => Promise<{ items: readonly T[]; nextCursor: string | null }>) {
  const [items, setItems] = useState<T[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const fetchRef = useRef(fetchPage);
  fetchRef.current = fetchPage;
  const more = useCallback(async (after: string | null) => {
    setBusy(true);
    try {
      const page = await fetchRef.current(after);
      setItems((current) => (after ? [...current, ...page.items] : [...page.items]));
      setCursor(page.nextCursor);
      setError(null);
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  }, []);
  useEffect(() => {
    void more(null);
  }, [key, more]);
  return { items, cursor, error, busy, more };
}
