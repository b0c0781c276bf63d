import pc from "picocolors";
import { platformLabel } from "../platforms/registry.ts";
import type { Report, UserUsage } from "../usage/report.ts";
import { ESTIMATE_FOOTNOTE, formatCost, formatRequests, formatTokens } from "./format.ts";
import { cleanForTerminal } from "./sanitize.ts";
import { displayWidth, padEnd, padStart, truncate, wrapTokens } from "./text.ts";

export interface TableOptions {
  width: number;
  color: boolean;
}

/**
 * Layouts from widest to narrowest; the first that leaves the User column at least `minUser`
 * columns (or its natural width, if smaller) wins:
 * 1. the seed's layout: 2-space indent, 3-space gaps, Tools column;
 * 2. compact: the Tools column is dropped (the per-platform sub-rows still say where usage came from);
 * 3. tight: no indent, 1-space gaps, `Reqs` header; sub-rows are dropped too if the User column is
 *    then narrower than a sub-row label (`  Cursor`). Best effort below ~25 columns.
 */
interface Layout {
  indent: number;
  gap: number;
  tools: boolean;
  requestsLabel: string;
  minUser: number;
}
const LAYOUTS: Layout[] = [
  { indent: 2, gap: 3, tools: true, requestsLabel: "Requests", minUser: 16 },
  { indent: 2, gap: 3, tools: false, requestsLabel: "Requests", minUser: 12 },
  { indent: 0, gap: 1, tools: false, requestsLabel: "Reqs", minUser: 1 },
];
const SUB_ROW_LABEL_WIDTH = 8;
/** The seed's rules are 80 wide on an 80-column terminal even though its rows are narrower. */
const MIN_RULE_WIDTH = 80;

interface Row {
  sub: boolean;
  rank: string;
  user: string;
  requests: string;
  tokens: string;
  cost: string;
  tools: string;
}

function rowsFor(u: UserUsage): Row[] {
  const rows: Row[] = [
    {
      sub: false,
      rank: String(u.rank),
      user: cleanForTerminal(u.user),
      requests: formatRequests(u.requests),
      tokens: formatTokens(u.tokens),
      cost: formatCost(u.costNanos, u.costEstimated),
      tools: cleanForTerminal(u.tools.join(", ")),
    },
  ];
  // Sub-rows only say something when a person used more than one platform.
  if (u.platforms.length > 1) {
    for (const p of u.platforms) {
      rows.push({
        sub: true,
        rank: "",
        user: `  ${cleanForTerminal(platformLabel(p.platform))}`,
        requests: formatRequests(p.requests),
        tokens: formatTokens(p.tokens),
        cost: formatCost(p.costNanos, p.costEstimated),
        tools: "",
      });
    }
  }
  return rows;
}

const widest = (values: string[]) => values.reduce((w, v) => Math.max(w, displayWidth(v)), 0);

function titleTokens(report: Report): string[] {
  const { since, until, days } = report.window;
  const span =
    report.windowMode === "days" ? `(Last ${days} ${days === 1 ? "day" : "days"})` : `(${since} – ${until})`;
  return ["AI", "Coding", "Usage", "Leaderboard", span];
}

export function renderTable(report: Report, opts: TableOptions): string {
  const width = Number.isFinite(opts.width) && opts.width >= 1 ? Math.floor(opts.width) : 80;
  const c = pc.createColors(opts.color);
  const out: string[] = wrapTokens(titleTokens(report), width).map((l) => c.bold(l));

  const allRows = report.users.flatMap(rowsFor);
  if (allRows.length === 0) {
    const rule = c.dim("═".repeat(Math.min(width, MIN_RULE_WIDTH)));
    out.push(rule, truncate("  No usage in this window.", width), rule);
    return `${out.join("\n")}\n`;
  }

  // Pick the layout and the User column width.
  let layout = LAYOUTS[LAYOUTS.length - 1]!;
  let userW = 1;
  let rows = allRows;
  for (const candidate of LAYOUTS) {
    const fixed = fixedWidth(candidate, allRows);
    const natural = Math.max(displayWidth("User"), widest(allRows.map((r) => r.user)));
    const avail = width - fixed;
    layout = candidate;
    userW = Math.max(1, Math.min(natural, avail));
    if (avail >= Math.min(natural, candidate.minUser)) break;
  }
  if (userW < SUB_ROW_LABEL_WIDTH) rows = allRows.filter((r) => !r.sub);

  const header = headerRow(layout);
  const w = columnWidths(layout, [header, ...rows]);
  const gap = " ".repeat(layout.gap);
  const line = (r: Row): string => {
    let s =
      " ".repeat(layout.indent) +
      padStart(r.rank, w.rank) +
      gap +
      padEnd(truncate(r.user, userW), userW) +
      gap +
      padStart(r.requests, w.requests) +
      gap +
      padStart(r.tokens, w.tokens) +
      gap +
      padStart(r.cost, w.cost);
    if (layout.tools && r.tools) s += gap + r.tools;
    return s;
  };

  const headerLine = line(header);
  const body = rows.map(line);
  const tableW = widest([headerLine, ...body]);
  const ruleW = Math.min(width, Math.max(MIN_RULE_WIDTH, tableW));
  const heavy = c.dim("═".repeat(ruleW));
  out.push(heavy, c.bold(headerLine), c.dim("─".repeat(ruleW)));
  rows.forEach((r, i) => {
    out.push(r.sub ? c.dim(body[i]!) : body[i]!);
  });
  out.push(heavy);
  if (rows.some((r) => r.cost.startsWith("~"))) {
    for (const l of wrapTokens(ESTIMATE_FOOTNOTE.split(" "), width)) out.push(c.dim(l));
  }
  return `${out.join("\n")}\n`;
}

function headerRow(layout: Layout): Row {
  const labels = { rank: "#", user: "User", tokens: "Tokens", cost: "Cost", tools: "Tools" };
  return { sub: false, ...labels, requests: layout.requestsLabel };
}

function columnWidths(layout: Layout, rows: Row[]) {
  return {
    rank: widest(rows.map((r) => r.rank)),
    requests: widest(rows.map((r) => r.requests)),
    tokens: widest(rows.map((r) => r.tokens)),
    cost: widest(rows.map((r) => r.cost)),
    tools: layout.tools ? widest(rows.map((r) => r.tools)) : 0,
  };
}

/** Everything on a line except the User column. */
function fixedWidth(layout: Layout, rows: Row[]): number {
  const w = columnWidths(layout, [headerRow(layout), ...rows]);
  const columns = w.rank + w.requests + w.tokens + w.cost + (layout.tools ? w.tools + layout.gap : 0);
  return layout.indent + columns + 4 * layout.gap;
}
