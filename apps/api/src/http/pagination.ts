import { z } from 'zod';
import { parse } from './validate.ts';

export const pageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().regex(/^\d+$/, 'cursor must come from a previous nextCursor').optional(),
});

export interface Page {
  take: number;
  skip: number;
}

/** Offset cursors: simple, stable for append-mostly lists ordered by creation. */
function readPage(query: unknown): Page {
  const { limit, cursor } = parse(pageQuery.passthrough(), query, 'query');
  return { take: limit, skip: cursor ? Number(cursor) : 0 };
}

function pageOf<T>(items: T[], page: Page, total: number): { items: T[]; nextCursor: string | null } {
  const next = page.skip + items.length;
  return { items, nextCursor: next < total ? String(next) : null };
}

/**
 * One page of a list endpoint: the page's rows and the total, fetched together, then viewed
 * for the client a page at a time (so a view may look up more for the whole page in one query).
 */
export async function paginate<T, R>(
  query: unknown,
  rows: (page: Page) => Promise<T[]>,
  count: () => Promise<number>,
  view: (rows: T[]) => R[] | Promise<R[]>,
): Promise<{ items: R[]; nextCursor: string | null }> {
  const page = readPage(query);
  const [found, total] = await Promise.all([rows(page), count()]);
  return pageOf(await view(found), page, total);
}
