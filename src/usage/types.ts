/**
 * A platform id from the registry (`src/platforms/registry.ts`): `claude`, `claude-enterprise`,
 * `openai`, `codex`, `cursor`, `copilot`. Part of the JSON/CSV contract. Kept a plain string here so
 * this lowest layer depends on nothing; the registry is the one list of ids.
 */
export type PlatformId = string;

/**
 * What the AI produced, where a vendor reports it (DESIGN §1 activity table). `null` means the
 * vendor does not report that figure — never shown as 0.
 */
export interface Activity {
  linesAdded: number | null;
  linesRemoved: number | null;
  commits: number | null;
  pullRequests: number | null;
  suggestionsAccepted: number | null;
  suggestionsRejected: number | null;
}

export const ACTIVITY_FIELDS = [
  "linesAdded",
  "linesRemoved",
  "commits",
  "pullRequests",
  "suggestionsAccepted",
  "suggestionsRejected",
] as const satisfies ReadonlyArray<keyof Activity>;

/** Adds `source` into `target`: a figure stays null only while neither side reports it. */
export function addActivity(target: Activity, source: Activity): void {
  for (const f of ACTIVITY_FIELDS) {
    const s = source[f];
    if (s !== null) target[f] = (target[f] ?? 0) + s;
  }
}

export function emptyActivity(): Activity {
  return {
    linesAdded: null,
    linesRemoved: null,
    commits: null,
    pullRequests: null,
    suggestionsAccepted: null,
    suggestionsRejected: null,
  };
}

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
  /** What the AI produced (lines, commits, PRs, suggestions); absent or null where not reported. */
  activity?: Activity | null;
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
