/** UTC calendar-day helpers. Days are `YYYY-MM-DD` strings throughout the code. */
export const DAY_MS = 86_400_000;

export function dayStartMs(day: string): number {
  return Date.parse(`${day}T00:00:00Z`);
}

export function dayOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export function addDays(day: string, n: number): string {
  return dayOf(dayStartMs(day) + n * DAY_MS);
}

export function todayUtc(now: Date = new Date()): string {
  return now.toISOString().slice(0, 10);
}

/** The days from `since` to `until`, inclusive. */
export function daysBetween(since: string, until: string): string[] {
  const out: string[] = [];
  for (let t = dayStartMs(since); t <= dayStartMs(until); t += DAY_MS) out.push(dayOf(t));
  return out;
}

/** Strict `YYYY-MM-DD` that is a real calendar date. */
export function isDay(value: string): boolean {
  return (
    /^\d{4}-\d{2}-\d{2}$/.test(value) &&
    !Number.isNaN(dayStartMs(value)) &&
    dayOf(dayStartMs(value)) === value
  );
}

/** Splits sorted days into contiguous ranges of at most `maxDays` days. */
export function toRanges(
  days: readonly string[],
  maxDays = Number.POSITIVE_INFINITY,
): { since: string; until: string }[] {
  const ranges: { since: string; until: string }[] = [];
  for (const day of [...days].sort()) {
    const last = ranges[ranges.length - 1];
    if (last && addDays(last.until, 1) === day && daysBetween(last.since, day).length <= maxDays)
      last.until = day;
    else ranges.push({ since: day, until: day });
  }
  return ranges;
}
