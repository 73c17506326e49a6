import { useCallback, useEffect, useRef, useState } from 'react';
import { api, apiUrl } from '../../api';
import type { Queue } from './department-types';

export type LiveState = 'connecting' | 'live' | 'reconnecting' | 'closed';

/** While the live stream is down, the queue is read this often instead. */
const FALLBACK_POLL_MS = 15_000;

/**
 * A department's queue, kept current by its server-sent events: every message (and `ready`,
 * `resync`) reads the queue again, so the list is always the service's own answer. `onTicketChange`
 * hears which ticket changed, so an open ticket can be read again too.
 */
export function useQueue(department: string | undefined, onTicketChange: (ticketId: string) => void) {
  const [queue, setQueue] = useState<Queue | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [live, setLive] = useState<LiveState>('connecting');
  const [loading, setLoading] = useState(false);
  const sequence = useRef(0);
  const listener = useRef(onTicketChange);
  listener.current = onTicketChange;

  const refresh = useCallback(async () => {
    if (!department) return;
    // Answers can overtake each other; only the latest request's answer is shown.
    const mine = ++sequence.current;
    setLoading(true);
    try {
      const answer = await api<Queue>('routing', `/v1/departments/${encodeURIComponent(department)}/queue`, { query: { limit: 500 } });
      if (mine === sequence.current) {
        setQueue(answer);
        setError(null);
      }
    } catch (caught) {
      if (mine === sequence.current) setError(caught);
    } finally {
      if (mine === sequence.current) setLoading(false);
    }
  }, [department]);

  useEffect(() => {
    if (!department) return;
    setQueue(null);
    setLive('connecting');
    void refresh();
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
  }, [department, refresh]);

  return { queue, error, live, loading, refresh };
}
