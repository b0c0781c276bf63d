import { platformLabel } from "../platforms/registry.ts";
import type { Report, Totals } from "../usage/report.ts";
import { ESTIMATE_FOOTNOTE, formatCost, formatRequests, formatTokens } from "./format.ts";
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

export function renderMarkdown(report: Report): string {
  const lines = [title(report), ""];
  if (report.users.length === 0) {
    lines.push("No usage in this window.");
    return `${lines.join("\n")}\n`;
  }
  lines.push(row(["#", "User", "Requests", "Tokens", "Cost", "Tools"]), "|--:|:--|--:|--:|--:|:--|");
  let estimated = false;
  for (const u of report.users) {
    estimated ||= u.costEstimated;
    lines.push(row([String(u.rank), markdownCell(u.user), ...numbers(u), markdownCell(u.tools.join(", "))]));
    if (u.platforms.length < 2) continue;
    for (const p of u.platforms) {
      estimated ||= p.costEstimated;
      const label = `↳ ${markdownCell(platformLabel(p.platform))}`;
      lines.push(row(["", label, ...numbers(p), ""]));
    }
  }
  if (estimated) lines.push("", ESTIMATE_FOOTNOTE);
  return `${lines.join("\n")}\n`;
}
