import type { PlatformId, UsageCounts } from "./types.ts";

/** The report every renderer receives: already merged, ranked and totalled. */

export type SortKey = "requests" | "tokens" | "cost";
export const SORT_KEYS: readonly SortKey[] = ["requests", "tokens", "cost"];

/** A row's counts summed (cost in integer nano-dollars; renderers convert, see money.ts). */
export interface Totals extends UsageCounts {
  /** input + output + cache read + cache write. */
  tokens: number;
  /** True when any part of the cost is an estimate from list prices. */
  costEstimated: boolean;
}

export interface PlatformUsage extends Totals {
  platform: PlatformId;
}

export interface UserUsage extends Totals {
  rank: number;
  /** The merged identity: email when known, else the vendor's id or label. */
  user: string;
  email: string | null;
  /** Display names of the platforms with activity, in platform order ("Claude", "OpenAI", "Cursor"). */
  tools: string[];
  platforms: PlatformUsage[];
}

export interface PlatformStatus {
  platform: PlatformId;
  status: "ok" | "skipped" | "error";
  message: string | null;
  /** The platform's display label. */
  label?: string;
  /** Extra facts, e.g. Cursor `excludedEvents` (errored/aborted events not counted). */
  counters?: Record<string, number>;
  /** What the numbers mean for this organisation (e.g. "Codex counts turns"). */
  notes?: string[];
}

export interface Window {
  since: string;
  until: string;
  days: number;
}

export interface Report {
  window: Window;
  /** "days" titles the table "(Last N days)"; "range" titles it "(since – until)". */
  windowMode: "days" | "range";
  sort: SortKey;
  platforms: PlatformStatus[];
  users: UserUsage[];
  totals: Totals;
  demo: boolean;
  /** Models with usage but no known price (their estimated cost counts as $0). */
  unpricedModels: string[];
}

export function emptyTotals(): Totals {
  return {
    requests: 0,
    tokens: 0,
    inputTokens: 0,
    outputTokens: 0,
    cacheReadTokens: 0,
    cacheWriteTokens: 0,
    costNanos: 0,
    costEstimated: false,
  };
}
