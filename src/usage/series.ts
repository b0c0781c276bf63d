import { Aggregator } from "./aggregate.ts";
import { emptyTotals, type Totals } from "./report.ts";
import { addCounts, type PlatformId, totalTokens, type UsageRow } from "./types.ts";

/**
 * Sums the leaderboard does not need but the HTML charts do: usage per UTC day and per model, each
 * split by platform. Kept beside the aggregator rather than inside it, so the report model stays as
 * it is and only `--format html` pays for it.
 */
export class UsageSeries {
  /** day (YYYY-MM-DD) → platform → sums. */
  readonly byDay = new Map<string, Map<PlatformId, Totals>>();
  /** model id → platform → sums. */
  readonly byModel = new Map<string, Map<PlatformId, Totals>>();

  add(row: UsageRow): void {
    addTo(this.byDay, row.day, row);
    addTo(this.byModel, row.model, row);
  }
}

function addTo(map: Map<string, Map<PlatformId, Totals>>, key: string, row: UsageRow): void {
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

/** An Aggregator that also keeps the chart series of every row it merges. */
export class SeriesAggregator extends Aggregator {
  readonly series = new UsageSeries();

  override add(row: UsageRow): void {
    super.add(row);
    this.series.add(row);
  }
}
