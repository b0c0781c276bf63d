import { z } from "zod";

/**
 * What we read from `POST /teams/filtered-usage-events` (api/cursor.md §3.4, §13). Field types
 * changed between 2025 and 2026 and third parties report numbers sent as strings, so numbers
 * are accepted as numeric strings too; fields we do not read are optional and unknown ones pass.
 */

const NUMERIC = /^\s*-?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?\s*$/i;

/** A finite number, or a string holding one (`"1750979225854"`, `"20.18232"`). */
const num = z
  .union([z.number(), z.string().regex(NUMERIC, { message: "expected a number" })])
  .pipe(z.coerce.number<number | string>().refine(Number.isFinite, { message: "expected a finite number" }));
const count = num.pipe(z.number().int().nonnegative());
/** Optional text; `null` and missing mean the same. */
const text = z.string().nullish();

export const tokenUsageSchema = z.looseObject({
  inputTokens: count,
  outputTokens: count,
  cacheWriteTokens: count,
  cacheReadTokens: count,
  totalCents: num.nullish(),
});

export const usageEventSchema = z.looseObject({
  timestamp: count,
  userEmail: text,
  serviceAccountId: text,
  serviceAccountName: text,
  conversationId: text,
  model: text,
  kind: text,
  isTokenBasedCall: z.boolean().nullish(),
  tokenUsage: tokenUsageSchema.nullish(),
  chargedCents: num.nullish(),
  cursorTokenFee: num.nullish(),
});

export const usageEventsPageSchema = z.looseObject({
  totalUsageEventsCount: count,
  pagination: z
    .looseObject({
      numPages: count,
      hasNextPage: z.boolean().nullish(),
    })
    .nullish(),
  usageEvents: z.array(usageEventSchema),
});

export type CursorEvent = z.output<typeof usageEventSchema>;
export type UsageEventsPage = z.output<typeof usageEventsPageSchema>;
