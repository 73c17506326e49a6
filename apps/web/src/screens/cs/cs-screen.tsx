import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api';
import { href, navigate } from '../../router';
import { useActor } from '../../session';
import { Notice } from '../../ui';
import { CustomerProfileView } from '../search/customer-profile';
import { SearchView } from '../search/search-view';
import { TicketFromSearch } from '../search/ticket-from-search';
import { ContactForm, type RecordedEntry } from './contact-form';
import type { Worklist } from './cs-types';
import { FollowupPanel } from './followup-panel';
import { RecordedContacts } from './recorded-contacts';
import { useNow } from './use-now';
import { WorklistTable, type WorklistFilter } from './worklist';
import './cs.css';

/** The worklist is a read model: it is read again this often, and at once after each change made here. */
const WORKLIST_REFRESH_MS = 10_000;

/**
 * The CS front window: record a contact (hotline, counter, visit), answer a simple one at once or
 * hand it over, and follow up: report each result to the customer and record their answer.
 * Routes: `#/cs` (record), `#/cs/worklist`, `#/cs/worklist/<ticketId>`, `#/cs/search` (find a ticket
 * or a customer who calls back), `#/cs/search/customer/<ticketId>` (that customer's tickets),
 * `#/cs/search/ticket/<ticketId>` (a ticket's conversation, opened from either).
 */
export function CsScreen({ route }: { route: readonly string[] }) {
  const actor = useActor();
  const tab = route[0] === 'worklist' ? 'worklist' : route[0] === 'search' ? 'search' : 'contact';
  const selected = tab === 'worklist' ? route[1] : undefined;
  const profileOf = tab === 'search' && route[1] === 'customer' ? route[2] : undefined;
  const ticketOf = tab === 'search' && route[1] === 'ticket' ? route[2] : undefined;
  const ticketLink = (ticketId: string) => href('cs', 'search', 'ticket', ticketId);
  const [filter, setFilter] = useState<WorklistFilter>({ mine: false });
  const { worklist, loading, error, refresh, loadMore } = useWorklist(filter);
  const [recorded, setRecorded] = useRecorded(actor.id);
  const [flash, setFlash] = useState<string | null>(null);
  const now = useNow(5000);
  const { t } = useTranslation('cs');

  // Counted over the items loaded; "+" while more pages wait behind "Load more".
  const waiting = worklist ? `${worklist.items.length}${worklist.nextCursor ? '+' : ''}` : undefined;
  const tabs = [
    { id: 'contact', title: t('tabRecord'), link: href('cs') },
    { id: 'worklist', title: waiting !== undefined ? t('tabWorklistCount', { count: waiting }) : t('tabWorklist'), link: href('cs', 'worklist') },
    { id: 'search', title: t('search:csTab'), link: href('cs', 'search') },
  ];

  return (
    <div className="cs-screen">
      <div className="cs-screen__head">
        <h1>{t('title')}</h1>
        <nav aria-label={t('nav')}>
          <ul className="cs-tabs">
            {tabs.map((candidate) => (
              <li key={candidate.id}>
                <a href={candidate.link} aria-current={candidate.id === tab ? 'page' : undefined}>
                  {candidate.title}
                </a>
              </li>
            ))}
          </ul>
        </nav>
      </div>
      {/* Kept mounted while CS is on this screen, so the results are still there after a profile. */}
      <div hidden={tab !== 'search' || Boolean(profileOf) || Boolean(ticketOf)}>
        <SearchView base={['cs', 'search']} showCustomer ticketLink={ticketLink} />
      </div>
      {profileOf && <CustomerProfileView key={profileOf} ticketId={profileOf} base={['cs', 'search']} ticketLink={ticketLink} />}
      {ticketOf && <TicketFromSearch key={ticketOf} ticketId={ticketOf} base={['cs', 'search']} />}
      {tab === 'search' ? null : tab === 'contact' ? (
        <div className="cs-contact-layout">
          <ContactForm
            agentId={actor.id}
            onRecorded={(entry) => {
              setRecorded((current) => [entry, ...current.filter((candidate) => candidate.ticketId !== entry.ticketId)].slice(0, 30));
            }}
          />
          <RecordedContacts
            entries={recorded}
            onChange={(ticketId, status) => {
              setRecorded((current) => current.map((entry) => (entry.ticketId === ticketId ? { ...entry, status } : entry)));
              refresh();
            }}
          />
        </div>
      ) : (
        <div className={`cs-worklist-layout${selected ? ' cs-worklist-layout--with-ticket' : ''}`}>
          <div className="cs-worklist-layout__list">
            {flash && (
              <div className="cs-flash">
                <Notice success={flash} />
                <button type="button" className="secondary" onClick={() => setFlash(null)}>
                  {t('common:dismiss')}
                </button>
              </div>
            )}
            <Notice error={error || undefined} />
            <WorklistTable
              worklist={worklist}
              filter={filter}
              onFilter={setFilter}
              now={now}
              selected={selected}
              onRefresh={refresh}
              onMore={loadMore}
              loading={loading}
            />
          </div>
          {selected && (
            <div className="cs-worklist-layout__ticket">
              <FollowupPanel
                key={selected}
                ticketId={selected}
                item={worklist?.items.find((item) => item.ticketId === selected)}
                onDone={(message, stay) => {
                  setFlash(message);
                  refresh();
                  // The worklist is built from events and may trail the answer by a moment.
                  window.setTimeout(refresh, 1500);
                  if (!stay) navigate('cs', 'worklist');
                }}
              />
            </div>
          )}
        </div>
      )}
    </div>
  );
}

/** Items read per page; "Load more" reads the next page, and a refresh reads as many as are shown. */
const WORKLIST_PAGE = 50;
const WORKLIST_MAX = 200;

function useWorklist(filter: WorklistFilter) {
  const [worklist, setWorklist] = useState<Worklist | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const alive = useRef(true);
  const shown = useRef(WORKLIST_PAGE);
  const sequence = useRef(0);
  const { arrived, mine } = filter;
  const read = useCallback(
    (limit: number, cursor?: string) =>
      api<Worklist>('followup', '/v1/followups', { query: { limit, cursor, arrived, mine: mine ? 'true' : undefined } }),
    [arrived, mine],
  );
  const refresh = useCallback(() => {
    const current = ++sequence.current;
    setLoading(true);
    read(Math.min(WORKLIST_MAX, Math.max(WORKLIST_PAGE, shown.current)))
      .then((answer) => {
        if (!alive.current || current !== sequence.current) return;
        setWorklist(answer);
        setError(null);
      })
      .catch((caught: unknown) => alive.current && current === sequence.current && setError(caught))
      .finally(() => alive.current && current === sequence.current && setLoading(false));
  }, [read]);
  const loadMore = useCallback(() => {
    if (!worklist?.nextCursor) return;
    const current = ++sequence.current;
    setLoading(true);
    read(WORKLIST_PAGE, worklist.nextCursor)
      .then((next) => {
        if (!alive.current || current !== sequence.current) return;
        shown.current = worklist.items.length + next.items.length;
        setWorklist({ items: [...worklist.items, ...next.items], nextCursor: next.nextCursor });
        setError(null);
      })
      .catch((caught: unknown) => alive.current && current === sequence.current && setError(caught))
      .finally(() => alive.current && current === sequence.current && setLoading(false));
  }, [worklist, read]);
  useEffect(() => {
    alive.current = true;
    shown.current = WORKLIST_PAGE;
    refresh();
    const timer = window.setInterval(() => {
      if (document.visibilityState === 'visible') refresh();
    }, WORKLIST_REFRESH_MS);
    return () => {
      alive.current = false;
      window.clearInterval(timer);
    };
  }, [refresh]);
  return { worklist, loading, error, refresh, loadMore };
}

/**
 * The contacts recorded in this browser session, so a reload does not lose the ones still to
 * answer. Subjects and ids only: no contact details are kept in the browser.
 */
function useRecorded(agentId: string) {
  const key = `handoff.cs.recorded.${agentId}`;
  const [entries, setEntries] = useState<RecordedEntry[]>(() => {
    try {
      return JSON.parse(sessionStorage.getItem(key) ?? '[]') as RecordedEntry[];
    } catch {
      return [];
    }
  });
  useEffect(() => {
    sessionStorage.setItem(key, JSON.stringify(entries));
  }, [key, entries]);
  // After a reload, a contact still open here may have been answered or handed over meanwhile.
  useEffect(() => {
    for (const entry of entries.filter((candidate) => candidate.status === 'open')) {
      api<{ status: string }>('intake', `/v1/tickets/${entry.ticketId}`)
        .then(({ status }) => {
          if (status === 'answered' || status === 'handed_over') {
            setEntries((current) => current.map((candidate) => (candidate.ticketId === entry.ticketId ? { ...candidate, status } : candidate)));
          }
        })
        .catch(() => undefined);
    }
    // Once, on opening the screen.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  return [entries, setEntries] as const;
}
