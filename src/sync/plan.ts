import { addDays, todayUtc } from "../usage/days.ts";

/**
 * The days of `days` that must be fetched live: never fetched, or fetched before the vendor stopped
 * revising them (`settledAfter`, from the platform). `refresh` fetches them all. A record dated
 * after `now` means the clock moved backwards since it was written, so it is not trusted.
 */
export function daysToFetch(opts: {
  days: readonly string[];
  fetched: ReadonlyMap<string, number>;
  now: Date;
  settledAfter: (day: string) => number;
  refresh?: boolean;
}): string[] {
  if (opts.refresh) return [...opts.days];
  const nowMs = opts.now.getTime();
  return opts.days.filter((day) => {
    const at = opts.fetched.get(day);
    return at === undefined || at > nowMs || at < opts.settledAfter(day);
  });
}

/** The first day the live API can serve, from the platform's lookback, or undefined when unlimited. */
export function oldestLiveDay(
  lookback: { days?: number; earliest?: string } | undefined,
  now: Date,
): string | undefined {
  const byDays = lookback?.days ? addDays(todayUtc(now), -(lookback.days - 1)) : undefined;
  const earliest = lookback?.earliest;
  // ISO days compare as strings: the later of the two.
  if (byDays && earliest) return [byDays, earliest].sort()[1];
  return byDays ?? earliest;
}
