import { daysBetween } from "../../usage/days.ts";
import type { UsageRow } from "../../usage/types.ts";
import type { ClientOptions, DayRange, FetchNotes, Platform } from "../types.ts";
import { type ClaudeFetchTuning, fetchClaudeDays } from "./client.ts";
import { normalizeClaudeRecords } from "./normalize.ts";

/**
 * Streams Claude Code usage for every day of `ranges`: each day is normalised and yielded as soon as
 * all its pages are in (an actor's records can sit on different pages, so a day is the unit).
 */
export async function* fetchClaudeUsage(
  options: ClientOptions,
  ranges: readonly DayRange[],
  notes: FetchNotes,
  tuning: ClaudeFetchTuning = {},
): AsyncGenerator<UsageRow> {
  const days = [...new Set(ranges.flatMap((r) => daysBetween(r.since, r.until)))].sort();
  let stray = 0;
  let done = 0;
  for await (const { day, records } of fetchClaudeDays(options, days, tuning)) {
    options.onProgress?.(++done, days.length);
    stray += records.filter((r) => r.date.slice(0, 10) !== day).length;
    yield* normalizeClaudeRecords(records, notes);
  }
  // The records' own date decides the day (anthropic.md §3.2); say so if the API mixed days.
  if (stray > 0)
    notes.warnings.push(`claude: ${stray} record(s) were dated outside the day they were requested for`);
}

export const claude: Platform = {
  id: "claude",
  keyEnv: ["ANTHROPIC_ADMIN_API_KEY"],
  baseUrlEnv: "ANTHROPIC_ADMIN_BASE_URL",
  defaultBaseUrl: "https://api.anthropic.com",
  fetchUsage: (options, ranges, notes) => fetchClaudeUsage(options, ranges, notes),
};
