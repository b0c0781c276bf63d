import { DAY_MS, dayStartMs } from "../../usage/days.ts";
import type { Batch, ClientOptions, DayRange, FetchNotes, Platform } from "../types.ts";
import { type CursorTuning, fetchCursorWindows } from "./fetch.ts";
import { errorMessage } from "./schema.ts";
import { cursorWindows } from "./windows.ts";

export type { CursorTuning } from "./fetch.ts";

/**
 * Streams Cursor usage for `ranges` from `POST /teams/filtered-usage-events`: whole-day windows of
 * up to 30 days ending at an instant fixed once per run, each a batch once all its pages are in.
 * Counters `excludedEvents` (per day) count errored/aborted events, which count nowhere else.
 */
export function fetchCursorBatches(
  options: ClientOptions,
  ranges: readonly DayRange[],
  notes: FetchNotes,
  tuning: CursorTuning = {},
): AsyncGenerator<Batch> {
  const windows = cursorWindows(ranges, options.now?.() ?? new Date());
  return fetchCursorWindows(options, windows, notes, tuning);
}

/** A Cursor platform with its own limits (tests use a short window); `cursor` is the default one. */
export function createCursorPlatform(tuning: CursorTuning = {}) {
  return {
    id: "cursor",
    label: "Cursor",
    keyEnv: ["CURSOR_ADMIN_API_KEY"],
    baseUrlEnv: "CURSOR_ADMIN_BASE_URL",
    defaultBaseUrl: "https://api.cursor.com",
    keyShape: /\b(?:crsr_[\w*.-]*[\w*]|key_[A-Za-z0-9*]{16,})/g,
    settledAfter: (day: string) => dayStartMs(day) + DAY_MS + 48 * 3_600_000,
    lookback: { days: 90 },
    progressUnit: "pages",
    activityRoute: true,
    help: "Cursor Enterprise teams: CURSOR_ADMIN_API_KEY (a team admin API key)",
    errorMessage,
    advice: (status: number) =>
      status === 401
        ? "check CURSOR_ADMIN_API_KEY (Cursor dashboard → Settings → Advanced → Admin API keys)"
        : status === 403
          ? "the Admin API is for Enterprise teams; ask a team admin"
          : undefined,
    fetchBatches: (options: ClientOptions, ranges: readonly DayRange[], notes: FetchNotes) =>
      fetchCursorBatches(options, ranges, notes, tuning),
  } satisfies Platform;
}

export const cursor: Platform = createCursorPlatform();
