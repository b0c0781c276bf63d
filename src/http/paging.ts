import type { PlatformId } from "../usage/types.ts";
import { PagingError } from "./errors.ts";

export const MAX_PAGES = 10_000;

/** What a page tells us about the next one (cursor style: Anthropic, OpenAI). */
export interface CursorPage<T> {
  items: T[];
  hasMore: boolean;
  nextCursor: string | null;
}

/**
 * Iterates pages of a cursor-paged endpoint. Pure guard logic (octokit-style): a repeated cursor,
 * `has_more` without a cursor, or more than `maxPages` pages stop with a PagingError instead of looping.
 */
export async function* paginateCursor<T>(
  platform: PlatformId,
  what: string,
  fetchPage: (cursor: string | null) => Promise<CursorPage<T>>,
  maxPages = MAX_PAGES,
): AsyncGenerator<T[]> {
  const seen = new Set<string>();
  let cursor: string | null = null;
  for (let pages = 1; ; pages++) {
    const page = await fetchPage(cursor);
    yield page.items;
    if (!page.hasMore) return;
    const next = nextCursor(platform, what, page, seen);
    if (pages >= maxPages) throw new PagingError(platform, `${what}: more than ${maxPages} pages; stopping`);
    cursor = next;
  }
}

/** Validates the cursor a page hands over; exported for unit tests. */
export function nextCursor(
  platform: PlatformId,
  what: string,
  page: CursorPage<unknown>,
  seen: Set<string>,
): string {
  if (!page.nextCursor)
    throw new PagingError(platform, `${what}: has_more is true but no next page cursor was given`);
  if (seen.has(page.nextCursor)) throw new PagingError(platform, `${what}: the API repeated a page cursor`);
  seen.add(page.nextCursor);
  return page.nextCursor;
}
