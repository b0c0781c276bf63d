import { platformLabel } from "../platforms/registry.ts";
import type { Report, Totals } from "../usage/report.ts";
import { nanosToDecimal } from "./format.ts";
import { csvCell } from "./sanitize.ts";

/**
 * One row per user and platform, then that user's total row with platform `all`.
 * - cost_usd is the exact decimal of the integer nano-dollars (2–9 decimals: `127.40`, `0.0000001`),
 *   the same value as the JSON `costUsd`, so platform rows re-add to the `all` row exactly.
 * - tools: the platform's label on platform rows, all labels joined with `;` on `all` rows.
 * - LF line endings (RFC 4180 says CRLF, but every spreadsheet and CSV library reads LF, and LF
 *   keeps the output friendly to shell tools); quoted cells may still contain CR/LF from the data.
 * - Every string cell goes through csvCell (quoting + formula neutralisation); numbers are written
 *   directly, so our own values never gain a `'`.
 */
export const CSV_HEADER =
  "rank,user,email,platform,requests,tokens,input_tokens,output_tokens,cache_read_tokens,cache_write_tokens,cost_usd,cost_estimated,tools";

function amountCells(t: Totals): string[] {
  return [
    String(t.requests),
    String(t.tokens),
    String(t.inputTokens),
    String(t.outputTokens),
    String(t.cacheReadTokens),
    String(t.cacheWriteTokens),
    nanosToDecimal(t.costNanos),
    String(t.costEstimated),
  ];
}

export function renderCsv(report: Report): string {
  const lines = [CSV_HEADER];
  for (const u of report.users) {
    const who = [String(u.rank), csvCell(u.user), csvCell(u.email ?? "")];
    for (const p of u.platforms) {
      const label = platformLabel(p.platform);
      lines.push([...who, csvCell(p.platform), ...amountCells(p), csvCell(label)].join(","));
    }
    lines.push([...who, "all", ...amountCells(u), csvCell(u.tools.join(";"))].join(","));
  }
  return `${lines.join("\n")}\n`;
}
