/**
 * `amount` is a decimal string of US cents ("41280.000000" = $412.80). One cent is 10^7
 * nano-dollars, so up to seven decimals of a cent convert exactly with integer arithmetic; further
 * digits (not seen in practice) round half away from zero. No binary float touches the value.
 */
const DECIMAL = /^(-?)(\d+)(?:\.(\d+))?$/;
const NANO_DIGITS = 7;

export function centsStringToNanos(amount: string): number {
  const match = DECIMAL.exec(amount.trim());
  if (!match) throw new RangeError(`not a decimal number of cents: ${JSON.stringify(amount.slice(0, 40))}`);
  const [, sign, whole, fraction = ""] = match;
  const kept = fraction.slice(0, NANO_DIGITS).padEnd(NANO_DIGITS, "0");
  let nanos = BigInt(whole!) * 10n ** BigInt(NANO_DIGITS) + BigInt(kept);
  if ((fraction[NANO_DIGITS] ?? "0") >= "5") nanos += 1n;
  const value = sign === "-" ? -nanos : nanos;
  if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < -BigInt(Number.MAX_SAFE_INTEGER))
    throw new RangeError(`amount too large to sum exactly: ${amount.slice(0, 40)}`);
  return Number(value);
}
