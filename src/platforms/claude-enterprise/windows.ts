import { addDays, daysBetween, todayUtc, toRanges } from "../../usage/days.ts";
import type { DayRange } from "../types.ts";

/** The per-user reports take at most 31 days per query (claude-enterprise.md §3.1). */
export const MAX_WINDOW_DAYS = 31;
/** The API holds no data before this day. */
export const EARLIEST_DAY = "2026-01-01";
/** `starting_at` must lie within the last 365 days. */
export const LOOKBACK_DAYS = 365;

/** The first day whose midnight is still inside the 365-day reach at `now`. */
export function earliestDay(now: Date): string {
  const back = addDays(todayUtc(now), -(LOOKBACK_DAYS - 1));
  return back > EARLIEST_DAY ? back : EARLIEST_DAY;
}

export interface EnterpriseWindows {
  windows: DayRange[];
  /** Requested days the API cannot answer for (too old, or not yet begun). */
  skipped: string[];
}

/**
 * Covers the requested days with as few windows as possible: whole UTC days, at most 31 per
 * window, never before the API's first day or its 365-day reach, never after today.
 */
export function enterpriseWindows(ranges: readonly DayRange[], now: Date): EnterpriseWindows {
  const first = earliestDay(now);
  const last = todayUtc(now);
  const wanted = new Set<string>();
  const skipped = new Set<string>();
  for (const range of ranges)
    for (const day of daysBetween(range.since, range.until)) {
      if (day < first || day > last) skipped.add(day);
      else wanted.add(day);
    }
  return { windows: toRanges([...wanted], MAX_WINDOW_DAYS), skipped: [...skipped].sort() };
}

/** The query bounds of a window: midnight of its first day to midnight after its last (exclusive). */
export function windowBounds(window: DayRange): { startingAt: string; endingAt: string } {
  return {
    startingAt: `${window.since}T00:00:00Z`,
    endingAt: `${addDays(window.until, 1)}T00:00:00Z`,
  };
}
