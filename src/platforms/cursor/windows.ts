import { addDays, DAY_MS, dayStartMs, daysBetween, toRanges } from "../../usage/days.ts";
import type { DayRange } from "../types.ts";

/** No maximum range is documented for filtered-usage-events; 30 days is the safe choice (cursor.md §3.4). */
export const MAX_WINDOW_DAYS = 30;

/**
 * How far behind "now" the newest window ends. Events arrive newest first, so anything landing
 * after the window's end would shift every page; ending slightly in the past keeps them out.
 */
export const END_LAG_MS = 60_000;

/** One request window: epoch ms, both bounds inclusive, as the API takes them. */
export interface EventWindow {
  startMs: number;
  endMs: number;
}

/**
 * Covers the days of `ranges` with as few windows as possible: whole UTC days, at most 30 per
 * window, non-overlapping (a window ends at the last millisecond of its last day, since both
 * bounds are inclusive). The end is clamped to `now − END_LAG_MS`; `now` must be read once per
 * run so every page of a window is asked with the same bounds. Days wholly after that instant
 * are dropped (they cannot have events yet).
 */
export function cursorWindows(ranges: readonly DayRange[], now: Date): EventWindow[] {
  const fixedEnd = now.getTime() - END_LAG_MS;
  const days = new Set<string>();
  for (const range of ranges) for (const day of daysBetween(range.since, range.until)) days.add(day);
  const windows: EventWindow[] = [];
  for (const chunk of toRanges([...days], MAX_WINDOW_DAYS)) {
    const startMs = dayStartMs(chunk.since);
    if (startMs > fixedEnd) continue;
    const endMs = Math.min(dayStartMs(addDays(chunk.until, 1)) - 1, fixedEnd);
    windows.push({ startMs, endMs });
  }
  return windows;
}

/** The UTC days a window covers (for messages and tests). */
export function windowDays(window: EventWindow): number {
  return Math.ceil((window.endMs + 1 - window.startMs) / DAY_MS);
}
