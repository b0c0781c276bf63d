import { mergeConcurrent } from "../../http/concurrent.ts";
import { paginateCursor } from "../../http/paging.ts";
import { requestJson } from "../../http/request.ts";
import { userAgent } from "../../version.ts";
import type { ClientOptions } from "../types.ts";
import { parseOrThrow } from "../validate.ts";
import { type ClaudeCodeRecordBody, claudeCodePageSchema, errorMessage } from "./schema.ts";

export const ANTHROPIC_VERSION = "2023-06-01";
export const USAGE_PATH = "/v1/organizations/usage_report/claude_code";
/** The API's maximum page size. */
export const CLAUDE_PAGE_LIMIT = 1000;
/** Days fetched at once. No rate limit is documented; a few days in flight stays polite. */
export const CLAUDE_DAY_CONCURRENCY = 4;

export interface ClaudeFetchTuning {
  /** Page size; tests shrink it to exercise paging. */
  pageLimit?: number;
  concurrency?: number;
}

export interface ClaudeDay {
  day: string;
  records: ClaudeCodeRecordBody[];
}

/** Every page of one UTC day (the endpoint has no range: one request sequence per day). */
export async function fetchClaudeDay(
  client: ClientOptions,
  day: string,
  pageLimit = CLAUDE_PAGE_LIMIT,
): Promise<ClaudeCodeRecordBody[]> {
  const headers = {
    "x-api-key": client.apiKey,
    "anthropic-version": ANTHROPIC_VERSION,
    "user-agent": userAgent,
  };
  const records: ClaudeCodeRecordBody[] = [];
  const pages = paginateCursor(
    "claude",
    `claude_code usage for ${day}`,
    async (cursor) => {
      const query = new URLSearchParams({ starting_at: day, limit: String(pageLimit) });
      if (cursor) query.set("page", cursor);
      const res = await requestJson({
        platform: "claude",
        client,
        path: USAGE_PATH,
        query,
        headers,
        errorMessage,
      });
      const page = parseOrThrow("claude", claudeCodePageSchema, res.body);
      return { items: page.data, hasMore: page.has_more, nextCursor: page.next_page ?? null };
    },
    client.maxPages,
  );
  for await (const items of pages) records.push(...items);
  return records;
}

/**
 * Fetches days with bounded concurrency and yields each day as soon as it is complete (in
 * completion order), so callers stream instead of waiting for the whole window. On an error or an
 * early stop, queued days are dropped and in-flight requests aborted.
 */
export async function* fetchClaudeDays(
  client: ClientOptions,
  days: readonly string[],
  tuning: ClaudeFetchTuning = {},
): AsyncGenerator<ClaudeDay> {
  const stop = new AbortController();
  const signal = client.signal ? AbortSignal.any([client.signal, stop.signal]) : stop.signal;
  const scoped: ClientOptions = { ...client, signal };
  const sources = days.map(
    (day) =>
      async function* () {
        yield { day, records: await fetchClaudeDay(scoped, day, tuning.pageLimit) };
      },
  );
  try {
    yield* mergeConcurrent(sources, tuning.concurrency ?? CLAUDE_DAY_CONCURRENCY);
  } finally {
    stop.abort();
  }
}
