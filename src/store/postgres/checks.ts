import { isDay } from "../../usage/days.ts";
import { ACTIVITY_FIELDS, type Activity, addActivity, type UsageRow } from "../../usage/types.ts";
import { type DayCounters, type Source, StoreError } from "../types.ts";

/**
 * The checks every replace passes before anything is written, whatever the engine: days are real
 * days, rows belong to the source and to those days, every figure is a safe integer, counters name
 * only replaced days. Rows sharing a key are summed (a platform may emit a key in parts).
 */

const INTEGER_FIELDS = [
  "requests",
  "inputTokens",
  "outputTokens",
  "cacheReadTokens",
  "cacheWriteTokens",
  "costNanos",
] as const;

export interface CheckedReplace {
  days: string[];
  rows: UsageRow[];
  /** day → counters, every replaced day present. */
  counters: Map<string, Record<string, number>>;
  /** day → number of stored rows. */
  rowCount: Map<string, number>;
}

export function checkReplace(
  source: Source,
  days: readonly string[],
  rows: readonly UsageRow[],
  fetchedAt: number,
  counters: DayCounters = {},
): CheckedReplace {
  const { platform } = source;
  const unique = [...new Set(days)];
  for (const d of unique) if (!isDay(d)) throw new StoreError(`not a day: ${JSON.stringify(d)}`);
  if (!Number.isSafeInteger(fetchedAt)) throw new StoreError(`fetchedAt must be epoch ms, got ${fetchedAt}`);
  const daySet = new Set(unique);
  const byDay = new Map<string, Record<string, number>>(unique.map((d) => [d, {}]));
  for (const [d, named] of Object.entries(counters)) {
    if (!daySet.has(d)) throw new StoreError(`${platform} counters for ${d}, a day not being replaced`);
    for (const [name, value] of Object.entries(named))
      if (!Number.isSafeInteger(value))
        throw new StoreError(`${platform} ${d} counter ${name} is not an integer: ${value}`);
    byDay.set(d, { ...named });
  }
  const byKey = new Map<string, UsageRow>();
  for (const r of rows) {
    if (r.platform !== platform)
      throw new StoreError(`a ${r.platform} row was given to replace ${platform} days`);
    if (!daySet.has(r.day))
      throw new StoreError(`a ${platform} row for ${r.day} is outside the days being replaced`);
    for (const f of INTEGER_FIELDS)
      if (!Number.isSafeInteger(r[f]))
        throw new StoreError(`${platform} ${r.day} ${f} is not an integer: ${r[f]}`);
    checkActivity(platform, r.day, r.activity);
    const key = JSON.stringify([r.day, r.identity, r.model]);
    const prev = byKey.get(key);
    if (!prev) {
      byKey.set(key, { ...r, activity: r.activity ? { ...r.activity } : r.activity });
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
      if (prev.activity) addActivity(prev.activity, r.activity);
      else prev.activity = { ...r.activity };
      checkActivity(platform, r.day, prev.activity);
    }
  }
  const merged = [...byKey.values()];
  const rowCount = new Map(unique.map((d) => [d, 0]));
  for (const r of merged) rowCount.set(r.day, rowCount.get(r.day)! + 1);
  return { days: unique, rows: merged, counters: byDay, rowCount };
}

function checkActivity(platform: string, day: string, a: Activity | null | undefined): void {
  if (!a) return;
  for (const f of ACTIVITY_FIELDS) {
    const v = a[f];
    if (v !== null && !Number.isSafeInteger(v))
      throw new StoreError(`${platform} ${day} activity ${f} is not an integer: ${v}`);
  }
}
