import type { UsageRow } from "../../usage/types.ts";
import type { ClientOptions, DayRange, FetchNotes, Platform } from "../types.ts";
import { type CursorTuning, fetchCursorWindows } from "./fetch.ts";
import { cursorWindows } from "./windows.ts";

export type { CursorTuning } from "./fetch.ts";

/**
 * Streams Cursor usage for `ranges` from `POST /teams/filtered-usage-events`: whole-day windows of
 * up to 30 days ending at an instant fixed once per run, each yielded when all its pages are in.
 * `notes.counters.excludedEvents` counts errored/aborted events, which count nowhere else.
 */
export async function* fetchCursorUsage(
  options: ClientOptions,
  ranges: readonly DayRange[],
  notes: FetchNotes,
  tuning: CursorTuning = {},
): AsyncGenerator<UsageRow> {
  notes.counters.excludedEvents ??= 0;
  const windows = cursorWindows(ranges, options.now?.() ?? new Date());
  for await (const rows of fetchCursorWindows(options, windows, notes, tuning)) yield* rows;
}

/** A Cursor platform with its own limits (tests use a short window); `cursor` is the default one. */
export function createCursorPlatform(tuning: CursorTuning = {}): Platform {
  return {
    id: "cursor",
    keyEnv: ["CURSOR_ADMIN_API_KEY"],
    baseUrlEnv: "CURSOR_ADMIN_BASE_URL",
    defaultBaseUrl: "https://api.cursor.com",
    maxLookbackDays: 90,
    fetchUsage: (options, ranges, notes) => fetchCursorUsage(options, ranges, notes, tuning),
  };
}

export const cursor: Platform = createCursorPlatform();
