import { z } from "zod";

/**
 * What we read from `user_usage_report` and `user_cost_report` (claude-enterprise.md §3.2, §4).
 * Unknown fields pass, fields we do not read are optional, and a changed type on a field we sum
 * fails with that field's path.
 */

const count = z.number().int().nonnegative();

/** A daily bucket starts at UTC midnight; we ask for `bucket_width=1d`, so anything else is drift. */
const bucketStart = z.string().regex(/^\d{4}-\d{2}-\d{2}T00:00:00(?:\.0+)?(?:Z|z|\+00:00)$/, {
  message: "expected an RFC 3339 timestamp at UTC midnight",
});

/** Decimal string of cents, e.g. "41280.000000"; a number would mean the format changed. */
const cents = z.string().regex(/^-?\d+(?:\.\d+)?$/, { message: "expected a decimal string of cents" });

/** The email moved from `email` to `email_address`; either may be present, both may be null. */
const actor = z.looseObject({
  type: z.string().optional(),
  user_id: z.string().min(1),
  email_address: z.string().nullish(),
  email: z.string().nullish(),
});

const row = {
  actor,
  starting_at: bucketStart,
  model: z.string().nullish(),
  requests: count.nullish(),
};

export const usageRowSchema = z.looseObject({
  ...row,
  uncached_input_tokens: count,
  cache_read_input_tokens: count,
  cache_creation: z.looseObject({ ephemeral_5m_input_tokens: count, ephemeral_1h_input_tokens: count }),
  output_tokens: count,
  total_tokens: count.optional(),
});

export const costRowSchema = z.looseObject({
  ...row,
  amount: cents,
  currency: z.literal("USD").optional(),
});

const page = <T extends z.ZodType>(item: T) =>
  z.looseObject({
    data: z.array(item),
    has_more: z.boolean(),
    next_page: z.string().nullish(),
    data_refreshed_at: z.string().nullish(),
    organization_id: z.string().optional(),
  });

export const usagePageSchema = page(usageRowSchema);
export const costPageSchema = page(costRowSchema);

export type UsageRowBody = z.output<typeof usageRowSchema>;
export type CostRowBody = z.output<typeof costRowSchema>;

/** The vendor's message from Anthropic's error envelope `{type:"error", error:{type, message}}`. */
export function errorMessage(body: unknown): string | undefined {
  const error = (body as { error?: { message?: unknown } } | null)?.error;
  return typeof error?.message === "string" ? error.message : undefined;
}
