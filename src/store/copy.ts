import type { UsageRow } from "../usage/types.ts";
import { type DayCounters, type Source, type Store, StoreError } from "./types.ts";

/** Bounds of "every day" for reads that want a source's whole history. */
const FIRST = "0001-01-01";
const LAST = "9999-12-31";
/** Days per replace in the target: one transaction each, so a copy never holds a huge one. */
const DAYS_PER_REPLACE = 31;

export interface CopiedSource {
  source: Source;
  days: number;
  rows: number;
  /** Days the target had fetched at the same time or later, left as they were. */
  kept: number;
}

/**
 * Copies every source's history from `from` into `to`: rows, fetch records (with their times, so
 * settled days stay settled) and counters, day by day through `replaceDays`, so running it twice,
 * or into a store that already holds some of the days, never counts anything twice. A day the
 * target fetched at the same time or later is kept. The identity cache is not copied: it refills.
 */
export async function copyStore(
  from: Store,
  to: Store,
  onSource: (done: CopiedSource) => void = () => {},
): Promise<CopiedSource[]> {
  if (!from.sources) throw new StoreError(`history store ${from.location} cannot list its sources`);
  const out: CopiedSource[] = [];
  for (const source of await from.sources()) {
    const fetched = await from.fetchedDays(source, FIRST, LAST);
    const theirs = await to.fetchedDays(source, FIRST, LAST);
    const done: CopiedSource = { source, days: 0, rows: 0, kept: 0 };
    // Days of one fetch share its time; a replace records one time for all its days.
    const byTime = new Map<number, string[]>();
    for (const [day, at] of [...fetched].sort(([a], [b]) => a.localeCompare(b))) {
      if ((theirs.get(day) ?? -1) >= at) {
        done.kept++;
        continue;
      }
      byTime.set(at, [...(byTime.get(at) ?? []), day]);
    }
    for (const [at, days] of byTime) {
      for (let i = 0; i < days.length; i += DAYS_PER_REPLACE) {
        const part = days.slice(i, i + DAYS_PER_REPLACE);
        const rows = await rowsOf(from, source, part);
        const counters: Record<string, Record<string, number>> = {};
        for (const d of part) {
          const c = await from.readCounters(source, d, d);
          if (Object.keys(c).length > 0) counters[d] = c;
        }
        await to.replaceDays(source, part, rows, at, counters as DayCounters);
        done.days += part.length;
        done.rows += rows.length;
      }
    }
    out.push(done);
    onSource(done);
  }
  return out;
}

/** The rows of `days` (sorted), read as one range and filtered to exactly those days. */
async function rowsOf(store: Store, source: Source, days: readonly string[]): Promise<UsageRow[]> {
  const wanted = new Set(days);
  const rows: UsageRow[] = [];
  for await (const r of store.readRows([source], days[0]!, days[days.length - 1]!))
    if (wanted.has(r.day)) rows.push(r);
  return rows;
}
