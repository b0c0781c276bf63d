import type { PlatformStatus } from "../../report/report.ts";
import type { Activity } from "../../usage/types.ts";
import { estimateFootnote, formatCost, formatRequests, formatTokens } from "../format.ts";
import { esc } from "./escape.ts";
import { previousMetric, type View } from "./model.ts";

/** The page's header, the failed-platform banner, the platform statuses, the totals and the notes. */

export function title(view: View): string {
  const { since, until, days } = view.report.window;
  const span =
    view.report.windowMode === "days" ? `Last ${days} ${days === 1 ? "day" : "days"}` : `${since} – ${until}`;
  return `AI Coding Usage Leaderboard (${span})`;
}

const utc = (d: Date) => `${d.toISOString().slice(0, 16).replace("T", " ")} UTC`;

export function header(view: View): string {
  const { since, until, days } = view.report.window;
  const facts = [
    `${since} – ${until} (${days} UTC ${days === 1 ? "day" : "days"})`,
    `generated <time datetime="${view.generatedAt.toISOString()}">${utc(view.generatedAt)}</time>`,
    `ranked by ${view.report.sort}`,
  ];
  if (view.previousWindow)
    facts.push(`compared with ${view.previousWindow.since} – ${view.previousWindow.until}`);
  const demo = view.report.demo
    ? `<p class="demo">Demo: generated data from built-in emulators, not a real organisation.</p>`
    : "";
  return `<header><h1>${esc(title(view))}</h1><p class="meta">${facts.join(" · ")}</p>${demo}</header>`;
}

function labelOf(view: View, id: string): string {
  return view.platforms.find((p) => p.id === id)?.label ?? id;
}

/** A failed platform is named where nobody can miss it, so a partial leaderboard never looks complete. */
export function banner(view: View): string {
  const failed = view.report.platforms.filter((p) => p.status === "error");
  if (failed.length === 0) return "";
  const all = failed.length === view.report.platforms.filter((p) => p.status !== "skipped").length;
  const items = failed
    .map((p) => `<li><strong>${esc(labelOf(view, p.platform))}</strong>: ${esc(p.message ?? "failed")}</li>`)
    .join("");
  const lead = all
    ? "Every platform failed; nothing is counted."
    : "Not counted — these platforms failed, so the figures below are incomplete:";
  return `<div class="banner" id="failed-platforms" role="alert"><p>${lead}</p><ul>${items}</ul></div>`;
}

const words = (name: string) => name.replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase();

/** Counters shown in a platform's chip; the rest are named on hover, so a chip stays one short line. */
const SHOWN_COUNTERS = 2;

function statusItem(view: View, p: PlatformStatus): string {
  const counters = Object.entries(p.counters ?? {})
    .filter(([, v]) => v !== 0)
    .map(([k, v]) => `${formatRequests(v)} ${words(k)}`);
  let extra = counters.slice(0, SHOWN_COUNTERS).map(esc).join(", ");
  if (counters.length > SHOWN_COUNTERS)
    extra += ` <span class="more" title="${esc(counters.join(", "))}">and ${counters.length - SHOWN_COUNTERS} more</span>`;
  const detail = [p.message ? esc(p.message) : "", extra].filter(Boolean).join("; ");
  return `<li class="status ${p.status}" data-platform="${esc(p.platform)}" data-status="${p.status}"><span class="dot"></span><strong>${esc(labelOf(view, p.platform))}</strong> <span class="state">${p.status}</span>${detail ? ` <span class="detail">${detail}</span>` : ""}</li>`;
}

export function statuses(view: View): string {
  return `<ul class="statuses" aria-label="Platforms">${view.report.platforms.map((p) => statusItem(view, p)).join("")}</ul>`;
}

function change(before: number, now: number): string {
  if (before === 0) return now === 0 ? "no change" : "new";
  const pct = Math.round(((now - before) / before) * 100);
  return `${pct > 0 ? "+" : pct < 0 ? "−" : "±"}${Math.abs(pct)}% on the previous period`;
}

function card(label: string, value: string, note = ""): string {
  return `<div class="card stat"><div class="label">${esc(label)}</div><div class="value">${esc(value)}</div>${note ? `<div class="note">${esc(note)}</div>` : ""}</div>`;
}

export function totals(view: View): string {
  const t = view.report.totals;
  const prev = view.previousTotals;
  const note = (metric: "requests" | "tokens" | "cost", now: number) =>
    prev ? change(previousMetric(prev, metric), now) : "";
  const cards = [
    card("Requests", formatRequests(t.requests), note("requests", t.requests)),
    card("Tokens", formatTokens(t.tokens), note("tokens", t.tokens)),
    card("Cost", formatCost(t.costNanos, t.costEstimated), note("cost", t.costNanos)),
  ];
  if (!view.trimmed && !view.by) cards.push(card("People", formatRequests(view.rows.length)));
  const activity = (t as { activity?: Activity | null }).activity;
  if (activity?.linesAdded != null)
    cards.push(card("Lines added by AI", formatRequests(activity.linesAdded)));
  return `<section class="totals" aria-label="Totals">${cards.join("")}</section>`;
}

export function notes(view: View): string {
  const out: string[] = view.notes.map(esc);
  const estimated = view.report.totals.costEstimated || view.rows.some((r) => r.costEstimated);
  if (estimated) out.push(esc(estimateFootnote(view.report)));
  if (view.report.unpricedModels.length > 0)
    out.push(
      `No list price for ${view.report.unpricedModels.map(esc).join(", ")}: their estimated cost counts as $0.`,
    );
  out.push(`Made by ai-usage${view.version ? ` ${esc(view.version)}` : ""}. Days are UTC calendar days.`);
  return `<footer>${out.map((n) => `<p>${n}</p>`).join("")}</footer>`;
}
