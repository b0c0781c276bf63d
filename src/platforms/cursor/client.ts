import { PagingError } from "../../http/errors.ts";
import type { ClientRateLimiter } from "../../http/limiter.ts";
import { MAX_PAGES } from "../../http/paging.ts";
import { requestJson } from "../../http/request.ts";
import type { ClientOptions } from "../types.ts";
import { type CursorEvent, errorMessage, parseEventsPage } from "./schema.ts";
import type { EventWindow } from "./windows.ts";

export const EVENTS_PATH = "/teams/filtered-usage-events";
/** The documented maximum page size: fewest requests. */
export const CURSOR_PAGE_SIZE = 1000;

/** HTTP Basic with the key as user name and an empty password (api/cursor.md §1, trap §12). */
export function basicAuth(apiKey: string): string {
  return `Basic ${Buffer.from(`${apiKey}:`).toString("base64")}`;
}

/**
 * One page of a Cursor team route that takes a window (`startDate`/`endDate` in epoch ms) and pages
 * with `page`/`pageSize`; returns the JSON body.
 */
export async function postWindow(
  client: ClientOptions,
  limiter: ClientRateLimiter,
  path: string,
  window: EventWindow,
  page: number,
  pageSize: number,
): Promise<unknown> {
  const res = await requestJson({
    platform: "cursor",
    client,
    errorMessage,
    path,
    method: "POST",
    headers: { authorization: basicAuth(client.apiKey) },
    body: { startDate: window.startMs, endDate: window.endMs, page, pageSize },
    limiter,
  });
  return res.body;
}

export interface EventsPage {
  /** `totalUsageEventsCount` at the time of this request. */
  total: number;
  numPages: number;
  events: CursorEvent[];
}

/** One page of one window, through the run's shared limiter. */
export async function fetchEventsPage(
  client: ClientOptions,
  limiter: ClientRateLimiter,
  window: EventWindow,
  page: number,
  pageSize = CURSOR_PAGE_SIZE,
): Promise<EventsPage> {
  const body = parseEventsPage(await postWindow(client, limiter, EVENTS_PATH, window, page, pageSize));
  const total = body.totalUsageEventsCount;
  // numPages and the total should agree; if not, trust the larger so no page is skipped.
  const numPages = Math.max(body.pagination?.numPages ?? 0, Math.ceil(total / pageSize));
  if (numPages > (client.maxPages ?? MAX_PAGES))
    throw new PagingError("cursor", `usage events: ${numPages} pages in one window; stopping`);
  return { total, numPages, events: body.usageEvents };
}
