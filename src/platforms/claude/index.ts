import { DAY_MS, dayStartMs, daysBetween } from "../../usage/days.ts";
import type { Batch, ClientOptions, DayRange, FetchNotes, Platform } from "../types.ts";
import { type ClaudeFetchTuning, fetchClaudeDays } from "./client.ts";
import { normalizeClaudeRecords } from "./normalize.ts";
import { errorMessage } from "./schema.ts";

/**
 * Streams Claude Code usage for every day of `ranges`: each day is one batch, yielded as soon as
 * all its pages are in (an actor's records can sit on different pages, so a day is the unit).
 */
export async function* fetchClaudeBatches(
  options: ClientOptions,
  ranges: readonly DayRange[],
  notes: FetchNotes,
  tuning: ClaudeFetchTuning = {},
): AsyncGenerator<Batch> {
  const days = [...new Set(ranges.flatMap((r) => daysBetween(r.since, r.until)))].sort();
  let stray = 0;
  let done = 0;
  for await (const { day, records } of fetchClaudeDays(options, days, tuning)) {
    options.onProgress?.(++done, days.length);
    const own = records.filter((r) => r.date.slice(0, 10) === day);
    stray += records.length - own.length;
    yield { days: [day], rows: [...normalizeClaudeRecords(own, notes)] };
  }
  // A day's request returns that day; a record dated otherwise is not counted twice (anthropic.md §3.2).
  if (stray > 0)
    notes.warnings.push(
      `claude: ${stray} ${stray === 1 ? "record was" : "records were"} dated outside the day requested and not counted`,
    );
}

export const claude = {
  id: "claude",
  label: "Claude",
  keyEnv: ["ANTHROPIC_ADMIN_API_KEY"],
  baseUrlEnv: "ANTHROPIC_ADMIN_BASE_URL",
  defaultBaseUrl: "https://api.anthropic.com",
  keyShape: /\bsk-ant-[\w*.-]*[\w*]/g,
  settledAfter: (day) => dayStartMs(day) + DAY_MS + 48 * 3_600_000,
  progressUnit: "days",
  help: "Claude Code on API keys / Console logins: ANTHROPIC_ADMIN_API_KEY (sk-ant-admin…)",
  errorMessage,
  advice: (status) =>
    status === 401 || status === 403
      ? "use an Admin API key (sk-ant-admin…) created by an organisation admin in the Claude Console"
      : undefined,
  fetchBatches: (options, ranges, notes) => fetchClaudeBatches(options, ranges, notes),
} satisfies Platform;
