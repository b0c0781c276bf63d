import { z } from "zod";

/**
 * What we read from the Copilot usage-metrics reports (copilot.md §3), and nothing more: unknown
 * fields pass (the schema grew month by month in 2026), while a changed type on a field we sum fails
 * naming that field.
 */

const count = z.number().int().nonnegative();
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, { message: "expected YYYY-MM-DD" });

/** `{"download_links":[…],"report_day":"YYYY-MM-DD"}` — the data itself sits behind the links. */
export const reportLinksSchema = z.looseObject({
  download_links: z.array(z.string()).optional(),
  report_day: day.optional(),
});
export type ReportLinks = z.output<typeof reportLinksSchema>;

const modelFeature = z.looseObject({
  model: z.string(),
  feature: z.string(),
  user_initiated_interaction_count: count.optional(),
  code_acceptance_activity_count: count.optional(),
  loc_added_sum: count.optional(),
  loc_deleted_sum: count.optional(),
});

/** One line of a users-1-day file: one user's day (or part of it, when GitHub split the report). */
export const userDaySchema = z.looseObject({
  day,
  user_id: z.number().int(),
  user_login: z.string().min(1),
  user_initiated_interaction_count: count.optional(),
  code_acceptance_activity_count: count.optional(),
  loc_added_sum: count.optional(),
  loc_deleted_sum: count.optional(),
  // Fractional; from 2026-06-19 on. Absent is "unknown", not 0.
  ai_credits_used: z.number().nonnegative().nullable().optional(),
  totals_by_feature: z
    .array(z.looseObject({ feature: z.string() }))
    .nullable()
    .optional(),
  totals_by_model_feature: z.array(modelFeature).nullable().optional(),
  totals_by_cli: z
    .looseObject({
      prompt_count: count.optional(),
      token_usage: z
        .looseObject({ prompt_tokens_sum: count.optional(), output_tokens_sum: count.optional() })
        .nullable()
        .optional(),
    })
    .nullable()
    .optional(),
});
export type UserDay = z.output<typeof userDaySchema>;

/** GitHub's error body: `{"message":…,"documentation_url":…,"status":"404"}`. */
export function githubMessage(body: unknown): string | undefined {
  if (!body || typeof body !== "object") return undefined;
  const message = (body as { message?: unknown }).message;
  return typeof message === "string" ? message : undefined;
}
