import { z } from "zod";

/**
 * What we read from the Codex Analytics API `/usage` route. The field names come partly from
 * third-party copies of the schema, so everything but the bucket start and the turn count is
 * optional and unknown fields pass. A field we sum that has the wrong type still fails, naming the
 * field, instead of skewing the leaderboard.
 */

/** Token counters: null (or absent) means "not reported", which is not the same as 0. */
const tokens = z.number().int().nonnegative().nullish();
/** Credits are fractional. */
const credits = z.number().nonnegative().nullish();
/** Dollar amounts arrive as numbers or as decimal strings. */
const usd = z
  .union([
    z.number().nonnegative(),
    z.string().regex(/^\s*\d+(\.\d+)?([eE][+-]?\d+)?\s*$/, "a decimal number"),
  ])
  .nullish();

const tokenFields = {
  uncached_text_input_tokens: tokens,
  cached_text_input_tokens: tokens,
  text_output_tokens: tokens,
  text_total_tokens: tokens,
};
const moneyFields = { credits, cost_usd: usd, estimated_cost_usd: usd };

export const totalsSchema = z.looseObject({
  threads: z.number().int().nonnegative().nullish(),
  turns: z.number().int().nonnegative(),
  ...moneyFields,
  ...tokenFields,
});

export const clientUsageSchema = z.looseObject({
  client_id: z.string().nullish(),
  threads: z.number().int().nonnegative().nullish(),
  turns: z.number().int().nonnegative().nullish(),
  ...moneyFields,
  ...tokenFields,
});

export const modelUsageSchema = z.looseObject({
  model: z.string().nullish(),
  speed: z.string().nullish(),
  ...moneyFields,
  ...tokenFields,
});

export const usageRowSchema = z.looseObject({
  start_time: z.number().int(),
  end_time: z.number().int().nullish(),
  user_id: z.string().nullish(),
  email: z.string().nullish(),
  actor: z.looseObject({ user_id: z.string().nullish(), email: z.string().nullish() }).nullish(),
  totals: totalsSchema,
  clients: z.array(clientUsageSchema).nullish(),
  models: z.array(modelUsageSchema).nullish(),
});

export const usagePageSchema = z.looseObject({
  data: z.array(usageRowSchema),
  has_more: z.boolean(),
  next_page: z.string().nullish(),
});

export type TokenFields = { [K in keyof typeof tokenFields]?: number | null };
export type MoneyFields = {
  credits?: number | null;
  cost_usd?: number | string | null;
  estimated_cost_usd?: number | string | null;
};
export type CodexUsageRow = z.output<typeof usageRowSchema>;
export type CodexModelUsage = z.output<typeof modelUsageSchema>;
export type CodexClientUsage = z.output<typeof clientUsageSchema>;
