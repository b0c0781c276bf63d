import { platformLabel } from "../../platforms/registry.ts";
import type { PlatformUsage, Report, SortKey, Totals, Window } from "../../report/report.ts";
import type { UsageSeries } from "../../report/series.ts";
import type { Activity, PlatformId } from "../../usage/types.ts";

/**
 * What the HTML report shows, read from the report model. `--by`, `--compare` and `--activity` add
 * optional fields to the report (JSON `by`/`groups`, `previous`, `activity`); they are read here
 * structurally, so the page shows them when a report carries them and leaves them out otherwise.
 */

/** Previous-period figures; cost in nano-dollars (or dollars, when only those are carried). */
export interface Previous {
  requests: number;
  tokens: number;
  costNanos?: number;
  costUsd?: number;
}

export interface Row extends Totals {
  rank: number;
  /** The user (or the group key with --by): exact vendor text, shown as text. */
  key: string;
  platforms: PlatformUsage[];
  /** Distinct people in a group (--by only). */
  people: number | null;
  previous: Previous | null;
  activity: Activity | null;
}

export interface Series {
  id: PlatformId;
  label: string;
  /** Colour slot, by the platform's place in the report. */
  slot: number;
}

export interface View {
  report: Report;
  /** null for the per-user leaderboard, else the --by dimension. */
  by: string | null;
  rows: Row[];
  platforms: Series[];
  previousWindow: Window | null;
  previousTotals: Previous | null;
  hasActivity: boolean;
  /** True when --top left rows out (the totals still cover them). */
  trimmed: boolean;
  /** Facts about how the rows were formed (report `notes`), shown under the leaderboard. */
  notes: string[];
  series: UsageSeries | null;
  generatedAt: Date;
  version: string;
}

export interface HtmlExtras {
  /** When the report was made (the pinned clock in tests). */
  generatedAt: Date;
  /** Per-day and per-model sums for the charts; without them those charts say so. */
  series?: UsageSeries;
  version?: string;
}

type Loose = Record<string, unknown>;
const obj = (v: unknown): Loose | null => (v && typeof v === "object" ? (v as Loose) : null);

function previousOf(v: unknown): Previous | null {
  const p = obj(obj(v)?.previous);
  return p && typeof p.requests === "number" ? (p as unknown as Previous) : null;
}

function activityOf(v: unknown): Activity | null {
  return (obj(obj(v)?.activity) as Activity | null) ?? null;
}

export function buildView(report: Report, extras: HtmlExtras): View {
  const loose = report as unknown as Loose;
  const groups = Array.isArray(loose.groups) ? (loose.groups as Loose[]) : null;
  const by = typeof loose.by === "string" && loose.by !== "user" && groups ? loose.by : null;
  const source: Loose[] = by && groups ? groups : (report.users as unknown as Loose[]);
  const rows: Row[] = source.map((r) => ({
    ...(r as unknown as Totals),
    rank: r.rank as number,
    key: String(by ? r.key : r.user),
    platforms: (r.platforms as PlatformUsage[]) ?? [],
    people: typeof r.users === "number" ? r.users : null,
    previous: previousOf(r),
    activity: activityOf(r),
  }));
  const previousWindow = (obj(loose.previousWindow) as Window | null) ?? null;
  const sum = (k: "requests" | "tokens" | "costNanos") => rows.reduce((a, r) => a + r[k], 0);
  const t = report.totals;
  return {
    report,
    by,
    rows,
    platforms: platformSeries(report),
    previousWindow,
    previousTotals: previousOf(report.totals),
    hasActivity:
      loose.activity === true ||
      rows.some((r) => r.activity !== null) ||
      obj(obj(report.totals)?.activity) !== null,
    notes: Array.isArray(loose.notes) ? loose.notes.filter((n): n is string => typeof n === "string") : [],
    // Rows may also add up to more than the totals (a person in two teams), never to less unless cut.
    trimmed: sum("requests") < t.requests || sum("tokens") < t.tokens || sum("costNanos") < t.costNanos,
    series: extras.series ?? null,
    generatedAt: extras.generatedAt,
    version: extras.version ?? "",
  };
}

/** Every platform of the report in its order, labelled as the other formats label it. */
function platformSeries(report: Report): Series[] {
  return report.platforms.map((status, slot) => ({
    id: status.platform,
    label: status.label ?? platformLabel(status.platform),
    slot,
  }));
}

/** The sort metric's value: requests, tokens, or cost in nano-dollars. */
export function metricOf(t: Pick<Totals, "requests" | "tokens" | "costNanos">, metric: SortKey): number {
  return metric === "requests" ? t.requests : metric === "tokens" ? t.tokens : t.costNanos;
}

export function previousMetric(p: Previous, metric: SortKey): number {
  if (metric !== "cost") return p[metric];
  return p.costNanos ?? Math.round((p.costUsd ?? 0) * 1e9);
}
