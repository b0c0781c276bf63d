import { platformLabel } from "../platforms/registry.ts";
import { type Report, type RowExtras, reportRows, type Totals } from "../report/report.ts";
import { ACTIVITY_FIELDS, type Activity } from "../usage/types.ts";
import { nanosToFixed9 } from "./format.ts";
import { csvCell } from "./sanitize.ts";

/**
 * One row per user and platform, then that user's total row with platform `all`.
 * - cost_usd is dollars with exactly 9 decimals (`127.400000000`, `7.697765250`): the full precision
 *   of the integer nano-dollars, one shape for every platform, no float noise; the same value as the
 *   JSON `costUsd`, so platform rows re-add to the `all` row exactly.
 * - tools: the platform's label on platform rows, all labels joined with `;` on `all` rows.
 * - LF line endings (RFC 4180 says CRLF, but every spreadsheet and CSV library reads LF, and LF
 *   keeps the output friendly to shell tools); quoted cells may still contain CR/LF from the data.
 * - `--by` other than user: `key` (team, model, platform or period) and `users` (distinct people)
 *   replace `user` and `email`. `--compare` appends previous_requests/_tokens/_cost_usd (on `all`
 *   rows), `--activity` the six activity columns (empty where the vendor does not report a figure).
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
    nanosToFixed9(t.costNanos),
    String(t.costEstimated),
  ];
}

const ACTIVITY_COLUMNS =
  "lines_added,lines_removed,commits,pull_requests,suggestions_accepted,suggestions_rejected";

function header(report: Report): string {
  const grouped = report.by !== undefined && report.by !== "user";
  let h = grouped ? CSV_HEADER.replace("rank,user,email,", "rank,key,users,") : CSV_HEADER;
  if (report.previousWindow) h += ",previous_requests,previous_tokens,previous_cost_usd";
  if (report.activity) h += `,${ACTIVITY_COLUMNS}`;
  return h;
}

function extraCells(report: Report, row: RowExtras | null, activity: Activity | null | undefined): string[] {
  const out: string[] = [];
  if (report.previousWindow) {
    const p = row?.previous ?? { requests: 0, tokens: 0, costNanos: 0 };
    out.push(...(row ? [String(p.requests), String(p.tokens), nanosToFixed9(p.costNanos)] : ["", "", ""]));
  }
  if (report.activity)
    for (const f of ACTIVITY_FIELDS) out.push(activity?.[f] == null ? "" : String(activity[f]));
  return out;
}

export function renderCsv(report: Report): string {
  const lines = [header(report)];
  const grouped = report.by !== undefined && report.by !== "user";
  for (const u of reportRows(report)) {
    const who = [String(u.rank), csvCell(u.label), grouped ? String(u.users ?? 0) : csvCell(u.email ?? "")];
    for (const p of u.platforms) {
      const label = platformLabel(p.platform);
      const cells = [...who, csvCell(p.platform), ...amountCells(p), csvCell(label)];
      lines.push([...cells, ...extraCells(report, null, p.activity)].join(","));
    }
    const cells = [...who, "all", ...amountCells(u), csvCell(u.tools.join(";"))];
    lines.push([...cells, ...extraCells(report, u, u.activity)].join(","));
  }
  return `${lines.join("\n")}\n`;
}
