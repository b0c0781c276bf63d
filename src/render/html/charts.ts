import type { SortKey, Totals } from "../../report/report.ts";
import { addDays, dayStartMs, daysBetween } from "../../usage/days.ts";
import { formatCost, formatRequests, formatTokens } from "../format.ts";
import { esc } from "./escape.ts";
import { metricOf, previousMetric, type Row, type Series, type View } from "./model.ts";
import { type Bar, barChart, type Column, colourClass, columnChart, type Segment } from "./svg.ts";

/** The report's charts: usage over time by platform, the top rows, cost by model, and the periods compared. */

const TOP_BARS = 10;
const TOP_MODELS = 8;
const NANOS = 1e9;

export const METRIC_NAME: Record<SortKey, string> = { requests: "requests", tokens: "tokens", cost: "cost" };

export function metricText(metric: SortKey, value: number, estimated: boolean): string {
  if (metric === "requests") return formatRequests(value);
  if (metric === "tokens") return formatTokens(value);
  return formatCost(value, estimated);
}

function axisText(metric: SortKey): (n: number) => string {
  if (metric !== "cost") return formatTokens;
  return (n) =>
    n < 10 * NANOS && n % NANOS !== 0 ? `$${(n / NANOS).toFixed(2)}` : `$${formatTokens(n / NANOS)}`;
}

export function figure(id: string, caption: string, body: string, series: Series[]): string {
  const legend = series
    .map((s) => `<li><span class="swatch ${colourClass(s.slot)}"></span>${esc(s.label)}</li>`)
    .join("");
  return `<figure class="card" id="${id}-figure"><figcaption>${esc(caption)}</figcaption><div class="scroll">${body}</div>${legend ? `<ul class="legend">${legend}</ul>` : ""}</figure>`;
}

/** Adds the charted figures of `t` into `map`'s entry for `key`. */
export function accumulate(map: Map<string, Totals>, key: string, t: Totals): void {
  let sum = map.get(key);
  if (!sum) {
    sum = { ...t, requests: 0, tokens: 0, costNanos: 0, costEstimated: false };
    map.set(key, sum);
  }
  sum.requests += t.requests;
  sum.tokens += t.tokens;
  sum.costNanos += t.costNanos;
  sum.costEstimated ||= t.costEstimated;
}

/** The grey of the previous period, for legends. */
export const PREVIOUS_SERIES: Series = { id: "previous", label: "previous period", slot: -1 };

export const empty = (text: string) => `<p class="empty">${esc(text)}</p>`;

export function segments(
  view: View,
  parts: Map<string, Totals> | Array<{ platform: string } & Totals>,
  metric: SortKey,
  what: string,
) {
  const byId = parts instanceof Map ? parts : new Map(parts.map((p) => [p.platform, p]));
  const out: Segment[] = [];
  for (const s of view.platforms) {
    const t = byId.get(s.id);
    if (!t) continue;
    const value = metricOf(t, metric);
    const text = metricText(metric, value, t.costEstimated);
    out.push({ slot: s.slot, series: s.id, value, title: `${what} · ${s.label}: ${text}` });
  }
  return out;
}

/** Platforms with a non-zero piece somewhere in the chart, for its legend. */
export function usedSeries(view: View, all: Segment[][]): Series[] {
  const used = new Set(
    all
      .flat()
      .filter((s) => s.value > 0)
      .map((s) => s.series),
  );
  return view.platforms.filter((p) => used.has(p.id));
}

type Bucket = "day" | "week" | "month";

function bucketOf(day: string, bucket: Bucket): string {
  if (bucket === "day") return day;
  if (bucket === "month") return day.slice(0, 7);
  const weekday = new Date(dayStartMs(day)).getUTCDay();
  return addDays(day, -((weekday + 6) % 7)); // the Monday starting its week
}

/** Usage per day (per week or month over long windows, so bars stay visible), stacked by platform. */
export function usageChart(view: View): string {
  const metric = view.report.sort;
  const { since, until } = view.report.window;
  const days = daysBetween(since, until);
  const bucket: Bucket = days.length <= 92 ? "day" : days.length <= 730 ? "week" : "month";
  const caption = `Usage per ${bucket} by platform · ${METRIC_NAME[metric]}`;
  if (!view.series)
    return figure("usage", caption, empty("Per-day figures are not part of this report."), []);
  const buckets = new Map<string, Map<string, Totals>>();
  for (const day of days) {
    const key = bucketOf(day, bucket);
    if (!buckets.has(key)) buckets.set(key, new Map());
    const into = buckets.get(key)!;
    for (const [platform, t] of view.series.byDay.get(day) ?? []) accumulate(into, platform, t);
  }
  const keys = [...buckets.keys()];
  const every = Math.ceil(keys.length / 12);
  const columns: Column[] = keys.map((key, i) => ({
    label: i % every === 0 ? (bucket === "month" ? key : key.slice(5)) : "",
    segments: segments(view, buckets.get(key)!, metric, bucket === "week" ? `week of ${key}` : key),
  }));
  const used = usedSeries(
    view,
    columns.map((c) => c.segments),
  );
  if (used.length === 0) return figure("usage", caption, empty("No usage in this window."), []);
  return figure("usage", caption, columnChart("usage-chart", caption, columns, axisText(metric)), used);
}

const DIM_NAMES: Record<string, string> = {
  team: "teams",
  model: "models",
  platform: "platforms",
  day: "days",
  week: "weeks",
  month: "months",
};

/** The first rows of the leaderboard as bars, with the previous period under each when compared. */
export function topChart(view: View): string {
  const metric = view.report.sort;
  const what = view.by ? (DIM_NAMES[view.by] ?? view.by) : "people";
  const caption = `Top ${what} · ${METRIC_NAME[metric]}`;
  const rows = view.rows.slice(0, TOP_BARS);
  const bars: Bar[] = rows.map((r: Row) => {
    const bar: Bar = {
      label: r.key,
      segments: segments(view, r.platforms, metric, r.key),
      valueText: metricText(metric, metricOf(r, metric), r.costEstimated),
    };
    if (r.previous) {
      const value = previousMetric(r.previous, metric);
      bar.previous = {
        value,
        text: `${r.key} · previous period: ${metricText(metric, value, r.costEstimated)}`,
      };
    }
    return bar;
  });
  const used = usedSeries(
    view,
    bars.map((b) => b.segments),
  );
  if (used.length === 0) return figure("top", caption, empty("No usage in this window."), []);
  const legend = bars.some((b) => b.previous) ? [...used, PREVIOUS_SERIES] : used;
  return figure("top", caption, barChart("top-chart", caption, bars), legend);
}

/** Cost per model, stacked by platform; the long tail folded into one bar. */
export function modelChart(view: View): string {
  const caption = "Cost by model";
  if (!view.series)
    return figure("models", caption, empty("Per-model figures are not part of this report."), []);
  const models = [...view.series.byModel].map(([model, byPlatform]) => {
    let cost = 0;
    let estimated = false;
    for (const t of byPlatform.values()) {
      cost += t.costNanos;
      estimated ||= t.costEstimated;
    }
    return { model, byPlatform, cost, estimated };
  });
  models.sort((a, b) => b.cost - a.cost || (a.model < b.model ? -1 : 1));
  const shown = models.length > TOP_MODELS + 1 ? models.slice(0, TOP_MODELS) : models;
  const rest = models.slice(shown.length);
  const bars: Bar[] = shown.map((m) => ({
    label: m.model,
    segments: segments(view, m.byPlatform, "cost", m.model),
    valueText: formatCost(m.cost, m.estimated),
  }));
  if (rest.length > 0) {
    const merged = new Map<string, Totals>();
    for (const m of rest) for (const [p, t] of m.byPlatform) accumulate(merged, p, t);
    const label = `${rest.length} other models`;
    bars.push({
      label,
      segments: segments(view, merged, "cost", label),
      valueText: formatCost(
        rest.reduce((a, m) => a + m.cost, 0),
        rest.some((m) => m.estimated),
      ),
    });
  }
  const used = usedSeries(
    view,
    bars.map((b) => b.segments),
  );
  if (used.length === 0) return figure("models", caption, empty("No cost in this window."), []);
  return figure("models", caption, barChart("models-chart", caption, bars), used);
}
