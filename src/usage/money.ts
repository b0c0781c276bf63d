/**
 * Money is carried as integer nano-dollars (1e-9 USD). Vendors report integer cents (Anthropic),
 * fractional cents with up to six decimals (Cursor) and per-million-token prices with up to three
 * decimals (list prices) — all of which are whole numbers of nano-dollars, so sums are exact.
 * A JS number holds integers exactly up to 2^53 nano-dollars (about $9 million) per sum.
 */
export const NANOS_PER_DOLLAR = 1_000_000_000;
const NANOS_PER_CENT = 10_000_000;

/** Cents (integer or fractional, e.g. 21.36232) → nano-dollars, rounding away float noise. */
export function centsToNanos(cents: number): number {
  return Math.round(cents * NANOS_PER_CENT);
}

/** A price in USD per 1M tokens (e.g. 0.075) → nano-dollars per token (75). */
export function perMillionToNanosPerToken(usdPerMillion: number): number {
  return Math.round(usdPerMillion * 1000 * 1e6) / 1e6;
}

/** "$127.40" style, rounded half-up to the cent from the exact integer. */
export function formatUsd(nanos: number): string {
  const cents = Math.round(nanos / NANOS_PER_CENT);
  const sign = cents < 0 ? "-" : "";
  const abs = Math.abs(cents);
  const dollars = Math.floor(abs / 100).toLocaleString("en-US");
  return `${sign}$${dollars}.${String(abs % 100).padStart(2, "0")}`;
}
