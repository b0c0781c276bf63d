import type { Dimension, Totals } from "../../report/report.ts";
import type { Activity } from "../../usage/types.ts";
import { DIMENSION_LABELS } from "../extras.ts";
import { formatCost, formatRequests, formatTokens, nanosToUsdNumber } from "../format.ts";
import { esc, visible } from "./escape.ts";
import { metricOf, type Previous, previousMetric, type Row, type View } from "./model.ts";

/**
 * The leaderboard: one `<tbody>` per ranked row, holding its `<tr data-user=…>` (or `data-key` with
 * --by) and, hidden until asked for, one row per platform. Sorting moves whole `<tbody>`s, so a
 * row's detail travels with it. Every figure sits in a data attribute as the JSON report has it.
 */

interface Column {
  /** The data attribute the header sorts by, or null for a column that does not sort. */
  sort: string | null;
  head: string;
  numeric: boolean;
  cls?: string;
}

const ACTIVITY: Array<{ field: keyof Activity; head: string; attr: string }> = [
  { field: "linesAdded", head: "Lines +", attr: "lines-added" },
  { field: "linesRemoved", head: "Lines −", attr: "lines-removed" },
  { field: "commits", head: "Commits", attr: "commits" },
  { field: "pullRequests", head: "PRs", attr: "pull-requests" },
  { field: "suggestionsAccepted", head: "Accepted", attr: "suggestions-accepted" },
];

function columns(view: View): Column[] {
  const cols: Column[] = [
    { sort: "rank", head: "#", numeric: true },
    {
      sort: view.by ? "key" : "user",
      head: view.by ? (DIMENSION_LABELS[view.by as Dimension] ?? view.by) : "User",
      numeric: false,
    },
  ];
  if (view.by) cols.push({ sort: "people", head: "People", numeric: true });
  cols.push(
    { sort: "requests", head: "Requests", numeric: true },
    { sort: "tokens", head: "Tokens", numeric: true },
    { sort: "cost-usd", head: "Cost", numeric: true },
  );
  if (view.previousTotals) cols.push({ sort: "change", head: "Change", numeric: true });
  cols.push({ sort: null, head: "Tools", numeric: false, cls: "tools" });
  if (view.hasActivity)
    for (const a of ACTIVITY) cols.push({ sort: a.attr, head: a.head, numeric: true, cls: "activity" });
  return cols;
}

const td = (text: string, cls = "num") => `<td class="${cls}">${text}</td>`;

/** The change of the sort metric against the previous period, as a ratio (Infinity when new). */
function change(
  view: View,
  current: number,
  previous: Previous | null,
): { ratio: number | null; text: string } {
  if (!previous) return { ratio: null, text: "–" };
  const before = previousMetric(previous, view.report.sort);
  if (before === 0) return current === 0 ? { ratio: 0, text: "–" } : { ratio: null, text: "new" };
  const ratio = (current - before) / before;
  const pct = Math.round(ratio * 100);
  return { ratio, text: `${pct > 0 ? "+" : pct < 0 ? "−" : "±"}${Math.abs(pct)}%` };
}

function amountCells(t: Totals): string {
  return (
    td(formatRequests(t.requests)) +
    td(formatTokens(t.tokens)) +
    td(esc(formatCost(t.costNanos, t.costEstimated)))
  );
}

function activityCells(view: View, a: Activity | null): string {
  if (!view.hasActivity) return "";
  return ACTIVITY.map(({ field }) => {
    const v = a?.[field];
    return td(typeof v === "number" ? formatRequests(v) : "–", "num activity");
  }).join("");
}

function labelOf(view: View, id: string): string {
  return view.platforms.find((p) => p.id === id)?.label ?? id;
}

function entry(view: View, row: Row): string {
  const attrs = [
    `${view.by ? "data-key" : "data-user"}="${esc(row.key)}"`,
    `data-rank="${row.rank}"`,
    `data-requests="${row.requests}"`,
    `data-tokens="${row.tokens}"`,
    `data-cost-usd="${nanosToUsdNumber(row.costNanos)}"`,
  ];
  if (row.people !== null) attrs.push(`data-people="${row.people}"`);
  const delta = change(view, metricOf(row, view.report.sort), row.previous);
  if (view.previousTotals && delta.ratio !== null) attrs.push(`data-change="${delta.ratio}"`);
  else if (view.previousTotals && delta.text === "new") attrs.push(`data-change="Infinity"`);
  for (const a of ACTIVITY) {
    const v = row.activity?.[a.field];
    if (typeof v === "number") attrs.push(`data-${a.attr}="${v}"`);
  }
  const multi = row.platforms.length > 1;
  const toggle = multi
    ? `<button type="button" class="toggle" aria-expanded="false" title="per-platform figures">▸</button>`
    : "";
  const tools = row.platforms.map((p) => labelOf(view, p.platform)).join(", ");
  let html = `<tbody class="entry"><tr ${attrs.join(" ")}>${td(String(row.rank))}<td class="key">${toggle}<bdi>${esc(visible(row.key))}</bdi></td>`;
  if (view.by) html += td(row.people === null ? "–" : formatRequests(row.people));
  html += amountCells(row);
  if (view.previousTotals) html += td(delta.text, "num change");
  html += td(esc(tools), "tools") + activityCells(view, row.activity);
  html += "</tr>";
  if (multi)
    for (const p of row.platforms) {
      html += `<tr class="detail" hidden>${td("")}<td class="key sub">↳ ${esc(labelOf(view, p.platform))}</td>`;
      if (view.by) html += td("");
      html += amountCells(p);
      if (view.previousTotals) html += td("");
      html += td("", "tools") + activityCells(view, (p as { activity?: Activity | null }).activity ?? null);
      html += "</tr>";
    }
  return `${html}</tbody>`;
}

export function leaderboard(view: View): string {
  const cols = columns(view);
  const sortKey = view.report.sort === "cost" ? "cost-usd" : view.report.sort;
  const head = cols
    .map((c) => {
      const cls = [c.numeric ? "num" : "", c.cls ?? ""].filter(Boolean).join(" ");
      const aria = c.sort === sortKey ? ` aria-sort="descending"` : "";
      const inner = c.sort
        ? `<button type="button" data-sort="${c.sort}" data-numeric="${c.numeric}">${esc(c.head)}</button>`
        : esc(c.head);
      return `<th scope="col"${cls ? ` class="${cls}"` : ""}${aria}>${inner}</th>`;
    })
    .join("");
  const body = view.rows.map((r) => entry(view, r)).join("\n");
  const t = view.report.totals;
  let foot = `<tfoot><tr class="total">${td("")}<td class="key">All usage${view.trimmed ? ", including rows not shown" : ""}</td>`;
  if (view.by) foot += td("");
  foot += amountCells(t);
  if (view.previousTotals)
    foot += td(change(view, metricOf(t, view.report.sort), view.previousTotals).text, "num change");
  foot += td("", "tools") + activityCells(view, (t as { activity?: Activity | null }).activity ?? null);
  foot += "</tr></tfoot>";
  const caption = view.rows.length === 0 ? `<caption>No usage in this window.</caption>` : "";
  return `<div class="scroll table-wrap"><table id="leaderboard">${caption}<thead><tr>${head}</tr></thead>\n${body}\n${foot}</table></div>`;
}
