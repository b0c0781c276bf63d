import { z } from "zod";

/**
 * What we read from `POST /teams/filtered-usage-events` (api/cursor.md §3.4, §13). Fields we do
 * not read are optional and unknown ones are dropped; `null` and missing mean the same. The
 * timestamp is a string of epoch ms (a number is accepted too). Plain objects rather than loose
 * ones, and no unions on the hot fields: a million events must parse in about a second.
 */

const count = z.number().int().nonnegative();
const cents = z.number().nullish();
const text = z.string().nullish();
const timestamp = z.union([
  z
    .string()
    .regex(/^\d{1,16}$/, { message: "expected epoch milliseconds" })
    .transform(Number),
  count,
]);

export const tokenUsageSchema = z.object({
  inputTokens: count,
  outputTokens: count,
  cacheWriteTokens: count,
  cacheReadTokens: count,
  totalCents: cents,
});

export const usageEventSchema = z.object({
  timestamp,
  userEmail: text,
  serviceAccountId: text,
  serviceAccountName: text,
  conversationId: text,
  model: text,
  kind: text,
  tokenUsage: tokenUsageSchema.nullish(),
  chargedCents: cents,
  cursorTokenFee: cents,
});

export const usageEventsPageSchema = z.object({
  totalUsageEventsCount: count,
  pagination: z.object({ numPages: count }).nullish(),
  usageEvents: z.array(usageEventSchema),
});

export type CursorEvent = z.output<typeof usageEventSchema>;
export type UsageEventsPage = z.output<typeof usageEventsPageSchema>;
