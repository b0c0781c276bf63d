import { isTimeDimension } from "./periods.ts";
import type { Dimension, GroupUsage, SortKey, Totals } from "./report.ts";

const SORT_VALUE: Record<SortKey, (t: Totals) => number> = {
  requests: (t) => t.requests,
  tokens: (t) => t.tokens,
  cost: (t) => t.costNanos,
};

/** Descending by the key, then by the other keys in the order requests, tokens, cost, then key A→Z. */
export function compareBy(sort: SortKey) {
  const order: SortKey[] = [sort, ...(["requests", "tokens", "cost"] as const).filter((k) => k !== sort)];
  return (a: Totals & { key: string }, b: Totals & { key: string }): number => {
    for (const key of order) {
      const diff = SORT_VALUE[key](b) - SORT_VALUE[key](a);
      if (diff !== 0) return diff;
    }
    return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
  };
}

/**
 * Orders and numbers the rows. People, teams, models and platforms are ranked by `sort`; periods stay
 * in time order (so a chart gets an even series), and `--top n` keeps the n periods highest by
 * `sort`, still in time order. `--top` trims only what is shown: totals cover everything.
 */
export function rankRows(rows: GroupUsage[], by: Dimension, sort: SortKey, top: number | null): GroupUsage[] {
  const ranked = [...rows].sort(compareBy(sort));
  let shown = top === null ? ranked : ranked.slice(0, top);
  if (isTimeDimension(by)) shown = shown.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  shown.forEach((row, i) => {
    row.rank = i + 1;
  });
  return shown;
}
