import { DAY_MS, dayStartMs } from "../usage/days.ts";

/** How long after a UTC day ends the vendors may still revise it. */
export const DEFAULT_SETTLE_MS = 48 * 3_600_000;

/** True when a fetch at `fetchedAt` saw `day` in its final form. */
export function isSettled(day: string, fetchedAt: number, settleMs = DEFAULT_SETTLE_MS): boolean {
  return fetchedAt >= dayStartMs(day) + DAY_MS + settleMs;
}

/**
 * The days of `days` that must be fetched live: never fetched, or fetched before the day was
 * over plus the settling margin. `refresh` fetches them all. A record dated after `now` means the
 * clock moved backwards since it was written, so it is not trusted.
 */
export function daysToFetch(opts: {
  days: readonly string[];
  fetched: ReadonlyMap<string, number>;
  now: Date;
  settleMs?: number;
  refresh?: boolean;
}): string[] {
  if (opts.refresh) return [...opts.days];
  const nowMs = opts.now.getTime();
  return opts.days.filter((day) => {
    const at = opts.fetched.get(day);
    return at === undefined || at > nowMs || !isSettled(day, at, opts.settleMs);
  });
}

/**
 * Of `days` the live API cannot serve (older than its lookback), those the store has never
 * fetched either: the report has no data for them and says so on stderr.
 */
export function uncoveredDays(days: readonly string[], fetched: ReadonlyMap<string, number>): string[] {
  return days.filter((day) => !fetched.has(day));
}
