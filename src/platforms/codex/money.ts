/**
 * Exact decimal money for Codex: credits and dollar amounts arrive as JSON numbers or decimal
 * strings. They are read digit by digit into integers (never multiplied as floats), kept at
 * 1e-18 USD while a person-day is split over models, and rounded to nano-dollars once per row.
 */

/** Internal unit: 1e-18 USD, so credits (up to 9 decimals) × a price (up to 9 decimals) is exact. */
export const ATTOS_PER_NANO = 1_000_000_000n;
const SCALE = 18;

/**
 * A non-negative decimal (number or string, exponent allowed) → integer count of 10^-scale units,
 * rounded half-up beyond `scale` digits; undefined when it is not such a decimal.
 */
export function decimalUnits(value: number | string, scale: number): bigint | undefined {
  const text = typeof value === "number" ? numberText(value) : value.trim();
  const m = /^(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/.exec(text);
  if (!m) return undefined;
  const digits = `${m[1]}${m[2] ?? ""}`;
  // The value is digits × 10^(exp − fraction length); shift it to `scale` decimals.
  const shift = Number(m[3] ?? 0) - (m[2]?.length ?? 0) + scale;
  if (shift >= 0) return BigInt(digits) * 10n ** BigInt(shift);
  const divisor = 10n ** BigInt(-shift);
  const whole = BigInt(digits);
  return (whole + divisor / 2n) / divisor;
}

/** The shortest decimal that reads back as this number (what the vendor most likely wrote). */
function numberText(n: number): string {
  return Number.isFinite(n) && n >= 0 ? String(n) : "";
}

/** A dollar amount → 1e-18 USD. */
export function usdToAttos(value: number | string): bigint | undefined {
  return decimalUnits(value, SCALE);
}

/** credits × (nano-dollars per credit) → 1e-18 USD, exactly for credits with up to 9 decimals. */
export function creditsToAttos(credits: number, nanosPerCredit: bigint): bigint {
  return (decimalUnits(credits, 9) ?? 0n) * nanosPerCredit;
}

/** 1e-18 USD → integer nano-dollars, half-up. */
export function attosToNanos(attos: bigint): number {
  return Number((attos + ATTOS_PER_NANO / 2n) / ATTOS_PER_NANO);
}

/** A USD-per-credit setting ("0.04") → nano-dollars per credit, or undefined when it is not a price. */
export function parseCreditPrice(text: string): bigint | undefined {
  if (!/^\s*\d*\.?\d+\s*$/.test(text) && !/^\s*\d+\.\s*$/.test(text)) return undefined;
  const normalized = text.trim().replace(/^\./, "0.").replace(/\.$/, "");
  const nanos = decimalUnits(normalized, 9);
  // Above $1,000 a credit is surely a typo (cents or a monthly figure), not a price.
  if (nanos === undefined || nanos > 1_000_000_000_000n) return undefined;
  return nanos;
}
