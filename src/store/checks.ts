import { isDay } from "../usage/days.ts";
import { ACTIVITY_FIELDS, type Activity, addActivity, emptyActivity, type UsageRow } from "../usage/types.ts";
import { type DayCounters, type Source, StoreError } from "./types.ts";

/** Engine-independent checks and shapes shared by the SQLite and PostgreSQL stores. */

export const INTEGER_FIELDS = [
  "requests",
  "inputTokens",
  "outputTokens",
  "cacheReadTokens",
  "cacheWriteTokens",
  "costNanos",
] as const;

/** One day's counters as stored JSON; only safe integers, so sums stay exact. */
export function countersJson(
  source: Source,
  day: string,
  counters: Readonly<Record<string, number>> = {},
): string {
  for (const [name, value] of Object.entries(counters))
    if (!Number.isSafeInteger(value))
      throw new StoreError(`${source.platform} ${day} counter ${name} is not an integer: ${value}`);
  return JSON.stringify(counters);
}

/** The six activity figures as column values (null = not reported). */
export function activityValues(activity: Activity | null | undefined): (number | null)[] {
  return ACTIVITY_FIELDS.map((f) => activity?.[f] ?? null);
}

/** Activity from column values; null when no figure is reported at all. */
export function activityFrom(values: readonly (number | null)[]): Activity | null {
  if (values.every((v) => v === null)) return null;
  return Object.fromEntries(ACTIVITY_FIELDS.map((f, i) => [f, values[i] ?? null])) as unknown as Activity;
}

/**
 * Checks every row of a replace and sums rows sharing a key (a platform may emit a key in parts), so
 * the primary key holds and no usage is dropped. Throws before anything is written.
 */
export function mergeRows(source: Source, days: readonly string[], rows: readonly UsageRow[]): UsageRow[] {
  const { platform } = source;
  const daySet = new Set(days);
  for (const d of daySet) if (!isDay(d)) throw new StoreError(`not a day: ${JSON.stringify(d)}`);
  const byKey = new Map<string, UsageRow>();
  for (const r of rows) {
    if (r.platform !== platform)
      throw new StoreError(`a ${r.platform} row was given to replace ${platform} days`);
    if (!daySet.has(r.day))
      throw new StoreError(`a ${platform} row for ${r.day} is outside the days being replaced`);
    for (const f of INTEGER_FIELDS)
      if (!Number.isSafeInteger(r[f]))
        throw new StoreError(`${platform} ${r.day} ${f} is not an integer: ${r[f]}`);
    for (const v of activityValues(r.activity))
      if (v !== null && !Number.isSafeInteger(v))
        throw new StoreError(`${platform} ${r.day} activity is not an integer: ${v}`);
    const key = JSON.stringify([r.day, r.identity, r.model]);
    const prev = byKey.get(key);
    if (!prev) {
      byKey.set(key, { ...r, activity: r.activity ? { ...r.activity } : null });
      continue;
    }
    for (const f of INTEGER_FIELDS) {
      prev[f] += r[f];
      if (!Number.isSafeInteger(prev[f]))
        throw new StoreError(`${platform} ${r.day} ${f} overflows when summed`);
    }
    prev.costEstimated ||= r.costEstimated;
    prev.email ??= r.email;
    if (r.activity) {
      prev.activity ??= emptyActivity();
      addActivity(prev.activity, r.activity);
    }
  }
  return [...byKey.values()];
}

/**
 * A row's values from `day` on, in the column order both engines use (after platform and org):
 * day, identity, email, model, the six counts, cost estimated, the six activity figures.
 */
export function rowValues(r: UsageRow): (string | number | boolean | null)[] {
  return [
    r.day,
    r.identity,
    r.email,
    r.model,
    r.requests,
    r.inputTokens,
    r.outputTokens,
    r.cacheReadTokens,
    r.cacheWriteTokens,
    r.costNanos,
    r.costEstimated,
    ...activityValues(r.activity),
  ];
}

/** The count columns of a stored row, in `rowValues` order. */
export const COUNT_COLUMNS = [
  "requests",
  "input_tokens",
  "output_tokens",
  "cache_read_tokens",
  "cache_write_tokens",
  "cost_nanos",
];
/** The activity columns of a stored row (null = not reported), in `rowValues` order. */
export const ACTIVITY_COLUMNS = [
  "lines_added",
  "lines_removed",
  "commits",
  "pull_requests",
  "suggestions_accepted",
  "suggestions_rejected",
];

/**
 * A summed row from a `readTotals` query's values: platform, identity, email, model, the counts,
 * cost estimated, the activity figures (numbers may arrive as text). A sum beyond
 * 2^53 could not be held exactly, so it is an error rather than a silently rounded figure.
 */
export function totalsRow(day: string, v: readonly unknown[]): UsageRow {
  const platform = String(v[0]);
  const count = (x: unknown): number => {
    const n = Number(x);
    if (!Number.isSafeInteger(n))
      throw new StoreError(`${platform} sum ${String(x)} is too large to hold exactly`);
    return n;
  };
  const row: UsageRow = {
    platform,
    day,
    identity: String(v[1]),
    email: v[2] === null ? null : String(v[2]),
    model: String(v[3]),
    requests: count(v[4]),
    inputTokens: count(v[5]),
    outputTokens: count(v[6]),
    cacheReadTokens: count(v[7]),
    cacheWriteTokens: count(v[8]),
    costNanos: count(v[9]),
    costEstimated: v[10] === true || v[10] === 1,
  };
  const activity = activityFrom(v.slice(11).map((x) => (x === null ? null : count(x))));
  if (activity) row.activity = activity;
  return row;
}

/** A replace after every check, in the shapes both engines write. */
export interface CheckedReplace {
  days: string[];
  rows: UsageRow[];
  /** day → counters as JSON text, every replaced day present. */
  counters: Map<string, string>;
  /** day → number of stored rows. */
  rowCount: Map<string, number>;
}

/** Everything is checked before a transaction starts: a bad replace writes nothing. */
export function checkReplace(
  source: Source,
  days: readonly string[],
  rows: readonly UsageRow[],
  fetchedAt: number,
  counters: DayCounters = {},
): CheckedReplace {
  const unique = [...new Set(days)];
  const byDay = new Map(unique.map((d) => [d, countersJson(source, d, counters[d])]));
  for (const d of Object.keys(counters))
    if (!byDay.has(d)) throw new StoreError(`${source.platform} counters for ${d}, a day not being replaced`);
  const merged = mergeRows(source, unique, rows);
  if (!Number.isSafeInteger(fetchedAt)) throw new StoreError(`fetchedAt must be epoch ms, got ${fetchedAt}`);
  const rowCount = new Map(unique.map((d) => [d, 0]));
  for (const r of merged) rowCount.set(r.day, rowCount.get(r.day)! + 1);
  return { days: unique, rows: merged, counters: byDay, rowCount };
}
