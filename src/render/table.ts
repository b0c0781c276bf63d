import pc from "picocolors";
import { platformLabel } from "../platforms/registry.ts";
import { type Report, type ReportRow, reportRows } from "../report/report.ts";
import { extraCells, extraHeaders, firstColumn, footnotes } from "./extras.ts";
import {
  estimateFootnote,
  failedPlatforms,
  formatCost,
  formatRequests,
  formatTokens,
  NOT_COUNTED,
} from "./format.ts";
import { cleanForTerminal } from "./sanitize.ts";
import { displayWidth, padEnd, padStart, truncate, wrapTokens } from "./text.ts";

export interface TableOptions {
  width: number;
  color: boolean;
}

/**
 * Layouts from widest to narrowest. The person comes first: the User column is cut only when nothing
 * else gives way.
 * 1. the seed's layout: 2-space indent, 3-space gaps, Tools column; when the users do not fit in
 *    full, the Tools column is shortened (cut with `…`, at least `MIN_TOOLS` columns) and then dropped
 *    (the per-platform sub-rows still say where usage came from);
 * 2. compact: no Tools column, the User column cut to no less than `minUser` columns;
 * 3. tight: no indent, 1-space gaps, `Reqs` header; sub-rows are dropped too if the User column is
 *    then narrower than a sub-row label (`  Cursor`). Best effort below ~25 columns.
 * A width of Infinity (piped, no COLUMNS) cuts nothing.
 */
interface Layout {
  indent: number;
  gap: number;
  tools: boolean;
  requestsLabel: string;
  minUser: number;
}
const LAYOUTS: Layout[] = [
  { indent: 2, gap: 3, tools: true, requestsLabel: "Requests", minUser: Number.POSITIVE_INFINITY },
  { indent: 2, gap: 3, tools: false, requestsLabel: "Requests", minUser: 12 },
  { indent: 0, gap: 1, tools: false, requestsLabel: "Reqs", minUser: 1 },
];
/** Narrower than this, a shortened Tools column says too little to keep ("Claude, O…"). */
const MIN_TOOLS = 10;
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
  /** Δ and activity cells (--compare, --activity), right-aligned after Cost. */
  extra: string[];
}

function rowsFor(report: Report, u: ReportRow): Row[] {
  const rows: Row[] = [
    {
      sub: false,
      rank: String(u.rank),
      user: cleanForTerminal(u.label),
      requests: formatRequests(u.requests),
      tokens: formatTokens(u.tokens),
      cost: formatCost(u.costNanos, u.costEstimated),
      tools: cleanForTerminal(u.tools.join(", ")),
      extra: extraCells(report, u),
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
        extra: extraCells(report, u, p.activity ?? null),
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
  const width =
    opts.width === Number.POSITIVE_INFINITY
      ? opts.width
      : Number.isFinite(opts.width) && opts.width >= 1
        ? Math.floor(opts.width)
        : 80;
  const c = pc.createColors(opts.color);
  const out: string[] = wrapTokens(titleTokens(report), width).map((l) => c.bold(l));

  const allRows = reportRows(report).flatMap((r) => rowsFor(report, r));
  if (allRows.length === 0) {
    const rule = c.dim("═".repeat(Math.min(width, MIN_RULE_WIDTH)));
    const everyFailed =
      report.platforms.some((p) => p.status === "error") && !report.platforms.some((p) => p.status === "ok");
    const text = everyFailed ? "  No usage to show: every platform failed." : "  No usage in this window.";
    out.push(rule, truncate(text, width), rule, ...failureLines(report, width, c));
    return `${out.join("\n")}\n`;
  }

  // Pick the layout, the User column width and the room left for Tools.
  const natural = Math.max(displayWidth(firstColumn(report)), widest(allRows.map((r) => r.user)));
  let layout = LAYOUTS[LAYOUTS.length - 1]!;
  let userW = 1;
  let toolsW = 0;
  let rows = allRows;
  for (const candidate of LAYOUTS) {
    // Everything but the User and Tools columns.
    const avail = width - fixedWidth({ ...candidate, tools: false }, allRows, report);
    layout = candidate;
    if (candidate.tools) {
      const tools = Math.max(displayWidth("Tools"), widest(allRows.map((r) => r.tools)));
      const room = avail - natural - candidate.gap;
      if (room < Math.min(tools, MIN_TOOLS)) continue;
      userW = natural;
      toolsW = Math.min(tools, room);
      break;
    }
    userW = Math.max(1, Math.min(natural, avail));
    if (avail >= Math.min(natural, candidate.minUser)) break;
  }
  if (userW < SUB_ROW_LABEL_WIDTH) rows = allRows.filter((r) => !r.sub);

  const header = headerRow(layout, report);
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
    r.extra.forEach((cell, i) => {
      s += gap + padStart(cell, w.extra[i] ?? 0);
    });
    if (layout.tools && r.tools) s += gap + truncate(r.tools, toolsW);
    // A sub-row's empty Δ cell would leave trailing blanks.
    return r.extra.length > 0 ? s.trimEnd() : s;
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
    for (const l of wrapTokens(estimateFootnote(report).split(" "), width)) out.push(c.dim(l));
  }
  for (const note of footnotes(report))
    for (const l of wrapTokens(cleanForTerminal(note).split(" "), width)) out.push(c.dim(l));
  out.push(...failureLines(report, width, c));
  return `${out.join("\n")}\n`;
}

/** `! cursor: HTTP 401: Invalid API key — not counted`, wrapped to the width, for each failed platform. */
function failureLines(report: Report, width: number, c: ReturnType<typeof pc.createColors>): string[] {
  return failedPlatforms(report).flatMap(({ platform, message }) => {
    const words = `! ${cleanForTerminal(platform)}: ${cleanForTerminal(message)} ${NOT_COUNTED}`.split(/ +/);
    return wrapTokens(words, width).map((l) => c.yellow(l));
  });
}

function headerRow(layout: Layout, report: Report): Row {
  const labels = { rank: "#", user: firstColumn(report), tokens: "Tokens", cost: "Cost", tools: "Tools" };
  return { sub: false, ...labels, requests: layout.requestsLabel, extra: extraHeaders(report) };
}

function columnWidths(layout: Layout, rows: Row[]) {
  return {
    rank: widest(rows.map((r) => r.rank)),
    requests: widest(rows.map((r) => r.requests)),
    tokens: widest(rows.map((r) => r.tokens)),
    cost: widest(rows.map((r) => r.cost)),
    tools: layout.tools ? widest(rows.map((r) => r.tools)) : 0,
    extra: (rows[0]?.extra ?? []).map((_, i) => widest(rows.map((r) => r.extra[i] ?? ""))),
  };
}

/** Everything on a line except the User column. */
function fixedWidth(layout: Layout, rows: Row[], report: Report): number {
  const w = columnWidths(layout, [headerRow(layout, report), ...rows]);
  const extra = w.extra.reduce((sum, x) => sum + x + layout.gap, 0);
  const columns = w.rank + w.requests + w.tokens + w.cost + extra + (layout.tools ? w.tools + layout.gap : 0);
  return layout.indent + columns + 4 * layout.gap;
}
