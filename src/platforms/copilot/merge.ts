import type { UserDay } from "./schema.ts";

/**
 * One person-day from the parts of a split report. GitHub splits a large day over several files
 * and one user's day can be spread over two of them (seen in the field, not documented; the
 * community viewer merges them the same way), so the parts are added up: counters summed, the
 * breakdown arrays concatenated, credits summed while any part reports them. Keyed by `user_id`,
 * which survives a login rename.
 */
export function mergeUserDays(parts: readonly UserDay[]): UserDay[] {
  const byUser = new Map<string, UserDay>();
  for (const part of parts) {
    const key = `${part.day}\u0000${part.user_id}`;
    const seen = byUser.get(key);
    byUser.set(key, seen ? addParts(seen, part) : part);
  }
  return [...byUser.values()];
}

const COUNTERS = [
  "user_initiated_interaction_count",
  "code_acceptance_activity_count",
  "loc_added_sum",
  "loc_deleted_sum",
] as const;

function addParts(a: UserDay, b: UserDay): UserDay {
  const out: UserDay = { ...a };
  for (const f of COUNTERS) if (a[f] !== undefined || b[f] !== undefined) out[f] = (a[f] ?? 0) + (b[f] ?? 0);
  const credits = [a.ai_credits_used, b.ai_credits_used].filter((c): c is number => typeof c === "number");
  out.ai_credits_used = credits.length > 0 ? credits.reduce((s, c) => s + c, 0) : a.ai_credits_used;
  out.totals_by_feature = [...(a.totals_by_feature ?? []), ...(b.totals_by_feature ?? [])];
  out.totals_by_model_feature = [...(a.totals_by_model_feature ?? []), ...(b.totals_by_model_feature ?? [])];
  const cliA = a.totals_by_cli;
  const cliB = b.totals_by_cli;
  if (cliA || cliB) {
    const sum = (x?: number, y?: number) =>
      x === undefined && y === undefined ? undefined : (x ?? 0) + (y ?? 0);
    out.totals_by_cli = {
      prompt_count: sum(cliA?.prompt_count, cliB?.prompt_count),
      token_usage: {
        prompt_tokens_sum: sum(cliA?.token_usage?.prompt_tokens_sum, cliB?.token_usage?.prompt_tokens_sum),
        output_tokens_sum: sum(cliA?.token_usage?.output_tokens_sum, cliB?.token_usage?.output_tokens_sum),
      },
    };
  }
  return out;
}
