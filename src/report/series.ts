import { addCounts, type PlatformId, totalTokens, type UsageRow } from "../usage/types.ts";
import { emptyTotals, type Totals } from "./report.ts";

/**
 * Sums the leaderboard does not need but the HTML charts do: usage per UTC day and per model, each
 * split by platform, over the report's window only (rows of a compared period are left out). Fed the
 * same rows as the aggregator but kept beside it, so the report model stays as it is and only
 * `--format html` pays for it.
 */
export class UsageSeries {
  /** day (YYYY-MM-DD) → platform → sums. */
  readonly byDay = new Map<string, Map<PlatformId, Totals>>();
  /** model id → platform → sums. */
  readonly byModel = new Map<string, Map<PlatformId, Totals>>();

  constructor(private readonly window: { since: string; until: string }) {}

  add(row: UsageRow): void {
    if (row.day < this.window.since || row.day > this.window.until) return;
    addRowTo(this.byDay, row.day, row);
    addRowTo(this.byModel, row.model, row);
  }
}

function addRowTo(map: Map<string, Map<PlatformId, Totals>>, key: string, row: UsageRow): void {
  let perPlatform = map.get(key);
  if (!perPlatform) {
    perPlatform = new Map();
    map.set(key, perPlatform);
  }
  let t = perPlatform.get(row.platform);
  if (!t) {
    t = emptyTotals();
    perPlatform.set(row.platform, t);
  }
  addCounts(t, row);
  t.tokens += totalTokens(row);
  t.costEstimated ||= row.costEstimated;
}
