import { z } from "zod";

/**
 * What we read from the OpenAI Admin API (openai.md §2.2, §5.1), tolerant of spec drift: unknown
 * fields pass, only `input_tokens`, `output_tokens` and `num_model_requests` are required (as in
 * every spec version), and the newer token breakdown is optional. A wrong type on a field we sum
 * fails loudly instead of skewing the leaderboard.
 */

const count = z.number().int().nonnegative();

export const completionsResultSchema = z.looseObject({
  input_tokens: count,
  output_tokens: count,
  num_model_requests: count,
  input_cached_tokens: count.nullish(),
  input_cache_write_tokens: count.nullish(),
  input_uncached_tokens: count.nullish(),
  user_id: z.string().nullish(),
  model: z.string().nullish(),
});

export const bucketSchema = z.looseObject({
  start_time: z.number().int(),
  end_time: z.number().int(),
  results: z.array(completionsResultSchema),
});

export const usagePageSchema = z.looseObject({
  data: z.array(bucketSchema),
  has_more: z.boolean(),
  next_page: z.string().nullish(),
});

/** `email` (like `name` and `role`) became nullable in newer specs. */
export const userSchema = z.looseObject({
  id: z.string(),
  email: z.string().nullish(),
});

export const userListSchema = z.looseObject({
  data: z.array(userSchema),
  has_more: z.boolean(),
  last_id: z.string().nullish(),
});

export type CompletionsResultBody = z.output<typeof completionsResultSchema>;
export type BucketBody = z.output<typeof bucketSchema>;
export type UserBody = z.output<typeof userSchema>;

/** OpenAI's error body: `{ error: { message, type, param, code } }`. */
export function errorMessage(body: unknown): string | undefined {
  const error = (body as { error?: { message?: unknown } } | null)?.error;
  return typeof error?.message === "string" ? error.message : undefined;
}
