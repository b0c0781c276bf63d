import { centsToNanos } from "../../usage/money.ts";
import { type Activity, emptyRow, type UsageRow } from "../../usage/types.ts";
import type { UserDay } from "./schema.ts";

/** Where usage without a model goes: the remainder of the per-model split, CLI tokens, credits. */
export const UNKNOWN_MODEL = "unknown";

/**
 * The same model comes in two spellings (`claude-4.6-sonnet`, `claude-sonnet-4.6`); keyed as the
 * family-first form so one model is one row.
 */
export function normalizeModel(raw: string): string {
  const model = raw.trim().toLowerCase();
  const swapped = /^claude-(\d+(?:\.\d+)?)-(opus|sonnet|haiku)(.*)$/.exec(model);
  return swapped ? `claude-${swapped[2]}-${swapped[1]}${swapped[3]}` : model || UNKNOWN_MODEL;
}

export interface NormalizeStats {
  /** User-days without `ai_credits_used` (data before 2026-06-19): cost 0. */
  withoutCredits: number;
  /** User-days whose per-model split added up to more than the user's total. */
  overSplit: number;
}

interface Part {
  requests: number;
  added: number;
  removed: number;
  accepted: number;
}

const zero = (): Part => ({ requests: 0, added: 0, removed: 0, accepted: 0 });

/**
 * Rows per (day, person, model) for one merged user-day (DESIGN §2): requests are prompts
 * (`user_initiated_interaction_count`, plus CLI prompts only when the CLI is not already a
 * feature), split by `totals_by_model_feature` with the remainder under `unknown`; tokens exist for
 * the Copilot CLI only; cost is `ai_credits_used` × $0.01, an estimate, on the `unknown` row since
 * GitHub gives no model split for it.
 */
export function normalizeUserDay(r: UserDay, email: string | null, stats: NormalizeStats): UsageRow[] {
  const identity = email ?? `github:${r.user_login.trim().toLowerCase()}`;
  const cliInFeatures = (r.totals_by_feature ?? []).some((f) => f.feature === "copilot_cli");
  const total: Part = {
    requests:
      (r.user_initiated_interaction_count ?? 0) + (cliInFeatures ? 0 : (r.totals_by_cli?.prompt_count ?? 0)),
    added: r.loc_added_sum ?? 0,
    removed: r.loc_deleted_sum ?? 0,
    accepted: r.code_acceptance_activity_count ?? 0,
  };
  const byModel = new Map<string, Part>();
  const cliModels = new Set<string>();
  for (const e of r.totals_by_model_feature ?? []) {
    const model = normalizeModel(e.model);
    if (e.feature === "copilot_cli") cliModels.add(model);
    const p = byModel.get(model) ?? zero();
    p.requests += e.user_initiated_interaction_count ?? 0;
    p.added += e.loc_added_sum ?? 0;
    p.removed += e.loc_deleted_sum ?? 0;
    p.accepted += e.code_acceptance_activity_count ?? 0;
    byModel.set(model, p);
  }
  const rest = { ...total };
  for (const p of byModel.values())
    for (const k of ["requests", "added", "removed", "accepted"] as const) rest[k] -= p[k];
  if (Object.values(rest).some((v) => v < 0)) stats.overSplit++;
  const unknown = byModel.get(UNKNOWN_MODEL) ?? zero();
  for (const k of ["requests", "added", "removed", "accepted"] as const) unknown[k] += Math.max(0, rest[k]);
  byModel.set(UNKNOWN_MODEL, unknown);

  const rows = new Map<string, UsageRow>();
  const rowFor = (model: string) => {
    let row = rows.get(model);
    if (!row) {
      row = emptyRow({ platform: "copilot", day: r.day, identity, email, model, costEstimated: false });
      row.activity = activity(r, zero());
      rows.set(model, row);
    }
    return row;
  };
  for (const [model, p] of byModel) {
    if (p.requests === 0 && p.added === 0 && p.removed === 0 && p.accepted === 0) continue;
    const row = rowFor(model);
    row.requests += p.requests;
    row.activity = activity(r, p);
  }
  const tokens = r.totals_by_cli?.token_usage;
  const input = tokens?.prompt_tokens_sum ?? 0;
  const output = tokens?.output_tokens_sum ?? 0;
  if (input > 0 || output > 0) {
    const row = rowFor(cliModels.size === 1 ? [...cliModels][0]! : UNKNOWN_MODEL);
    row.inputTokens += input;
    row.outputTokens += output;
  }
  if (typeof r.ai_credits_used === "number") {
    // 1 AI credit = $0.01, so credits are cents.
    if (r.ai_credits_used > 0) {
      // Estimated: GitHub's consumption signal, not the bill. Rows without cost have nothing to estimate.
      const row = rowFor(UNKNOWN_MODEL);
      row.costNanos += centsToNanos(r.ai_credits_used);
      row.costEstimated = true;
    }
  } else stats.withoutCredits++;
  return [...rows.values()];
}

/** DESIGN §1: lines added/removed and accepted suggestions; the rest Copilot does not report. */
function activity(r: UserDay, p: Part): Activity {
  return {
    linesAdded: r.loc_added_sum === undefined ? null : p.added,
    linesRemoved: r.loc_deleted_sum === undefined ? null : p.removed,
    commits: null,
    pullRequests: null,
    suggestionsAccepted: r.code_acceptance_activity_count === undefined ? null : p.accepted,
    suggestionsRejected: null,
  };
}
