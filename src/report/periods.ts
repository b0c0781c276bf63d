import { addDays, DAY_MS, dayStartMs, daysBetween } from "../usage/days.ts";
import type { Dimension } from "./report.ts";

/**
 * Period keys for the time dimensions: the UTC day `YYYY-MM-DD`, the ISO week `YYYY-Www` (weeks start
 * on Monday; week 1 holds the year's first Thursday, so 2027-01-01, a Friday, is in 2026-W53) and
 * the month `YYYY-MM`.
 */

/** ISO 8601 week of a UTC day, e.g. `2026-W48`. */
export function isoWeek(day: string): string {
  const ms = dayStartMs(day);
  const monday0 = (new Date(ms).getUTCDay() + 6) % 7;
  // The Thursday of the same week decides the week-year.
  const thursday = new Date(ms + (3 - monday0) * DAY_MS);
  const year = thursday.getUTCFullYear();
  const ordinal = Math.round((thursday.getTime() - Date.UTC(year, 0, 1)) / DAY_MS);
  const week = Math.floor(ordinal / 7) + 1;
  return `${year}-W${String(week).padStart(2, "0")}`;
}

export function monthOf(day: string): string {
  return day.slice(0, 7);
}

/** The period key of `day` for a time dimension. */
export function periodOf(by: "day" | "week" | "month", day: string): string {
  return by === "day" ? day : by === "week" ? isoWeek(day) : monthOf(day);
}

export function isTimeDimension(by: Dimension): by is "day" | "week" | "month" {
  return by === "day" || by === "week" || by === "month";
}

/** Every period touching `since..until`, in time order, each once. */
export function periodsOf(by: "day" | "week" | "month", since: string, until: string): string[] {
  const out: string[] = [];
  for (const day of daysBetween(since, until)) {
    const key = periodOf(by, day);
    if (out[out.length - 1] !== key) out.push(key);
  }
  return out;
}

/** The window of the same length that ends the day before `since` (`--compare`). */
export function previousWindow(window: { since: string; days: number }) {
  const until = addDays(window.since, -1);
  return { since: addDays(until, -(window.days - 1)), until, days: window.days };
}
