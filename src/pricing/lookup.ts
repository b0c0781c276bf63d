import { perMillionToNanosPerToken } from "../usage/money.ts";
import table from "./prices.json" with { type: "json" };
import type { ModelPrice } from "./types.ts";

export type PriceLookup = (model: string) => ModelPrice | undefined;

export interface TokenCounts {
  inputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  outputTokens: number;
}

/** The bundled table flattened over vendors (model ids do not collide across vendors). */
export const BUNDLED_PRICES: Readonly<Record<string, ModelPrice>> = Object.freeze(
  Object.assign({}, ...Object.values(table.vendors).map((v) => v.models)),
);
const ALIASES: Readonly<Record<string, string>> = table.aliases;

/** Snapshot suffixes: OpenAI `-YYYY-MM-DD`, Anthropic `-YYYYMMDD`. */
export function stripDate(model: string): string {
  return model.replace(/-\d{4}-\d{2}-\d{2}$/, "").replace(/-\d{8}$/, "");
}

/** Ids to try, in order. Whole ids only: `gpt-5-mini` never falls back to `gpt-5`. */
function candidates(model: string): string[] {
  const id = model.trim().toLowerCase();
  const undated = stripDate(id);
  const out = [id, undated, ALIASES[id], ALIASES[undated]];
  return out.filter((c, i): c is string => !!c && out.indexOf(c) === i);
}

function firstHit<T>(map: Readonly<Record<string, T>>, ids: string[]): T | undefined {
  for (const id of ids) if (Object.hasOwn(map, id)) return map[id];
  return undefined;
}

/**
 * Price lookup over the bundled table plus user overrides: exact id, then the id without its
 * date suffix, then aliases. An override changes only the fields it names and may add models
 * (a new model needs input and output; cache prices default to the input price).
 */
export function createPriceLookup(overrides: Record<string, Partial<ModelPrice>> = {}): PriceLookup {
  const own: Record<string, Partial<ModelPrice>> = {};
  for (const [id, price] of Object.entries(overrides)) own[id.trim().toLowerCase()] = price;
  return (model) => {
    const ids = candidates(model);
    const base = firstHit(BUNDLED_PRICES, ids);
    const override = firstHit(own, ids);
    if (!override) return base;
    const input = override.input ?? base?.input;
    const output = override.output ?? base?.output;
    if (input === undefined || output === undefined) return undefined;
    return {
      input,
      output,
      cacheRead: override.cacheRead ?? base?.cacheRead ?? input,
      cacheWrite: override.cacheWrite ?? base?.cacheWrite ?? input,
    };
  };
}

/** tokens × list price in integer nano-dollars; the sum is rounded once per row. */
export function estimateCostNanos(tokens: TokenCounts, price: ModelPrice): number {
  return Math.round(
    tokens.inputTokens * perMillionToNanosPerToken(price.input) +
      tokens.cacheReadTokens * perMillionToNanosPerToken(price.cacheRead) +
      tokens.cacheWriteTokens * perMillionToNanosPerToken(price.cacheWrite) +
      tokens.outputTokens * perMillionToNanosPerToken(price.output),
  );
}
