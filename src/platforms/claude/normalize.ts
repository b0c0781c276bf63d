import { normalizeEmail } from "../../identity/email.ts";
import { centsToNanos } from "../../usage/money.ts";
import type { Activity, UsageRow } from "../../usage/types.ts";
import { addActivity, emptyActivity, emptyRow } from "../../usage/types.ts";
import type { FetchNotes } from "../types.ts";
import type { ClaudeCodeRecordBody } from "./schema.ts";

/** Model label for sessions of a record that names no model, so those sessions still count. */
export const NO_MODEL = "(none)";

interface Actor {
  identity: string;
  email: string | null;
}

function actorOf(actor: ClaudeCodeRecordBody["actor"], notes?: FetchNotes): Actor {
  if (actor.type === "user_actor") {
    const email = normalizeEmail(String(actor.email_address));
    if (email) return { identity: email, email };
    return { identity: "(unattributed)", email: null };
  }
  if (actor.type === "api_actor")
    return { identity: `api-key:${String(actor.api_key_name).trim()}`, email: null };
  // A new actor type: keep its usage under a visible label rather than dropping it.
  const warning = `claude: unknown actor type "${actor.type}"; its usage is shown as (unattributed)`;
  if (notes && !notes.warnings.includes(warning)) notes.warnings.push(warning);
  return { identity: "(unattributed)", email: null };
}

/**
 * Records → one row per (day, actor, model). An actor may have several records a day (local and
 * remote, maybe per terminal); they are summed here.
 *
 * Sessions (`num_sessions`) are counted per record, not per model. Each record's sessions go to
 * the one model row of that record with the most tokens (the first on a tie), so the sum over an
 * actor-day's rows equals the sum of its records' sessions: nothing counted twice, nothing lost.
 * A record without models but with sessions yields a row for model "(none)".
 *
 * What the record says Claude Code produced (lines, commits, pull requests, accepted and rejected
 * tool actions) goes with its sessions to that same row; the record's other model rows carry zeros,
 * so a model shows 0 rather than "not reported".
 */
export function normalizeClaudeRecords(
  records: readonly ClaudeCodeRecordBody[],
  notes?: FetchNotes,
): UsageRow[] {
  const rows = new Map<string, UsageRow>();
  const rowFor = (day: string, actor: Actor, model: string): UsageRow => {
    const key = `${day}\u0000${actor.identity}\u0000${model}`;
    let row = rows.get(key);
    if (!row) {
      row = emptyRow({
        platform: "claude",
        day,
        identity: actor.identity,
        email: actor.email,
        model,
        costEstimated: false,
      });
      rows.set(key, row);
    }
    return row;
  };

  for (const record of records) {
    const day = record.date.slice(0, 10);
    const actor = actorOf(record.actor, notes);
    const sessions = record.core_metrics.num_sessions;
    const models = record.model_breakdown;
    const activity = activityOf(record);
    if (models.length === 0) {
      if (sessions > 0 || produced(activity)) {
        const row = rowFor(day, actor, NO_MODEL);
        row.requests += sessions;
        addTo(row, activity);
      }
      continue;
    }
    let main = 0;
    models.forEach((m, i) => {
      if (tokenSum(m.tokens) > tokenSum(models[main]!.tokens)) main = i;
    });
    models.forEach((m, i) => {
      const row = rowFor(day, actor, m.model);
      if (i === main) row.requests += sessions;
      addTo(row, i === main ? activity : zerosOf(activity));
      row.inputTokens += m.tokens.input;
      row.outputTokens += m.tokens.output;
      row.cacheReadTokens += m.tokens.cache_read;
      row.cacheWriteTokens += m.tokens.cache_creation;
      row.costNanos += centsToNanos(m.estimated_cost.amount);
    });
  }
  return [...rows.values()];
}

/** DESIGN §1 activity table, `claude` row; a figure the record lacks is null (not reported). */
export function activityOf(record: ClaudeCodeRecordBody): Activity {
  const m = record.core_metrics;
  const actions = record.tool_actions ? Object.values(record.tool_actions) : null;
  const sum = (field: "accepted" | "rejected") =>
    actions ? actions.reduce((total, a) => total + (a[field] ?? 0), 0) : null;
  return {
    linesAdded: m.lines_of_code?.added ?? null,
    linesRemoved: m.lines_of_code?.removed ?? null,
    commits: m.commits_by_claude_code ?? null,
    pullRequests: m.pull_requests_by_claude_code ?? null,
    suggestionsAccepted: sum("accepted"),
    suggestionsRejected: sum("rejected"),
  };
}

function addTo(row: UsageRow, a: Activity): void {
  const target = row.activity ?? emptyActivity();
  addActivity(target, a);
  row.activity = target;
}

function produced(a: Activity): boolean {
  return Object.values(a).some((v) => v !== null && v > 0);
}

function zerosOf(a: Activity): Activity {
  const out = emptyActivity();
  for (const k of Object.keys(a) as (keyof Activity)[]) if (a[k] !== null) out[k] = 0;
  return out;
}

function tokenSum(t: ClaudeCodeRecordBody["model_breakdown"][number]["tokens"]): number {
  return t.input + t.output + t.cache_read + t.cache_creation;
}
