import { createRateLimiter, pauseOn429 } from "../../http/limiter.ts";
import { daysBetween } from "../../usage/days.ts";
import { plural, verb } from "../../usage/plural.ts";
import type { Batch, ClientOptions, DayRange, FetchNotes, Platform } from "../types.ts";
import { fetchWindow, MAX_WINDOW_ATTEMPTS, PAGE_LIMIT, PLATFORM } from "./client.ts";
import { joinReports, noteJoin } from "./normalize.ts";
import { errorMessage } from "./schema.ts";
import { EARLIEST_DAY, enterpriseWindows, LOOKBACK_DAYS } from "./windows.ts";

export interface ClaudeEnterpriseTuning {
  /** Requests let go per limiter window; default 55 a minute, under the organisation's 60. */
  requestsPerWindow?: number;
  windowMs?: number;
  pageLimit?: number;
  maxWindowAttempts?: number;
}

/** The organisation's limit is 60 a minute for all keys; leave a little room for another client. */
export const REQUESTS_PER_MINUTE = 55;

/** No endpoint says whether a plan is seat-based (claude-enterprise.md §9), so the user tells us. */
export const PLAN_ENV = "CLAUDE_ANALYTICS_PLAN";
export const SEAT_BASED_NOTE =
  "seat-based plan: tokens and cost cover extra usage (usage credits) beyond the seat allowance only, not all seat usage";

/** The seat-based caveat, said in every run's JSON when the user says the plan is seat-based. */
function planNotes(env: Readonly<Record<string, string | undefined>>): string[] {
  return env[PLAN_ENV]?.trim().toLowerCase() === "seat-based" ? [SEAT_BASED_NOTE] : [];
}

function checkPlan(env: ClientOptions["env"], notes: FetchNotes): void {
  const plan = env?.[PLAN_ENV]?.trim().toLowerCase();
  if (!plan || plan === "usage-based" || plan === "seat-based") return;
  notes.warnings.push(
    `${PLATFORM}: ${PLAN_ENV} should be usage-based or seat-based (got ${JSON.stringify(plan.slice(0, 20))}); treated as usage-based`,
  );
}

/**
 * Streams Claude Code usage on Enterprise seats: windows of up to 31 days, each read in full
 * (both reports, every page) and joined before it is yielded as one completed batch. One request
 * at a time through a limiter that keeps the run under the organisation's rate limit.
 */
export async function* fetchClaudeEnterpriseBatches(
  client: ClientOptions,
  ranges: readonly DayRange[],
  notes: FetchNotes,
  tuning: ClaudeEnterpriseTuning = {},
): AsyncGenerator<Batch> {
  checkPlan(client.env, notes);
  const { windows, skipped } = enterpriseWindows(ranges, client.now?.() ?? new Date());
  if (skipped.length > 0)
    notes.warnings.push(
      `${PLATFORM}: ${plural(skipped.length, "day")} (${skipped[0]}…${skipped.at(-1)}) ${verb(skipped.length, "is", "are")} outside what the API keeps (from ${EARLIEST_DAY}, at most ${LOOKBACK_DAYS} days back, up to today); not fetched`,
    );
  const limiter = createRateLimiter({
    limit: tuning.requestsPerWindow ?? REQUESTS_PER_MINUTE,
    windowMs: tuning.windowMs ?? 60_000,
  });
  const paced: ClientOptions = { ...client, fetch: pauseOn429(client.fetch, limiter) };
  let done = 0;
  client.onProgress?.(done, windows.length);
  for (const window of windows) {
    const reports = await fetchWindow(
      paced,
      limiter,
      window,
      tuning.pageLimit ?? PAGE_LIMIT,
      tuning.maxWindowAttempts ?? MAX_WINDOW_ATTEMPTS,
    );
    const joined = joinReports(reports.usage, reports.cost, window);
    noteJoin(joined, window, notes);
    client.log?.debug(
      `${PLATFORM}: ${window.since}…${window.until}: ${reports.usage.length} usage and ${plural(reports.cost.length, "cost row")}, ${plural(reports.pages, "page")}${reports.restarts ? `, ${plural(reports.restarts, "restart")}` : ""}`,
    );
    client.onProgress?.(++done, windows.length);
    yield { days: daysBetween(window.since, window.until), rows: joined.rows };
  }
}

/** The vendor revises a month until about a week after it ends: final once the 9th has begun. */
export function settledAfter(day: string): number {
  const [y, m] = day.split("-").map(Number) as [number, number];
  return Date.UTC(y, m, 9);
}

const KEY_ADVICE =
  "this needs an Analytics API key created by the Primary Owner in claude.ai (Organization settings → API, scope read:analytics)";

function advice(status: number, message: string): string | undefined {
  if (/\bteams?\b/i.test(message) && /plan/i.test(message))
    return "Claude Team plans have no Analytics API; it exists on Claude Enterprise only";
  if (status === 403 && /read:analytics/.test(message))
    return `${KEY_ADVICE}; a Console Admin API key cannot read it`;
  if (status === 401 || status === 403 || status === 404)
    return `check CLAUDE_ANALYTICS_API_KEY: ${KEY_ADVICE}, with API access switched on; the API exists on Claude Enterprise only (not Team)`;
  return undefined;
}

export function createClaudeEnterprisePlatform(tuning: ClaudeEnterpriseTuning = {}): Platform {
  return {
    id: PLATFORM,
    label: "Claude Ent",
    keyEnv: ["CLAUDE_ANALYTICS_API_KEY"],
    baseUrlEnv: "CLAUDE_ANALYTICS_BASE_URL",
    defaultBaseUrl: "https://api.anthropic.com",
    keyShape: /\bsk-ant-[\w*.-]*[\w*]/g,
    settledAfter: (day) => settledAfter(day),
    // 365 days back counting today: the sync's first live day is today − 364, as windows.ts has it.
    lookback: { days: LOOKBACK_DAYS, earliest: EARLIEST_DAY },
    progressUnit: "windows",
    help: `Claude Code on claude.ai Enterprise seats (Enterprise Analytics API): set CLAUDE_ANALYTICS_API_KEY (Primary Owner's Analytics key); ${PLAN_ENV}=seat-based on legacy seat plans`,
    errorMessage,
    advice,
    organization: () => null,
    notes: planNotes,
    fetchBatches: (client, ranges, notes) => fetchClaudeEnterpriseBatches(client, ranges, notes, tuning),
  };
}

export const claudeEnterprise: Platform = createClaudeEnterprisePlatform();
