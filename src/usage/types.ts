/** The vendors we read. Ids are part of the JSON/CSV contract. */
export const PLATFORM_IDS = ["claude", "openai", "cursor"] as const;
export type PlatformId = (typeof PLATFORM_IDS)[number];

/** Display names used in the table's Tools column. */
export const PLATFORM_LABELS: Record<PlatformId, string> = {
  claude: "Claude",
  openai: "OpenAI",
  cursor: "Cursor",
};

/**
 * One normalised row: usage of one vendor identity with one model on one UTC day.
 * Every platform produces these; the store keeps them; the report merges them.
 */
export interface UsageRow {
  platform: PlatformId;
  /** UTC calendar day, YYYY-MM-DD. */
  day: string;
  /**
   * The vendor's own identity for this usage, kept raw so merges happen at report time:
   * a lower-cased email, an OpenAI user id, `api-key:NAME`, `service-account:NAME`, `(unattributed)`…
   */
  identity: string;
  /** Lower-cased email when the vendor (or its users list) tells us one, else null. */
  email: string | null;
  model: string;
  requests: number;
  /** Uncached input tokens. */
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  /** Cost in integer nano-dollars (1e-9 USD), so sums never drift. See money.ts. */
  costNanos: number;
  /** True when the cost is our estimate from list prices rather than the vendor's figure. */
  costEstimated: boolean;
}

export function totalTokens(
  r: Pick<UsageRow, "inputTokens" | "outputTokens" | "cacheReadTokens" | "cacheWriteTokens">,
) {
  return r.inputTokens + r.outputTokens + r.cacheReadTokens + r.cacheWriteTokens;
}

/** A row with zero usage, to accumulate into. */
export function emptyRow(
  key: Pick<UsageRow, "platform" | "day" | "identity" | "email" | "model" | "costEstimated">,
): UsageRow {
  // Properties spelled out: on Node 20 `{ ...key, more }` takes V8's slow path (~8 µs a row against
  // ~0.1 µs), which dominated normalising a large organisation's Claude Code records.
  return {
    platform: key.platform,
    day: key.day,
    identity: key.identity,
    email: key.email,
    model: key.model,
    costEstimated: key.costEstimated,
    requests: 0,
    inputTokens: 0,
    outputTokens: 0,
    cacheReadTokens: 0,
    cacheWriteTokens: 0,
    costNanos: 0,
  };
}

/** The additive part of a row (and of report totals). */
export type UsageCounts = Pick<
  UsageRow,
  "requests" | "inputTokens" | "outputTokens" | "cacheReadTokens" | "cacheWriteTokens" | "costNanos"
>;

/** Adds `source`'s counts into `target`. */
export function addCounts(target: UsageCounts, source: UsageCounts): void {
  target.requests += source.requests;
  target.inputTokens += source.inputTokens;
  target.outputTokens += source.outputTokens;
  target.cacheReadTokens += source.cacheReadTokens;
  target.cacheWriteTokens += source.cacheWriteTokens;
  target.costNanos += source.costNanos;
}
