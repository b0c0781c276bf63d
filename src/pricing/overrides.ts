import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { z } from "zod";
import { UsageError } from "../config/errors.ts";
import { createPriceLookup } from "./lookup.ts";
import type { ModelPrice } from "./types.ts";

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
export function defaultPricesPath(env: NodeJS.ProcessEnv = process.env): { path: string; explicit: boolean } {
  if (env.AI_USAGE_PRICES) return { path: env.AI_USAGE_PRICES, explicit: true };
  const config = env.XDG_CONFIG_HOME || join(homedir(), ".config");
  return { path: join(config, "ai-usage", "prices.json"), explicit: false };
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
  let text: string;
  try {
    text = readFileSync(where.path, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT" && !where.explicit) return {};
    throw new UsageError(
      `price file ${where.path}: ${code === "ENOENT" ? "not found" : `cannot read it (${code ?? (err as Error).message})`}`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    // V8 quotes the offending text, newlines included; the message must stay one line.
    const detail = (err as Error).message.replace(/\s+/g, " ");
    throw new UsageError(`price file ${where.path}: invalid JSON (${detail})`);
  }
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
