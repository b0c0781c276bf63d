import { z } from "zod";

/**
 * What we need from `usage_report/claude_code` (anthropic.md §3.2), and nothing more: unknown
 * fields are allowed and fields we do not read are optional, so additive vendor changes pass while
 * a changed type on a field we sum fails loudly.
 */

const count = z.number().int().nonnegative();

/** `YYYY-MM-DD` (older docs) or an RFC 3339 timestamp at midnight UTC (current docs). */
const date = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}(?:[Tt ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|z|[+-]00:00)?)?$/, {
    message: "expected YYYY-MM-DD or an RFC 3339 UTC timestamp",
  });

/**
 * One object with checks per known type rather than a discriminated union: a new actor type stays
 * readable (reported, not fatal), and a broken known type names the missing field itself.
 */
const actor = z
  .looseObject({
    type: z.string(),
    email_address: z.unknown().optional(),
    api_key_name: z.unknown().optional(),
  })
  .superRefine((value, ctx) => {
    const need =
      value.type === "user_actor" ? "email_address" : value.type === "api_actor" ? "api_key_name" : undefined;
    if (need && typeof value[need] !== "string")
      ctx.addIssue({ code: "invalid_type", expected: "string", input: value[need], path: [need] });
  });

const modelUsage = z.looseObject({
  model: z.string(),
  tokens: z.looseObject({ input: count, output: count, cache_read: count, cache_creation: count }),
  // Integer cents per the spec; a fraction would hint the unit changed (e.g. dollars), so it fails
  // instead of producing a leaderboard that is off by a factor of 100.
  estimated_cost: z.looseObject({ amount: z.number().int(), currency: z.string().optional() }),
});

/** What Claude Code produced (DESIGN §1 activity); absent in older responses, then "not reported". */
const toolAction = z.looseObject({ accepted: count.nullish(), rejected: count.nullish() });

export const claudeCodeRecordSchema = z.looseObject({
  date,
  actor,
  core_metrics: z.looseObject({
    num_sessions: count,
    lines_of_code: z.looseObject({ added: count.nullish(), removed: count.nullish() }).nullish(),
    commits_by_claude_code: count.nullish(),
    pull_requests_by_claude_code: count.nullish(),
  }),
  tool_actions: z.record(z.string(), toolAction).nullish(),
  model_breakdown: z.array(modelUsage),
});

export const claudeCodePageSchema = z.looseObject({
  data: z.array(claudeCodeRecordSchema),
  has_more: z.boolean(),
  next_page: z.string().nullish(),
});

export type ClaudeCodeRecordBody = z.output<typeof claudeCodeRecordSchema>;
export type ClaudeCodePageBody = z.output<typeof claudeCodePageSchema>;

/** Anthropic's error body: `{ type: "error", error: { type, message } }`. */
export function errorMessage(body: unknown): string | undefined {
  const error = (body as { error?: { message?: unknown } } | null)?.error;
  return typeof error?.message === "string" ? error.message : undefined;
}
