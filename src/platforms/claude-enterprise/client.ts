import { ApiError, PlatformError } from "../../http/errors.ts";
import type { ClientRateLimiter } from "../../http/limiter.ts";
import { paginateCursor } from "../../http/paging.ts";
import { requestJson } from "../../http/request.ts";
import { retryAfterMs } from "../../http/retry.ts";
import { userAgent } from "../../version.ts";
import type { ClientOptions, DayRange } from "../types.ts";
import { parseOrThrow } from "../validate.ts";
import {
  type CostRowBody,
  costPageSchema,
  errorMessage,
  type UsageRowBody,
  usagePageSchema,
} from "./schema.ts";
import { windowBounds } from "./windows.ts";

export const PLATFORM = "claude-enterprise";
export const ANTHROPIC_VERSION = "2023-06-01";
export const USAGE_PATH = "/v1/organizations/analytics/user_usage_report";
export const COST_PATH = "/v1/organizations/analytics/user_cost_report";
/** The largest page the per-user reports allow: fewest requests against a 60/min budget. */
export const PAGE_LIMIT = 1000;
/** Reads of one window before we give up because the data kept refreshing under us. */
export const MAX_WINDOW_ATTEMPTS = 3;

export interface WindowReports {
  usage: UsageRowBody[];
  cost: CostRowBody[];
  /** Pages fetched for the window, restarts included. */
  pages: number;
  restarts: number;
}

/** The query of a window, identical on every page (a changed parameter invalidates the cursor). */
export function windowQuery(window: DayRange, pageLimit = PAGE_LIMIT): URLSearchParams {
  const { startingAt, endingAt } = windowBounds(window);
  const query = new URLSearchParams();
  query.set("starting_at", startingAt);
  query.set("ending_at", endingAt);
  query.set("bucket_width", "1d");
  query.append("group_by[]", "model");
  query.append("products[]", "claude_code");
  query.set("limit", String(pageLimit));
  return query;
}

/** The cursor died because the data refreshed (410), or the API rejected it (400 naming it). */
function isCursorExpiry(err: unknown): boolean {
  if (!(err instanceof ApiError)) return false;
  return err.status === 410 || (err.status === 400 && /\b(cursor|page)\b/i.test(err.vendorMessage));
}

/** Every page of one report for one window, and the export stamps the pages came from. */
async function fetchReport<T>(
  client: ClientOptions,
  limiter: ClientRateLimiter,
  path: string,
  schema: typeof usagePageSchema | typeof costPageSchema,
  window: DayRange,
  pageLimit: number,
): Promise<{ rows: T[]; stamps: Set<string | null>; pages: number }> {
  const headers = {
    "x-api-key": client.apiKey,
    "anthropic-version": ANTHROPIC_VERSION,
    "user-agent": userAgent,
  };
  const rows: T[] = [];
  const stamps = new Set<string | null>();
  let pages = 0;
  const report = path === USAGE_PATH ? "user_usage_report" : "user_cost_report";
  const iterator = paginateCursor(
    PLATFORM,
    `${report} ${window.since}…${window.until}`,
    async (cursor) => {
      const query = windowQuery(window, pageLimit);
      if (cursor) query.set("page", cursor);
      const res = await requestJson({
        platform: PLATFORM,
        client,
        path,
        query,
        headers,
        limiter,
        errorMessage,
      });
      const page = parseOrThrow(PLATFORM, schema, res.body);
      pages++;
      stamps.add(page.data_refreshed_at ?? null);
      return { items: page.data as T[], hasMore: page.has_more, nextCursor: page.next_page ?? null };
    },
    client.maxPages,
  );
  for await (const items of iterator) rows.push(...items);
  return { rows, stamps, pages };
}

/**
 * Both reports of a window, every page. Rows are ranked by a metric, not by day or user, so the
 * window is usable only once all pages of both are in. A 410 (or a 400 naming the cursor) means
 * the data refreshed while we paged: start the window over from page 1. Pages from different
 * exports would mix old and new values, so differing `data_refreshed_at` stamps restart it too.
 */
export async function fetchWindow(
  client: ClientOptions,
  limiter: ClientRateLimiter,
  window: DayRange,
  pageLimit = PAGE_LIMIT,
  maxAttempts = MAX_WINDOW_ATTEMPTS,
): Promise<WindowReports> {
  let pages = 0;
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    try {
      const usage = await fetchReport<UsageRowBody>(
        client,
        limiter,
        USAGE_PATH,
        usagePageSchema,
        window,
        pageLimit,
      );
      pages += usage.pages;
      const cost = await fetchReport<CostRowBody>(
        client,
        limiter,
        COST_PATH,
        costPageSchema,
        window,
        pageLimit,
      );
      pages += cost.pages;
      if (new Set([...usage.stamps, ...cost.stamps]).size <= 1)
        return { usage: usage.rows, cost: cost.rows, pages, restarts: attempt - 1 };
      client.log?.debug(
        `${PLATFORM}: ${window.since}…${window.until}: the data refreshed while paging; restarting`,
      );
    } catch (err) {
      if (!isCursorExpiry(err)) throw err;
      pages++;
      client.log?.debug(`${PLATFORM}: ${window.since}…${window.until}: page cursor expired; restarting`);
    }
  }
  throw new PlatformError(
    PLATFORM,
    `${window.since}…${window.until}: the data kept refreshing while paging (${maxAttempts} attempts); run again later`,
  );
}

/**
 * A 429 means another client shares the organisation's 60/min (the limiter keeps ours below it):
 * hold every request of the run, not just the one being retried — for the server's `retry-after`,
 * else for a whole limiter window.
 */
export function pauseOn429(
  fetch: typeof globalThis.fetch,
  limiter: ClientRateLimiter,
): typeof globalThis.fetch {
  return (async (input: Parameters<typeof fetch>[0], init?: Parameters<typeof fetch>[1]) => {
    const res = await fetch(input, init);
    if (res.status === 429) {
      const named = retryAfterMs(res.headers);
      limiter.pause(named !== undefined && named >= 0 && named <= 60_000 ? named : undefined);
    }
    return res;
  }) as typeof globalThis.fetch;
}
