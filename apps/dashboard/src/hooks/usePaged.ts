import { useCallback, useState } from 'react';
import type { Page } from '@slipway/api-types';
import { useLoad, type Loaded } from './useLoad.ts';

/** A cursor-paged list: the first page loads with the inputs, later pages append on demand. */
export function usePaged<T>(load: (cursor?: string) => Promise<Page<T>>, inputs: readonly unknown[]) {
  const first = useLoad(() => load(), inputs);
  const [more, setMore] = useState<{ items: T[]; cursor: string | null; key: unknown } | null>(null);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<unknown>(null);
  // Extra pages belong to the first page they followed; a reload starts over.
  const extra = more && more.key === first.data ? more : null;
  const cursor = extra ? extra.cursor : (first.data?.nextCursor ?? null);

  const loadMore = useCallback(async () => {
    if (!cursor) return;
    setPending(true);
    setError(null);
    try {
      const page = await load(cursor);
      setMore({ items: [...(extra?.items ?? []), ...page.items], cursor: page.nextCursor, key: first.data });
    } catch (e) {
      setError(e);
    } finally {
      setPending(false);
    }
  }, [cursor, extra, first.data, load]);

  const state: Loaded<T[]> = {
    ...first,
    data: first.data ? [...first.data.items, ...(extra?.items ?? [])] : undefined,
    setData: () => undefined,
  };
  return { state, hasMore: cursor !== null, loadMore, pending, error };
}
