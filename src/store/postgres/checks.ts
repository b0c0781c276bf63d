import type { UsageRow } from "../../usage/types.ts";
import { countersJson, mergeRows } from "../checks.ts";
import { type DayCounters, type Source, StoreError } from "../types.ts";

/** A replace after the shared checks (src/store/checks.ts), in the shapes the PostgreSQL store writes. */
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
