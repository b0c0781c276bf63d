import type { Dimension, Report, ReportRow, SortKey, Totals } from "../report/report.ts";
import type { Activity } from "../usage/types.ts";
import { formatRequests, formatTokens } from "./format.ts";

/** Cells that --by, --compare and --activity add to the human formats (table, Markdown). */

/** A figure the vendor does not report: shown as this, never as 0. */
export const NOT_REPORTED = "–";
const MINUS = "−";

export const DIMENSION_LABELS: Record<Dimension, string> = {
  user: "User",
  team: "Team",
  model: "Model",
  platform: "Platform",
  day: "Day",
  week: "Week",
  month: "Month",
};

export const firstColumn = (report: Report) => DIMENSION_LABELS[report.by ?? "user"];

const VALUE: Record<SortKey, (t: Pick<Totals, "requests" | "tokens" | "costNanos">) => number> = {
  requests: (t) => t.requests,
  tokens: (t) => t.tokens,
  cost: (t) => t.costNanos,
};

/** `+12%`, `−100%`, `0%`, `new` (nothing before), `–` (nothing either time). Whole percent, half away from 0. */
export function formatChange(current: number, previous: number): string {
  if (previous === 0) return current === 0 ? NOT_REPORTED : "new";
  const pct = Math.round((Math.abs(current - previous) * 100) / previous);
  if (pct === 0) return "0%";
  return `${current > previous ? "+" : MINUS}${pct}%`;
}

/** The Δ cell of a row for the report's sort key. */
export function changeCell(report: Report, row: ReportRow | Report["totals"]): string {
  if (!row.previous) return "";
  const value = VALUE[report.sort];
  return formatChange(value(row), value(row.previous));
}

export const ACTIVITY_HEADERS = ["Lines", "Commits", "PRs", "Accept %"];

const count = (n: number | null) => (n === null ? NOT_REPORTED : formatRequests(n));

/** Lines `+1.2K/−340`, commits, pull requests, and accepted ÷ (accepted + rejected). */
export function activityCells(a: Activity | undefined | null): string[] {
  if (!a) return ACTIVITY_HEADERS.map(() => NOT_REPORTED);
  const lines =
    a.linesAdded === null && a.linesRemoved === null
      ? NOT_REPORTED
      : `+${a.linesAdded === null ? NOT_REPORTED : formatTokens(a.linesAdded)}/${MINUS}${a.linesRemoved === null ? NOT_REPORTED : formatTokens(a.linesRemoved)}`;
  const accepted = a.suggestionsAccepted;
  const rejected = a.suggestionsRejected;
  const rate =
    accepted === null || rejected === null || accepted + rejected === 0
      ? NOT_REPORTED
      : `${Math.round((accepted * 100) / (accepted + rejected))}%`;
  return [lines, count(a.commits), count(a.pullRequests), rate];
}

/** The extra header cells, in the order `extraCells` fills them. */
export function extraHeaders(report: Report): string[] {
  return [...(report.previousWindow ? ["Δ"] : []), ...(report.activity ? ACTIVITY_HEADERS : [])];
}

/** The extra cells of a shown row (`sub` rows are one platform of a row: no Δ, their own activity). */
export function extraCells(
  report: Report,
  row: ReportRow | Report["totals"],
  platformActivity?: Activity | null,
): string[] {
  const out: string[] = [];
  if (report.previousWindow) out.push(platformActivity === undefined ? changeCell(report, row) : "");
  if (report.activity)
    out.push(...activityCells(platformActivity === undefined ? row.activity : platformActivity));
  return out;
}

/** Lines under the report: what Δ compares with, and the report's own notes. */
export function footnotes(report: Report): string[] {
  const out: string[] = [];
  const prev = report.previousWindow;
  if (prev) {
    const key = report.sort === "cost" ? "cost" : report.sort;
    out.push(
      `Δ: change in ${key} against the previous ${prev.days} ${prev.days === 1 ? "day" : "days"} (${prev.since} – ${prev.until})`,
    );
  }
  if (report.activity)
    out.push(
      `Activity: ${NOT_REPORTED} = not reported by the vendor; Accept % = accepted ÷ (accepted + rejected) suggestions`,
    );
  for (const note of report.notes ?? []) out.push(note);
  return out;
}
