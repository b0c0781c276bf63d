import type { ClaudeCodeRecord } from "../src/emulators/anthropic/index.ts";
import type { UsageEvent } from "../src/emulators/cursor/index.ts";
import type { OpenAIData } from "../src/emulators/openai/index.ts";
import { CLAUDE_DAY_CONCURRENCY, CLAUDE_PAGE_LIMIT } from "../src/platforms/claude/client.ts";
import { CURSOR_PAGE_SIZE } from "../src/platforms/cursor/client.ts";
import { CURSOR_PAGE_CONCURRENCY } from "../src/platforms/cursor/fetch.ts";
import { cursorWindows } from "../src/platforms/cursor/windows.ts";
import { USERS_PAGE_LIMIT, usageSlices } from "../src/platforms/openai/client.ts";
import { SLICE_CONCURRENCY } from "../src/platforms/openai/index.ts";
import { USER_LOOKUP_CONCURRENCY } from "../src/platforms/openai/users.ts";
import { daysBetween } from "../src/usage/days.ts";

/**
 * The fewest requests, and the least time, any client could need for a window given the data the
 * emulators hold. See bench/README.md for the reasoning behind each formula.
 */
export interface Bound {
  requests: number;
  ms: number;
  /** How the numbers came about, for RESULTS.md. */
  detail: string;
}

export interface Window {
  since: string;
  until: string;
  now: Date;
}

/** Chains of sequential requests run `slots` at a time: the makespan is at least both of these. */
function rounds(chains: readonly number[], slots: number): number {
  const total = chains.reduce((a, b) => a + b, 0);
  return Math.max(0, ...chains, Math.ceil(total / slots));
}

/** Claude Code: one request sequence per UTC day, ceil(rows/1000) pages each (at least one). */
export function claudeBound(records: readonly ClaudeCodeRecord[], w: Window, latencyMs: number): Bound {
  const perDay = new Map<string, number>();
  for (const r of records) perDay.set(r.date.slice(0, 10), (perDay.get(r.date.slice(0, 10)) ?? 0) + 1);
  const days = daysBetween(w.since, w.until);
  const pages = days.map((d) => Math.max(1, Math.ceil((perDay.get(d) ?? 0) / CLAUDE_PAGE_LIMIT)));
  const requests = pages.reduce((a, b) => a + b, 0);
  const r = rounds(pages, CLAUDE_DAY_CONCURRENCY);
  return {
    requests,
    ms: r * latencyMs,
    detail: `${days.length} days, ≤${Math.max(...pages)} page(s)/day; ${r} rounds of ${CLAUDE_DAY_CONCURRENCY} days`,
  };
}

/**
 * OpenAI: one page per ≤31-day slice (the emulator caps no results per page), the users list at
 * 100 a page, and one lookup per user id in the usage that the list lacks (removed users).
 */
export function openaiBound(data: OpenAIData, w: Window, latencyMs: number): Bound {
  const slices = usageSlices([{ since: w.since, until: w.until }]);
  const listed = new Set(data.users.map((u) => u.id));
  const unlisted = new Set<string>();
  for (const { day, result } of data.results)
    if (day >= w.since && day <= w.until && result.user_id && !listed.has(result.user_id))
      unlisted.add(result.user_id);
  const userPages = Math.max(1, Math.ceil(listed.size / USERS_PAGE_LIMIT));
  const usageRounds = rounds(
    slices.map(() => 1),
    SLICE_CONCURRENCY,
  );
  const lookupRounds = Math.ceil(unlisted.size / USER_LOOKUP_CONCURRENCY);
  const r = Math.max(usageRounds, userPages) + lookupRounds;
  return {
    requests: slices.length + userPages + unlisted.size,
    ms: r * latencyMs,
    detail: `${slices.length} usage page(s), ${userPages} users page(s) for ${listed.size} users, ${unlisted.size} lookup(s)`,
  };
}

export interface RateLimit {
  requests: number;
  windowMs: number;
}

/**
 * Cursor: 30-day windows ending one minute before "now" (as the client cuts them), max(1,
 * ceil(events/1000)) pages each; page 1 of a window must come back before its page count is known.
 * Time: the larger of the latency rounds and the rate limit (a sliding window, since a client
 * cannot see the server's window phase).
 */
export function cursorBound(
  events: readonly UsageEvent[],
  w: Window,
  latencyMs: number,
  limit: RateLimit,
): Bound {
  const windows = cursorWindows([{ since: w.since, until: w.until }], w.now);
  const counts = windows.map(() => 0);
  for (const e of events) {
    const ms = Number(e.timestamp);
    const i = windows.findIndex((x) => ms >= x.startMs && ms <= x.endMs);
    if (i >= 0) counts[i]!++;
  }
  const pages = counts.map((n) => Math.max(1, Math.ceil(n / CURSOR_PAGE_SIZE)));
  const requests = pages.reduce((a, b) => a + b, 0);
  const P = CURSOR_PAGE_CONCURRENCY;
  const latencyRounds = Math.ceil(windows.length / P) + Math.ceil((requests - windows.length) / P);
  const waits = Math.floor((requests - 1) / limit.requests);
  const rest = requests - waits * limit.requests;
  const rateMs = waits * limit.windowMs + Math.ceil(rest / P) * latencyMs;
  const ms = Math.max(latencyRounds * latencyMs, rateMs);
  const events_ = counts.reduce((a, b) => a + b, 0);
  return {
    requests,
    ms,
    detail:
      `${events_} events in ${windows.length} window(s); ${latencyRounds} rounds of ${P}` +
      (waits > 0 ? `; ${waits} full rate window(s) of ${limit.requests}/${limit.windowMs / 1000} s` : ""),
  };
}
