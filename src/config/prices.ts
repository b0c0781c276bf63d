import { z } from "zod";
import { createPriceLookup } from "../pricing/lookup.ts";
import type { ModelPrice } from "../pricing/types.ts";
import { UsageError } from "./errors.ts";
import { type ConfigFile, configFile, readJsonFile } from "./files.ts";

const usdPerMillion = z.number().finite().nonnegative();
const OverridesSchema = z.record(
  z.string().min(1),
  z.strictObject({
    input: usdPerMillion.optional(),
    cacheRead: usdPerMillion.optional(),
    cacheWrite: usdPerMillion.optional(),
    output: usdPerMillion.optional(),
  }),
);

/** Where overrides are read from when no path is given, and whether the user named that file. */
export function defaultPricesPath(env: NodeJS.ProcessEnv = process.env): ConfigFile {
  return configFile(env, "AI_USAGE_PRICES", "prices.json");
}

/**
 * Reads user price overrides (USD per 1M tokens), e.g.
 * `{ "gpt-5": { "input": 1.25, "cacheRead": 0.125, "cacheWrite": 1.25, "output": 10 } }`.
 * A missing default file means no overrides; a file the user named (argument or $AI_USAGE_PRICES)
 * must exist. Any problem is one UsageError line naming the file.
 */
export function loadPriceOverrides(
  path?: string,
  env: NodeJS.ProcessEnv = process.env,
): Record<string, Partial<ModelPrice>> {
  const where = path ? { path, explicit: true } : defaultPricesPath(env);
  const json = readJsonFile(where, "price file");
  if (json === undefined) return {};
  const parsed = OverridesSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const problem = issue.path.length
      ? `${issue.path.map(String).join(": ")}: ${issue.message}`
      : 'expected an object like {"model-id": {"input": 1.25, "output": 10}}';
    throw new UsageError(`price file ${where.path}: ${problem}`);
  }
  const bundled = createPriceLookup();
  for (const [model, price] of Object.entries(parsed.data)) {
    if (!bundled(model) && (price.input === undefined || price.output === undefined))
      throw new UsageError(
        `price file ${where.path}: ${model}: a model not in the bundled table needs "input" and "output"`,
      );
  }
  return parsed.data;
}
