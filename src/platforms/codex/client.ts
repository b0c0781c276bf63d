import { ApiError } from "../../http/errors.ts";
import { paginateCursor } from "../../http/paging.ts";
import { requestJson } from "../../http/request.ts";
import { addDays, dayStartMs, daysBetween, toRanges } from "../../usage/days.ts";
import { userAgent } from "../../version.ts";
import type { ClientOptions, DayRange } from "../types.ts";
import { parseOrThrow } from "../validate.ts";
import { parseCreditPrice } from "./money.ts";
import { type CodexUsageRow, usagePageSchema } from "./schema.ts";

export const WORKSPACE_ENV = "CODEX_WORKSPACE_ID";
export const CREDIT_PRICE_ENV = "AI_USAGE_CODEX_CREDIT_USD";
/** List-price equivalent: the Codex rate card charges 25 credits per list-price dollar. */
export const DEFAULT_CREDIT_USD = "0.04";
/** Rows per page; a window of a week for a few hundred people fits in one or two pages. */
export const PAGE_LIMIT = 500;
/**
 * Days per request sequence, and so per committed batch: a window is complete (and stored) once
 * all of its pages are in, so a killed run loses at most one window.
 */
export const WINDOW_DAYS = 7;

export const usagePath = (workspaceId: string) =>
  `/v1/analytics/codex/workspaces/${encodeURIComponent(workspaceId)}/usage`;

/** A problem with the platform's settings, found before any request (the CLI checks first: exit 2). */
export class CodexSettingsError extends Error {}

/** The workspace id from the environment; a key without it cannot be used. */
export function workspaceIdOf(env: ClientOptions["env"]): string {
  const id = env?.[WORKSPACE_ENV]?.trim();
  if (!id)
    throw new CodexSettingsError(
      `${WORKSPACE_ENV} is not set: CODEX_ANALYTICS_API_KEY reads one ChatGPT workspace; copy its id from Workspace details in the ChatGPT admin console`,
    );
  return id;
}

/** Why `AI_USAGE_CODEX_CREDIT_USD` cannot be used, or undefined when it is unset or a price. */
export function creditPriceProblem(env: Readonly<Record<string, string | undefined>> | undefined) {
  const raw = env?.[CREDIT_PRICE_ENV];
  if (raw === undefined || raw.trim() === "" || parseCreditPrice(raw) !== undefined) return undefined;
  return `${CREDIT_PRICE_ENV} must be a price in USD per Codex credit, like 0.04 (got '${raw.slice(0, 20)}')`;
}

/** USD per credit as nano-dollars (default $0.04). */
export function creditPriceOf(env: ClientOptions["env"]): bigint {
  const problem = creditPriceProblem(env);
  if (problem) throw new CodexSettingsError(problem);
  const raw = env?.[CREDIT_PRICE_ENV]?.trim();
  return parseCreditPrice(raw || DEFAULT_CREDIT_USD)!;
}

/** One request sequence: whole UTC days as `[start_time, end_time)` in unix seconds. */
export interface UsageWindow {
  days: string[];
  startTime: number;
  endTime: number;
}

/** The days of `ranges` as contiguous windows of at most `WINDOW_DAYS` days. */
export function usageWindows(ranges: readonly DayRange[], maxDays = WINDOW_DAYS): UsageWindow[] {
  const days = [...new Set(ranges.flatMap((r) => daysBetween(r.since, r.until)))];
  return toRanges(days, maxDays).map(({ since, until }) => ({
    days: daysBetween(since, until),
    startTime: dayStartMs(since) / 1000,
    endTime: dayStartMs(addDays(until, 1)) / 1000,
  }));
}

/**
 * FastAPI's `{"detail":[{loc, msg}]}` (422) → "query start_time: msg; …"; `{"detail":"…"}` and
 * OpenAI's `{"error":{"message"}}` → that message.
 */
export function codexErrorMessage(body: unknown): string | undefined {
  if (!body || typeof body !== "object") return undefined;
  const { detail, error, message } = body as { detail?: unknown; error?: unknown; message?: unknown };
  if (typeof detail === "string") return detail;
  if (Array.isArray(detail)) {
    const parts = detail.slice(0, 3).map((d) => {
      const { loc, msg } = (d ?? {}) as { loc?: unknown; msg?: unknown };
      const where = Array.isArray(loc) ? loc.map(String).join(" ") : "";
      const what = typeof msg === "string" ? msg : "invalid";
      return where ? `${where}: ${what}` : what;
    });
    if (parts.length) return parts.join("; ");
  }
  if (error && typeof error === "object") {
    const m = (error as { message?: unknown }).message;
    if (typeof m === "string") return m;
  }
  if (typeof error === "string") return error;
  return typeof message === "string" ? message : undefined;
}

/**
 * Every per-user row of one window, page by page (requests one at a time: no rate limit is
 * documented). No `group` parameter: that returns one row per user per day. Cursor expiry is
 * undocumented, so a 4xx on a follow-up page restarts the window once before giving up.
 */
export async function fetchWindow(
  client: ClientOptions,
  workspaceId: string,
  window: UsageWindow,
): Promise<CodexUsageRow[]> {
  try {
    return await fetchWindowOnce(client, workspaceId, window);
  } catch (err) {
    if (!(err instanceof StaleCursorError)) throw err;
    client.log?.debug(
      `codex: ${err.cause instanceof Error ? err.cause.message : "cursor refused"}; restarting the window`,
    );
    try {
      return await fetchWindowOnce(client, workspaceId, window);
    } catch (again) {
      throw again instanceof StaleCursorError ? again.cause : again;
    }
  }
}

/** A follow-up page was refused (400/404/410/422): the cursor may have expired. */
class StaleCursorError extends Error {}

async function fetchWindowOnce(
  client: ClientOptions,
  workspaceId: string,
  window: UsageWindow,
): Promise<CodexUsageRow[]> {
  const what = `usage ${window.days[0]}..${window.days[window.days.length - 1]}`;
  const headers = { authorization: `Bearer ${client.apiKey}`, "user-agent": userAgent };
  const rows: CodexUsageRow[] = [];
  const pages = paginateCursor(
    "codex",
    what,
    async (cursor) => {
      const query = new URLSearchParams({
        start_time: String(window.startTime),
        end_time: String(window.endTime),
        group_by: "day",
        limit: String(PAGE_LIMIT),
      });
      if (cursor) query.set("page", cursor);
      const res = await requestJson({
        platform: "codex",
        client,
        path: usagePath(workspaceId),
        query,
        headers,
        errorMessage: codexErrorMessage,
      }).catch((err: unknown) => {
        if (cursor && err instanceof ApiError && [400, 404, 410, 422].includes(err.status))
          throw new StaleCursorError("stale cursor", { cause: err });
        throw err;
      });
      const page = parseOrThrow("codex", usagePageSchema, res.body);
      return { items: page.data, hasMore: page.has_more, nextCursor: page.next_page ?? null };
    },
    client.maxPages,
  );
  for await (const items of pages) rows.push(...items);
  return rows;
}
