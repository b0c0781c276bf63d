import type { Source, Store } from "../store/types.ts";

/**
 * A platform that needs an extra route for activity (Cursor's daily-usage-data) marks each day it
 * fetched with --activity with this per-day counter. A stored day without it was fetched without
 * --activity, so an --activity run fetches it again rather than show its activity as "not reported";
 * a run without --activity that re-fetches a day drops the mark, so the next --activity run renews it.
 */
export const ACTIVITY_MARK = "activityDays";

/** The settled `days` of `source` whose stored rows lack activity figures. */
export async function daysWithoutActivity(
  store: Store,
  source: Source,
  days: readonly string[],
): Promise<string[]> {
  if (days.length === 0) return [];
  const sorted = [...days].sort();
  const first = sorted[0]!;
  const last = sorted[sorted.length - 1]!;
  const marked = (await store.readCounters(source, first, last))[ACTIVITY_MARK] ?? 0;
  if (marked >= sorted.length) return [];
  const out: string[] = [];
  for (const day of sorted) if (!(await store.readCounters(source, day, day))[ACTIVITY_MARK]) out.push(day);
  return out;
}

/** Counters as reported to the user: the mark is bookkeeping, not a fact about the usage. */
export function reportedCounters(counters: Record<string, number>): Record<string, number> {
  const { [ACTIVITY_MARK]: _, ...rest } = counters;
  return rest;
}
