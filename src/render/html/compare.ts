import type { Totals } from "../../report/report.ts";
import {
  accumulate,
  figure,
  METRIC_NAME,
  metricText,
  PREVIOUS_SERIES,
  segments,
  usedSeries,
} from "./charts.ts";
import { metricOf, previousMetric, type View } from "./model.ts";
import { type Bar, barChart } from "./svg.ts";

/** This period beside the previous one (only when the report was made with --compare). */
export function compareChart(view: View): string {
  const prev = view.previousTotals;
  const pw = view.previousWindow;
  if (!prev || !pw) return "";
  const metric = view.report.sort;
  const { since, until } = view.report.window;
  const t = view.report.totals;
  const caption = `This period and the previous one · ${METRIC_NAME[metric]}`;
  const prevValue = previousMetric(prev, metric);
  const bars: Bar[] = [
    {
      label: `${since} – ${until}`,
      segments: segments(view, totalsByPlatform(view), metric, "this period"),
      valueText: metricText(metric, metricOf(t, metric), t.costEstimated),
    },
    {
      label: `${pw.since} – ${pw.until}`,
      segments: [
        {
          slot: -1,
          series: "previous",
          value: prevValue,
          title: `previous period: ${metricText(metric, prevValue, t.costEstimated)}`,
        },
      ],
      valueText: metricText(metric, prevValue, t.costEstimated),
    },
  ];
  return figure("compare", caption, barChart("compare-chart", caption, bars), [
    ...usedSeries(view, [bars[0]!.segments]),
    PREVIOUS_SERIES,
  ]);
}

/** Each platform's sums over the window, from the per-day series when present, else from the rows. */
function totalsByPlatform(view: View): Map<string, Totals> {
  const out = new Map<string, Totals>();
  const add = (platform: string, t: Totals) => accumulate(out, platform, t);
  const { since, until } = view.report.window;
  if (view.series) {
    for (const [day, byPlatform] of view.series.byDay)
      if (day >= since && day <= until) for (const [p, t] of byPlatform) add(p, t);
  } else for (const r of view.rows) for (const p of r.platforms) add(p.platform, p);
  return out;
}
