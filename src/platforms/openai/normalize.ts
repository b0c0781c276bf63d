import { estimateCostNanos, type PriceLookup } from "../../pricing/lookup.ts";
import { dayOf } from "../../usage/days.ts";
import type { UsageRow } from "../../usage/types.ts";
import { emptyRow } from "../../usage/types.ts";
import type { BucketBody, CompletionsResultBody } from "./schema.ts";

/** Identity of usage that no user can be tied to (service-account or untracked keys). */
export const UNATTRIBUTED = "(unattributed)";
export const UNKNOWN_MODEL = "(unknown)";

/**
 * Splits OpenAI's token fields into our four disjoint counts. `input_tokens` already contains
 * cached and cache-write tokens (openai.md §2.2), so they are taken out of it, never added on top.
 * The newer `input_uncached_tokens` wins when present.
 */
export function splitTokens(r: CompletionsResultBody) {
  const cacheReadTokens = r.input_cached_tokens ?? 0;
  const cacheWriteTokens = r.input_cache_write_tokens ?? 0;
  const inputTokens =
    r.input_uncached_tokens ?? Math.max(0, r.input_tokens - cacheReadTokens - cacheWriteTokens);
  return { inputTokens, cacheReadTokens, cacheWriteTokens, outputTokens: r.output_tokens };
}

export interface NormalizeContext {
  /** Resolved email of a user id, or null. */
  emailOf: (userId: string) => string | null;
  prices: PriceLookup;
}

/** Complete buckets → one row per (day, user id, model); duplicates within a bucket are summed. */
export function normalizeBuckets(buckets: readonly BucketBody[], ctx: NormalizeContext): UsageRow[] {
  const rows = new Map<string, UsageRow>();
  for (const bucket of buckets) {
    const day = dayOf(bucket.start_time * 1000);
    for (const result of bucket.results) {
      const identity = result.user_id ?? UNATTRIBUTED;
      const model = result.model ?? UNKNOWN_MODEL;
      const key = `${day}\u0000${identity}\u0000${model}`;
      let row = rows.get(key);
      if (!row) {
        row = emptyRow({
          platform: "openai",
          day,
          identity,
          email: result.user_id ? ctx.emailOf(result.user_id) : null,
          model,
          costEstimated: true,
        });
        rows.set(key, row);
      }
      const tokens = splitTokens(result);
      row.requests += result.num_model_requests;
      row.inputTokens += tokens.inputTokens;
      row.outputTokens += tokens.outputTokens;
      row.cacheReadTokens += tokens.cacheReadTokens;
      row.cacheWriteTokens += tokens.cacheWriteTokens;
      const price = ctx.prices(model);
      // No known price: the cost stays 0 and the report names the model once.
      if (price) row.costNanos += estimateCostNanos(tokens, price);
    }
  }
  return [...rows.values()];
}
