import { useCallback, useEffect, useRef, useState } from 'react';
import { api, apiUrl } from '../../api';
import type { Queue, QueueFilter, QueueItem } from './department-types';

export type LiveState = 'connecting' | 'live' | 'reconnecting' | 'closed';

/** While the live stream is down, the queue is read this often instead. */
const FALLBACK_POLL_MS = 15_000;
/** Tickets read per page; "Load more" reads the next page. */
export const QUEUE_PAGE = 50;
/** The most a refresh reads at once (the service's bound). */
const MAX_PAGE = 500;

/** The queue as loaded so far: the first page's answer, with every further page's items after its own. */
export interface LoadedQueue extends Queue {
  readonly items: readonly QueueItem[];
}

/**
 * A department's queue, kept current by its server-sent events: every message (and `ready`,
 * `resync`) reads the queue again, as many tickets as are shown, so the list is always the
 * service's own answer. The filter is applied by the service; "Load more" follows `nextCursor`.
 * `onTicketChange` hears which ticket changed, so an open ticket can be read again too.
 */
export function useQueue(department: string | undefined, filter: QueueFilter, onTicketChange: (ticketId: string) => void) {
  const [queue, setQueue] = useState<LoadedQueue | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [live, setLive] = useState<LiveState>('connecting');
  const [loading, setLoading] = useState(false);
  const sequence = useRef(0);
  const shown = useRef(QUEUE_PAGE);
  const listener = useRef(onTicketChange);
  listener.current = onTicketChange;
  const { status, handler, overdue } = filter;

  const read = useCallback(
    (limit: number, cursor?: string) =>
      api<Queue>('routing', `/v1/departments/${encodeURIComponent(department ?? '')}/queue`, {
        query: { limit, cursor, status, handler, overdue: overdue === undefined ? undefined : String(overdue) },
      }),
    [department, status, handler, overdue],
  );

  const refresh = useCallback(async () => {
    if (!department) return;
    // Answers can overtake each other; only the latest request's answer is shown.
    const mine = ++sequence.current;
    setLoading(true);
    try {
      const answer = await read(Math.min(MAX_PAGE, Math.max(QUEUE_PAGE, shown.current)));
      if (mine === sequence.current) {
        setQueue(answer);
        setError(null);
      }
    } catch (caught) {
      if (mine === sequence.current) setError(caught);
    } finally {
      if (mine === sequence.current) setLoading(false);
    }
  }, [department, read]);

  const loadMore = useCallback(async () => {
    if (!queue?.nextCursor) return;
    const mine = ++sequence.current;
    setLoading(true);
    try {
      const next = await read(QUEUE_PAGE, queue.nextCursor);
      if (mine === sequence.current) {
        shown.current = queue.items.length + next.items.length;
        setQueue({ ...queue, items: [...queue.items, ...next.items], nextCursor: next.nextCursor });
        setError(null);
      }
    } catch (caught) {
      if (mine === sequence.current) setError(caught);
    } finally {
      if (mine === sequence.current) setLoading(false);
    }
  }, [queue, read]);

  const latestRefresh = useRef(refresh);
  latestRefresh.current = refresh;

  // Another filter: read its first page again.
  useEffect(() => {
    shown.current = QUEUE_PAGE;
    void refresh();
  }, [refresh]);

  useEffect(() => {
    if (!department) return;
    setQueue(null);
    setLive('connecting');
    const refresh = () => latestRefresh.current();
    let pending: number | undefined;
    // A burst of changes (claim + progress + result) reads the queue once.
    const soon = () => {
      if (pending !== undefined) return;
      pending = window.setTimeout(() => {
        pending = undefined;
        void refresh();
      }, 150);
    };
    const source = new EventSource(apiUrl('routing', `/v1/departments/${encodeURIComponent(department)}/queue/stream`));
    source.addEventListener('open', () => setLive('live'));
    source.addEventListener('ready', () => {
      setLive('live');
      soon();
    });
    source.addEventListener('resync', soon);
    source.addEventListener('message', (event: MessageEvent<string>) => {
      soon();
      try {
        const change = JSON.parse(event.data) as { ticketId?: string };
        if (change.ticketId) listener.current(change.ticketId);
      } catch {
        // Not a change we can read: the queue read above is all that matters.
      }
    });
    source.addEventListener('error', () => setLive(source.readyState === EventSource.CLOSED ? 'closed' : 'reconnecting'));
    const poll = window.setInterval(() => {
      if (source.readyState !== EventSource.OPEN && document.visibilityState === 'visible') void refresh();
    }, FALLBACK_POLL_MS);
    return () => {
      source.close();
      window.clearInterval(poll);
      if (pending !== undefined) window.clearTimeout(pending);
    };
  }, [department]);

  return { queue, error, live, loading, refresh, loadMore };
}
