import type { z } from "zod";
import { NotFoundError } from "../../http/errors.ts";
import { paginateCursor } from "../../http/paging.ts";
import { requestJson } from "../../http/request.ts";
import { normalizeEmail } from "../../identity/email.ts";
import { addDays, dayStartMs, daysBetween, toRanges } from "../../usage/days.ts";
import { userAgent } from "../../version.ts";
import type { ClientOptions, DayRange } from "../types.ts";
import { parseOrThrow } from "../validate.ts";
import {
  type BucketBody,
  errorMessage,
  type UserBody,
  usagePageSchema,
  userListSchema,
  userSchema,
} from "./schema.ts";

export const USAGE_PATH = "/v1/organization/usage/completions";
export const USERS_PATH = "/v1/organization/users";
/** The API's maximum `limit` (buckets per page) for `bucket_width=1d`. */
export const MAX_DAYS_PER_REQUEST = 31;
export const USERS_PAGE_LIMIT = 100;

/** GET an admin route and validate the answer against `schema`. */
async function get<S extends z.ZodType>(
  client: ClientOptions,
  path: string,
  schema: S,
  query?: URLSearchParams,
) {
  const headers = { authorization: `Bearer ${client.apiKey}`, "user-agent": userAgent };
  const res = await requestJson({ platform: "openai", client, path, query, headers, errorMessage });
  return parseOrThrow("openai", schema, res.body);
}

/** One request sequence: whole UTC days as `[start_time, end_time)` in unix seconds. */
export interface UsageSlice {
  since: string;
  until: string;
  startTime: number;
  endTime: number;
}

/** The days of `ranges` as contiguous slices of at most 31 days (one page of 1d buckets each). */
export function usageSlices(ranges: readonly DayRange[], maxDays = MAX_DAYS_PER_REQUEST): UsageSlice[] {
  const days = [...new Set(ranges.flatMap((r) => daysBetween(r.since, r.until)))];
  return toRanges(days, maxDays).map(({ since, until }) => ({
    since,
    until,
    startTime: dayStartMs(since) / 1000,
    endTime: dayStartMs(addDays(until, 1)) / 1000,
  }));
}

/**
 * The buckets of one slice, page by page. A bucket's results may continue on the next page, so the
 * last bucket of a page is held back and merged (by `start_time`) with what follows: every bucket
 * yielded is complete, and at most one bucket is held in memory.
 */
export async function* fetchUsageBuckets(
  client: ClientOptions,
  slice: UsageSlice,
): AsyncGenerator<BucketBody[]> {
  const what = `completions usage ${slice.since}..${slice.until}`;
  const pages = paginateCursor(
    "openai",
    what,
    async (cursor) => {
      const query = new URLSearchParams({
        start_time: String(slice.startTime),
        end_time: String(slice.endTime),
        bucket_width: "1d",
      });
      query.append("group_by[]", "user_id");
      query.append("group_by[]", "model");
      query.set("limit", String(MAX_DAYS_PER_REQUEST));
      if (cursor) query.set("page", cursor);
      const page = await get(client, USAGE_PATH, usagePageSchema, query);
      return { items: page.data, hasMore: page.has_more, nextCursor: page.next_page ?? null };
    },
    client.maxPages,
  );
  let held: BucketBody | undefined;
  for await (const buckets of pages) {
    const complete: BucketBody[] = [];
    for (const bucket of buckets) {
      if (held && held.start_time === bucket.start_time) {
        held = { ...held, results: [...held.results, ...bucket.results] };
        continue;
      }
      if (held) complete.push(held);
      held = bucket;
    }
    if (complete.length) yield complete;
  }
  if (held) yield [held];
}

/** Every user of the organisation: id → lower-cased email (null when the API has none). */
export async function listUsers(client: ClientOptions): Promise<Map<string, string | null>> {
  const emails = new Map<string, string | null>();
  const pages = paginateCursor(
    "openai",
    "users list",
    async (cursor) => {
      const query = new URLSearchParams({ limit: String(USERS_PAGE_LIMIT) });
      if (cursor) query.set("after", cursor);
      const page = await get(client, USERS_PATH, userListSchema, query);
      return { items: page.data, hasMore: page.has_more, nextCursor: page.last_id ?? null };
    },
    client.maxPages,
  );
  for await (const users of pages) for (const user of users) emails.set(user.id, emailOf(user));
  return emails;
}

/** One user by id, or undefined when the API does not know it (removed users). */
export async function retrieveUser(client: ClientOptions, id: string): Promise<UserBody | undefined> {
  try {
    return await get(client, `${USERS_PATH}/${encodeURIComponent(id)}`, userSchema);
  } catch (err) {
    if (err instanceof NotFoundError) return undefined;
    throw err;
  }
}

export function emailOf(user: UserBody): string | null {
  return normalizeEmail(user.email);
}
