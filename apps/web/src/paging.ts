import { useCallback, useEffect, useRef, useState } from 'react';
import type { Page } from '@handoff/contracts/api';
import { api, type Service } from './api';

export type { Page } from '@handoff/contracts/api';

type Query = Record<string, string | number | boolean | undefined>;

/**
 * A paged list read from a service: the first page for the filter given, "Load more" appends the
 * next one (`nextCursor`), and a refresh reads as many as are shown again. The filter is the
 * service's to apply; a new filter starts from the first page.
 */
export function usePagedList<T, P extends Page<T> = Page<T>>(service: Service, path: string | null, query: Query, pageSize: number, maxPage = 200) {
  const [page, setPage] = useState<P | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const sequence = useRef(0);
  const shown = useRef(pageSize);
  const key = JSON.stringify(query);

  const read = useCallback(
    (limit: number, cursor?: string) => api<P>(service, path ?? '', { query: { ...(JSON.parse(key) as Query), limit, cursor } }),
    [service, path, key],
  );

  const run = useCallback(async (request: () => Promise<P>, apply: (answer: P) => P) => {
    const current = ++sequence.current;
    setLoading(true);
    try {
      const answer = await request();
      if (current === sequence.current) {
        setPage(apply(answer));
        setError(null);
      }
    } catch (caught) {
      if (current === sequence.current) setError(caught);
    } finally {
      if (current === sequence.current) setLoading(false);
    }
  }, []);

  const refresh = useCallback(() => {
    if (path === null) return Promise.resolve();
    return run(() => read(Math.min(maxPage, Math.max(pageSize, shown.current))), (answer) => answer);
  }, [path, read, run, pageSize, maxPage]);

  const loadMore = useCallback(() => {
    const cursor = page?.nextCursor;
    if (!page || !cursor) return Promise.resolve();
    return run(
      () => read(pageSize, cursor),
      (next) => {
        shown.current = page.items.length + next.items.length;
        return { ...page, items: [...page.items, ...next.items], nextCursor: next.nextCursor };
      },
    );
  }, [page, read, run, pageSize]);

  useEffect(() => {
    shown.current = pageSize;
    setPage(null);
    void refresh();
  }, [refresh, pageSize]);

  return { page, loading, error, refresh, loadMore, setPage };
}
