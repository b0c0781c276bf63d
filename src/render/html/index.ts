import type { Report } from "../../report/report.ts";
import { version } from "../../version.ts";
import { renderJson } from "../json.ts";
import { modelChart, topChart, usageChart } from "./charts.ts";
import { compareChart } from "./compare.ts";
import { htmlDocument } from "./document.ts";
import { buildView, type HtmlExtras } from "./model.ts";
import { banner, header, notes, statuses, title, totals } from "./summary.ts";
import { leaderboard } from "./table.ts";

export type { HtmlExtras } from "./model.ts";

/**
 * The HTML report (DESIGN §1 "HTML"): one self-contained page with the window, platform statuses,
 * totals, charts drawn as SVG, and the sortable leaderboard. Every vendor string is escaped text.
 */
export function renderHtml(report: Report, extras: HtmlExtras): string {
  const view = buildView(report, { version, ...extras });
  const body = [
    header(view),
    banner(view),
    statuses(view),
    totals(view),
    `<section class="charts" aria-label="Charts">${usageChart(view)}${topChart(view)}${modelChart(view)}${compareChart(view)}</section>`,
    `<h2 id="leaderboard-title">Leaderboard</h2>`,
    `<div class="table-tools"><button type="button" id="expand-all" aria-expanded="false" hidden>Show per-platform rows</button></div>`,
    leaderboard(view),
    notes(view),
  ];
  return htmlDocument({ title: title(view), body: body.join("\n"), json: renderJson(report) });
}
