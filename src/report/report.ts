import type { Dimension, SortKey } from "../config/options.ts";
import type { Activity, PlatformId, UsageCounts } from "../usage/types.ts";

/** The report every renderer receives: already merged, grouped, ranked and totalled. */

export type { Dimension, SortKey };

/** A row's counts summed (cost in integer nano-dollars; renderers convert, see money.ts). */
export interface Totals extends UsageCounts {
  /** input + output + cache read + cache write. */
  tokens: number;
  /** True when any part of the cost is an estimate from list prices. */
  costEstimated: boolean;
}

/** The same row in the previous period (`--compare`); zeros when there was no usage. */
export interface PreviousTotals {
  requests: number;
  tokens: number;
  costNanos: number;
}

/** What `--compare` and `--activity` add to a row; absent without those flags. */
export interface RowExtras {
  previous?: PreviousTotals;
  /** Summed over the row's usage; a figure is null when no vendor in it reports that figure. */
  activity?: Activity;
}

export interface PlatformUsage extends Totals {
  platform: PlatformId;
  activity?: Activity;
}

export interface UserUsage extends Totals, RowExtras {
  rank: number;
  /** The merged identity: email when known, else the vendor's id or label. */
  user: string;
  email: string | null;
  /** Display names of the platforms with activity, in platform order ("Claude", "OpenAI", "Cursor"). */
  tools: string[];
  platforms: PlatformUsage[];
}

/** A row of `--by team|model|platform|day|week|month`. */
export interface GroupUsage extends Totals, RowExtras {
  rank: number;
  /** Team name, model id, platform id, `YYYY-MM-DD`, `YYYY-Www` or `YYYY-MM`. */
  key: string;
  /** Distinct people with usage in this row. */
  users: number;
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
  /** The ranked people (`--by user`, the default); empty when `by` is another dimension. */
  users: UserUsage[];
  totals: Totals & RowExtras;
  demo: boolean;
  /** Models with usage but no known price (their estimated cost counts as $0). */
  unpricedModels: string[];
  /** Absent means "user". */
  by?: Dimension;
  /** The rows when `by` is not "user". */
  groups?: GroupUsage[];
  /** With `--compare`: the period of the same length ending the day before `window.since`. */
  previousWindow?: Window;
  /** With `--activity`: rows and totals carry `activity`. */
  activity?: boolean;
  /** Facts about how the rows were formed (e.g. people in two teams), shown under the report. */
  notes?: string[];
}

/** One shown row, whatever the dimension: what the human formats draw. */
export interface ReportRow extends Totals, RowExtras {
  rank: number;
  /** The user, or the group key. */
  label: string;
  email: string | null;
  /** Distinct people in a group row; absent on user rows. */
  users?: number;
  tools: string[];
  platforms: PlatformUsage[];
}

export function reportRows(report: Report): ReportRow[] {
  if ((report.by ?? "user") === "user") return report.users.map((u) => ({ ...u, label: u.user }));
  return (report.groups ?? []).map((g) => ({ ...g, label: g.key, email: null }));
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
