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
  const sign = nanos < 0 ? "-" : "";
  const abs = Math.abs(Math.round(nanos));
  const whole = Math.floor(abs / NANOS_PER_DOLLAR);
  let frac = String(abs % NANOS_PER_DOLLAR).padStart(9, "0");
  frac = frac.replace(/0+$/, "").padEnd(2, "0");
  return `${sign}${whole}.${frac}`;
}

/** Dollars as a JSON number, equal to the exact decimal above (so 127.4, not 127.40000000001). */
export function nanosToUsdNumber(nanos: number): number {
  return Number(nanosToDecimal(nanos));
}

/** The footnote under a table or Markdown report whose costs include estimates. */
export const ESTIMATE_FOOTNOTE = "~ estimated from list prices (OpenAI reports no per-user cost)";
