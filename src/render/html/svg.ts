import { esc, shortLabel } from "./escape.ts";

/**
 * Two chart shapes, written as static SVG by the tool: they need no script, print as drawn, scale
 * with the page, and cost a few kilobytes where a charting library would add a hundred. Colours come
 * from the stylesheet by class (`c0`…), so light and dark themes recolour them; each series is one
 * `<g class="series" data-series="…">` and every bar carries a `<title>` the browser shows on hover.
 */

export interface Segment {
  /** Colour slot of the series (the platform's place in the report). */
  slot: number;
  series: string;
  value: number;
  /** Hover text for this piece. */
  title: string;
}

export interface Column {
  /** Axis label (short), or "" to leave this column unlabelled. */
  label: string;
  segments: Segment[];
}

export interface Bar {
  label: string;
  segments: Segment[];
  /** The figure printed after the bar. */
  valueText: string;
  /** The previous period's figure, drawn as a thin bar under the current one. */
  previous?: { value: number; text: string };
}

const W = 600;

/** The colour class of a series slot; a negative slot is the previous period (drawn in grey). */
export const colourClass = (slot: number) => (slot < 0 ? "cprev" : `c${slot % 8}`);
const r1 = (n: number) => Math.round(n * 10) / 10;

/**
 * Axis steps of 1, 2 or 5 times a power of ten, about four to a chart, and never below 1: every figure
 * charted is a whole number (requests, tokens, nano-dollars).
 */
export function niceStep(max: number): number {
  if (max <= 0) return 1;
  const rough = max / 4;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= rough)!;
  return Math.max(1, step);
}

function seriesGroups(pieces: Array<{ seg: Segment; shape: string }>): string {
  const groups = new Map<string, { slot: number; shapes: string[] }>();
  for (const { seg, shape } of pieces) {
    let g = groups.get(seg.series);
    if (!g) {
      g = { slot: seg.slot, shapes: [] };
      groups.set(seg.series, g);
    }
    g.shapes.push(shape);
  }
  return [...groups]
    .sort((a, b) => a[1].slot - b[1].slot)
    .map(
      ([series, g]) =>
        `<g class="series ${colourClass(g.slot)}" data-series="${esc(series)}">${g.shapes.join("")}</g>`,
    )
    .join("");
}

const rect = (x: number, y: number, w: number, h: number, title: string) =>
  `<rect x="${r1(x)}" y="${r1(y)}" width="${r1(w)}" height="${r1(h)}"><title>${esc(title)}</title></rect>`;

function open(id: string, height: number, label: string, width = W): string {
  return `<svg id="${id}" class="chart" viewBox="0 0 ${width} ${height}" role="img" aria-label="${esc(label)}">`;
}

/** Stacked columns over time, drawn wide (the page gives them a row of their own); `axis` formats the ticks. */
export function columnChart(id: string, label: string, columns: Column[], axis: (n: number) => string) {
  const W = 900;
  const H = 230;
  const left = 52;
  const bottom = 22;
  const plotW = W - left - 6;
  const plotH = H - bottom - 10;
  const max = Math.max(0, ...columns.map((c) => c.segments.reduce((a, s) => a + s.value, 0)));
  const step = niceStep(max);
  const top = Math.max(step, Math.ceil(max / step) * step);
  const y = (v: number) => 10 + plotH - (v / top) * plotH;
  const parts: string[] = [open(id, H, label, W), '<g class="axis">'];
  for (let v = 0; v <= top + step / 2; v += step) {
    parts.push(`<line x1="${left}" x2="${W - 6}" y1="${r1(y(v))}" y2="${r1(y(v))}"/>`);
    parts.push(`<text x="${left - 6}" y="${r1(y(v) + 4)}" text-anchor="end">${esc(axis(v))}</text>`);
  }
  const colW = plotW / Math.max(1, columns.length);
  const barW = Math.max(0.6, colW * 0.78);
  columns.forEach((c, i) => {
    if (c.label)
      parts.push(
        `<text x="${r1(left + colW * i + colW / 2)}" y="${H - 6}" text-anchor="middle">${esc(c.label)}</text>`,
      );
  });
  parts.push("</g>");
  const pieces: Array<{ seg: Segment; shape: string }> = [];
  columns.forEach((c, i) => {
    let base = 0;
    for (const seg of c.segments) {
      if (seg.value <= 0) continue;
      const x = left + colW * i + (colW - barW) / 2;
      pieces.push({
        seg,
        shape: rect(x, y(base + seg.value), barW, y(base) - y(base + seg.value), seg.title),
      });
      base += seg.value;
    }
  });
  parts.push(seriesGroups(pieces), "</svg>");
  return parts.join("");
}

/** Horizontal stacked bars, one per row, labelled on the left and with the figure on the right. */
export function barChart(id: string, label: string, bars: Bar[]) {
  const compare = bars.some((b) => b.previous);
  const rowH = compare ? 30 : 22;
  const H = bars.length * rowH + 6;
  const left = 196;
  const valueW = 92;
  const plotW = W - left - valueW;
  const totals = bars.map((b) => b.segments.reduce((a, s) => a + s.value, 0));
  const max = Math.max(1e-12, ...totals, ...bars.map((b) => b.previous?.value ?? 0));
  const parts: string[] = [open(id, H, label), '<g class="axis">'];
  bars.forEach((b, i) => {
    const mid = 3 + i * rowH + (compare ? 10 : rowH / 2);
    parts.push(
      `<text x="${left - 8}" y="${r1(mid + 4)}" text-anchor="end">${esc(shortLabel(b.label, 25))}<title>${esc(b.label)}</title></text>`,
      `<text x="${r1(left + ((totals[i] ?? 0) / max) * plotW + 6)}" y="${r1(mid + 4)}">${esc(b.valueText)}</text>`,
    );
    if (b.previous) {
      const w = (b.previous.value / max) * plotW;
      parts.push(
        `<rect class="previous" x="${left}" y="${r1(mid + 8)}" width="${r1(w)}" height="5"><title>${esc(b.previous.text)}</title></rect>`,
      );
    }
  });
  parts.push("</g>");
  const pieces: Array<{ seg: Segment; shape: string }> = [];
  bars.forEach((b, i) => {
    const top = 3 + i * rowH + (compare ? 2 : 4);
    let x = left;
    for (const seg of b.segments) {
      if (seg.value <= 0) continue;
      const w = (seg.value / max) * plotW;
      pieces.push({ seg, shape: rect(x, top, w, compare ? 14 : rowH - 8, seg.title) });
      x += w;
    }
  });
  parts.push(seriesGroups(pieces), "</svg>");
  return parts.join("");
}
