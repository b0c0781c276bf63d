import { z } from "zod";
import { PagingError } from "../../http/errors.ts";
import type { ClientRateLimiter } from "../../http/limiter.ts";
import { MAX_PAGES } from "../../http/paging.ts";
import { type Activity, emptyActivity, emptyRow, type UsageRow } from "../../usage/types.ts";
import type { ClientOptions } from "../types.ts";
import { parseOrThrow } from "../validate.ts";
import { postWindow } from "./client.ts";
import { NO_MODEL } from "./normalize.ts";
import type { EventWindow } from "./windows.ts";

/**
 * What Cursor says the AI produced, from `POST /teams/daily-usage-data` (api/cursor.md §3.2): one row
 * per member and UTC day. Fetched only with --activity, over the same ≤30-day windows as the usage
 * events, paged over users with the largest documented page, through its own 20-a-minute limiter.
 * DESIGN §1: linesAdded = acceptedLinesAdded, linesRemoved = acceptedLinesDeleted,
 * suggestionsAccepted = totalAccepts, suggestionsRejected = totalRejects; no commits or PRs (null).
 */
export const DAILY_PATH = "/teams/daily-usage-data";
export const DAILY_PAGE_SIZE = 1000;
/** The route's documented rate: 20 requests a minute per team. */
export const DAILY_REQUESTS_PER_MINUTE = 20;

const count = z.number().int().nonnegative();
const dailyRow = z.looseObject({
  day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, { message: "expected YYYY-MM-DD" }),
  email: z.string().nullish(),
  acceptedLinesAdded: count.nullish(),
  acceptedLinesDeleted: count.nullish(),
  totalAccepts: count.nullish(),
  totalRejects: count.nullish(),
});
const dailyPage = z.looseObject({
  data: z.array(dailyRow),
  pagination: z.looseObject({ hasNextPage: z.boolean() }).nullish(),
});

/** The activity of one window: `day \0 email` → what that member produced that day. */
export type DailyActivity = Map<string, Activity>;

export async function fetchDailyActivity(
  client: ClientOptions,
  limiter: ClientRateLimiter,
  window: EventWindow,
  pageSize = DAILY_PAGE_SIZE,
): Promise<DailyActivity> {
  const out: DailyActivity = new Map();
  for (let page = 1; ; page++) {
    if (page > (client.maxPages ?? MAX_PAGES))
      throw new PagingError("cursor", `daily usage data: more than ${page - 1} pages; stopping`);
    const body = parseOrThrow(
      "cursor",
      dailyPage,
      await postWindow(client, limiter, DAILY_PATH, window, page, pageSize),
    );
    for (const row of body.data) {
      const email = row.email?.trim().toLowerCase();
      if (!email) continue;
      const a: Activity = {
        ...emptyActivity(),
        linesAdded: row.acceptedLinesAdded ?? null,
        linesRemoved: row.acceptedLinesDeleted ?? null,
        suggestionsAccepted: row.totalAccepts ?? null,
        suggestionsRejected: row.totalRejects ?? null,
      };
      const key = `${row.day}\u0000${email}`;
      const seen = out.get(key);
      if (seen) for (const f of Object.keys(a) as (keyof Activity)[]) seen[f] = sum(seen[f], a[f]);
      else out.set(key, a);
    }
    if (!body.pagination?.hasNextPage || body.data.length === 0) return out;
  }
}

const sum = (a: number | null, b: number | null) => (a === null && b === null ? null : (a ?? 0) + (b ?? 0));

/**
 * Puts a window's activity on its usage rows: each member-day's figures on that day's row with the
 * most requests, zeros on their other rows (so a model reads 0, not "not reported"), and a row of
 * model "(none)" without usage for a member-day that produced something but has no usage event.
 * Rows of people the route does not list (service accounts, removed users) stay without activity.
 */
export function attachActivity(rows: UsageRow[], activity: DailyActivity): UsageRow[] {
  const main = new Map<string, UsageRow>();
  for (const row of rows) {
    const key = `${row.day}\u0000${row.identity}`;
    if (!activity.has(key)) continue;
    row.activity = zeros(activity.get(key)!);
    const best = main.get(key);
    if (!best || row.requests > best.requests) main.set(key, row);
  }
  const out = [...rows];
  for (const [key, a] of activity) {
    let row = main.get(key);
    // An idle member-day (isActive false, all zeros) adds no row: people without usage stay off the board.
    if (!row && !Object.values(a).some((v) => v !== null && v > 0)) continue;
    if (!row) {
      const [day = "", email = ""] = key.split("\u0000");
      row = emptyRow({
        platform: "cursor",
        day,
        identity: email,
        email,
        model: NO_MODEL,
        costEstimated: false,
      });
      out.push(row);
    }
    row.activity = { ...a };
  }
  return out;
}

function zeros(a: Activity): Activity {
  const out = emptyActivity();
  for (const f of Object.keys(a) as (keyof Activity)[]) if (a[f] !== null) out[f] = 0;
  return out;
}
