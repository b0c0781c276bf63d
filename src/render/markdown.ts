import { platformLabel } from "../platforms/registry.ts";
import { type Report, reportRows, type Totals } from "../report/report.ts";
import { extraCells, extraHeaders, firstColumn, footnotes } from "./extras.ts";
import {
  estimateFootnote,
  failedPlatforms,
  formatCost,
  formatRequests,
  formatTokens,
  NOT_COUNTED,
} from "./format.ts";
import { markdownCell } from "./sanitize.ts";

/**
 * A GitHub table of the leaderboard, mirroring the terminal table: a multi-platform user gets one
 * extra row per platform (`↳ Claude`, empty rank and tools) so the breakdown survives a paste into an
 * issue or PR. Vendor strings go through markdownCell; our own numbers need no escaping.
 */
function title(report: Report): string {
  const { since, until, days } = report.window;
  const span =
    report.windowMode === "days" ? `Last ${days} ${days === 1 ? "day" : "days"}` : `${since} – ${until}`;
  return `### AI Coding Usage Leaderboard (${span})`;
}

const numbers = (t: Totals) => [
  formatRequests(t.requests),
  formatTokens(t.tokens),
  formatCost(t.costNanos, t.costEstimated),
];
const row = (cells: string[]) => `| ${cells.join(" | ")} |`;

/** A list item per failed platform, so a partial leaderboard never looks complete. */
function failures(report: Report): string[] {
  const failed = failedPlatforms(report);
  if (failed.length === 0) return [];
  return [
    "",
    ...failed.map((f) => `- ! ${markdownCell(f.platform)}: ${markdownCell(f.message)} ${NOT_COUNTED}`),
  ];
}

export function renderMarkdown(report: Report): string {
  const lines = [title(report), ""];
  if (reportRows(report).length === 0) {
    const everyFailed =
      report.platforms.some((p) => p.status === "error") && !report.platforms.some((p) => p.status === "ok");
    lines.push(everyFailed ? "No usage to show: every platform failed." : "No usage in this window.");
    lines.push(...failures(report));
    return `${lines.join("\n")}\n`;
  }
  const extra = extraHeaders(report);
  lines.push(
    row(["#", firstColumn(report), "Requests", "Tokens", "Cost", ...extra, "Tools"]),
    `|--:|:--|--:|--:|--:|${extra.map(() => "--:|").join("")}:--|`,
  );
  let estimated = false;
  for (const u of reportRows(report)) {
    estimated ||= u.costEstimated;
    const tools = markdownCell(u.tools.join(", "));
    lines.push(row([String(u.rank), markdownCell(u.label), ...numbers(u), ...extraCells(report, u), tools]));
    if (u.platforms.length < 2) continue;
    for (const p of u.platforms) {
      estimated ||= p.costEstimated;
      const label = `↳ ${markdownCell(platformLabel(p.platform))}`;
      lines.push(row(["", label, ...numbers(p), ...extraCells(report, u, p.activity ?? null), ""]));
    }
  }
  if (estimated) lines.push("", estimateFootnote(report));
  for (const note of footnotes(report)) lines.push("", markdownCell(note));
  lines.push(...failures(report));
  return `${lines.join("\n")}\n`;
}
