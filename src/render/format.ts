import { PLATFORMS } from "../platforms/registry.ts";
import { type Report, reportRows } from "../report/report.ts";
import { formatUsd, NANOS_PER_DOLLAR } from "../usage/money.ts";

/** Shared number formatting for the human formats (table, markdown). */

const UNITS = ["K", "M", "B", "T"] as const;

/**
 * Tokens as `950`, `620.3K`, `2.1M`, `1.2B`. Rounds half-up to one decimal and moves to the next unit
 * when rounding would reach 1000 of the current one, so 999,950 reads `1.0M`, never `1000.0K`.
 */
export function formatTokens(n: number): string {
  if (n < 0) return `-${formatTokens(-n)}`;
  if (n < 999.5) return String(Math.round(n));
  let scale = 1000;
  for (let i = 0; i < UNITS.length; i++) {
    const tenths = Math.round(n / (scale / 10));
    if (tenths < 10_000 || i === UNITS.length - 1) {
      return `${Math.floor(tenths / 10)}.${tenths % 10}${UNITS[i]}`;
    }
    scale *= 1000;
  }
  return String(n); // unreachable: the last unit always returns
}

/** Requests with thousands separators: `1,234`. Done by hand so no ICU locale data is needed. */
export function formatRequests(n: number): string {
  const sign = n < 0 ? "-" : "";
  const digits = String(Math.abs(Math.round(n)));
  return sign + digits.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/** `$127.40`, or `~$32.40` when any part of the cost is estimated from list prices. */
export function formatCost(nanos: number, estimated: boolean): string {
  return (estimated ? "~" : "") + formatUsd(nanos);
}

/**
 * Exact decimal dollars from integer nano-dollars, with 2 to 9 decimals: `127.40`, `0.0000001`.
 * Built from the integer so no float noise (`127.40000000001`) or exponent (`1e-7`) ever shows.
 */
export function nanosToDecimal(nanos: number): string {
  const [whole, frac] = splitNanos(nanos);
  return `${whole}.${frac.replace(/0+$/, "").padEnd(2, "0")}`;
}

/**
 * Dollars with exactly 9 decimals, the full precision of a nano-dollar: `127.400000000`. The CSV
 * uses it for every cost cell, so every platform's cells have one shape and sum exactly.
 */
export function nanosToFixed9(nanos: number): string {
  const [whole, frac] = splitNanos(nanos);
  return `${whole}.${frac}`;
}

function splitNanos(nanos: number): [whole: string, frac: string] {
  const sign = nanos < 0 ? "-" : "";
  const abs = Math.abs(Math.round(nanos));
  const whole = Math.floor(abs / NANOS_PER_DOLLAR);
  return [`${sign}${whole}`, String(abs % NANOS_PER_DOLLAR).padStart(9, "0")];
}

/** Dollars as a JSON number, equal to the exact decimal above (so 127.4, not 127.40000000001). */
export function nanosToUsdNumber(nanos: number): number {
  return Number(nanosToDecimal(nanos));
}

/**
 * One line per platform that failed, `cursor: HTTP 401: Invalid API key — not counted`, for under
 * the leaderboard: a partial leaderboard must never look complete. The message is the vendor's
 * (untrusted) text; each renderer cleans it for its medium.
 */
export function failedPlatforms(report: Report): Array<{ platform: string; message: string }> {
  return report.platforms
    .filter((p) => p.status === "error")
    .map((p) => ({ platform: p.platform, message: p.message ?? "failed" }));
}

export const NOT_COUNTED = "— not counted";

/** The footnote under a table or Markdown report whose costs include estimates. */
export const ESTIMATE_FOOTNOTE = "~ estimated from list prices (OpenAI reports no per-user cost)";

/**
 * What `~` means in this report: each platform with an estimated cost says how it estimates
 * (`estimate` in its descriptor). With OpenAI alone it is the classic line above.
 */
export function estimateFootnote(report: Report): string {
  const ids = new Set<string>();
  for (const row of reportRows(report))
    for (const p of row.platforms) if (p.costEstimated) ids.add(p.platform);
  const reasons = PLATFORMS.filter((p) => ids.has(p.id) && p.estimate).map((p) => p.estimate!);
  if (reasons.length === 0 || (ids.size === 1 && ids.has("openai"))) return ESTIMATE_FOOTNOTE;
  return `~ estimated: ${reasons.join("; ")}`;
}

/** `1 day`, `3 days`, `0 rows`: a count with its noun in the right number. */
export function count(n: number, singular: string, plural = `${singular}s`): string {
  return `${formatRequests(n)} ${n === 1 ? singular : plural}`;
}
