import { PagingError } from "./errors.ts";
import { MAX_PAGES } from "./paging.ts";

/** The `rel="next"` target of an RFC 8288 `Link` header, or null. */
export function nextLink(header: string | null): string | null {
  if (!header) return null;
  for (const part of header.split(/,(?=\s*<)/)) {
    const match = /^\s*<([^>]*)>(.*)$/.exec(part);
    if (match && /;\s*rel="?(?:[^";]*\s)?next(?:\s[^";]*)?"?/i.test(match[2]!)) return match[1]!;
  }
  return null;
}

/**
 * Pages that point to the next one with a `Link` header (GitHub's style): yields each page's items
 * until no `next` link remains. A link seen before, or too many pages, stops with an error.
 */
export async function* paginateLink<T>(
  platform: string,
  what: string,
  first: string,
  fetchPage: (url: string) => Promise<{ items: T[]; link: string | null }>,
  maxPages = MAX_PAGES,
): AsyncGenerator<T[]> {
  const seen = new Set<string>();
  let url: string | null = first;
  for (let page = 1; url; page++) {
    if (page > maxPages) throw new PagingError(platform, `${what}: more than ${maxPages} pages; stopping`);
    seen.add(url);
    const { items, link } = await fetchPage(url);
    yield items;
    url = nextLink(link);
    if (url && seen.has(url))
      throw new PagingError(platform, `${what}: the next page repeats an earlier one`);
  }
}
