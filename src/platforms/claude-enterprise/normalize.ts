import { plural, verb } from "../../usage/plural.ts";
import { emptyRow, type UsageRow } from "../../usage/types.ts";
import type { DayRange, FetchNotes } from "../types.ts";
import { centsStringToNanos } from "./amount.ts";
import { PLATFORM } from "./client.ts";
import type { CostRowBody, UsageRowBody } from "./schema.ts";

/** Model label for rows the API reports without one. */
export const UNKNOWN_MODEL = "unknown";

type Actor = UsageRowBody["actor"];

/** Lower-cased `email_address ?? email`; deleted accounts and service accounts have neither. */
export function identityOf(actor: Actor): { identity: string; email: string | null } {
  const raw = actor.email_address ?? actor.email ?? "";
  const email = raw.trim().toLowerCase() || null;
  return { identity: email ?? `claude-user:${actor.user_id}`, email };
}

export interface JoinResult {
  rows: UsageRow[];
  /** Rows dated outside the window they were asked for (ignored). */
  outside: number;
  /** Usage rows whose `total_tokens` is not the sum of their parts. */
  totalMismatches: number;
}

/**
 * Joins a window's usage and cost rows on (user, day, model) into one row per (day, identity,
 * model). Tokens and requests come from the usage report and cost from the cost report, so nothing
 * is counted twice; a key only the cost report has keeps its cost (and its requests) rather than
 * being dropped. Rows sharing a key are summed.
 */
export function joinReports(
  usage: readonly UsageRowBody[],
  cost: readonly CostRowBody[],
  window: DayRange,
): JoinResult {
  const rows = new Map<string, UsageRow>();
  const usageKeys = new Set<string>();
  let outside = 0;
  let totalMismatches = 0;

  const rowFor = (r: UsageRowBody | CostRowBody): UsageRow | undefined => {
    const day = r.starting_at.slice(0, 10);
    if (day < window.since || day > window.until) {
      outside++;
      return undefined;
    }
    const { identity, email } = identityOf(r.actor);
    const model = r.model ?? UNKNOWN_MODEL;
    const key = `${day}\u0000${identity}\u0000${model}`;
    let row = rows.get(key);
    if (!row) {
      row = emptyRow({ platform: PLATFORM, day, identity, email, model, costEstimated: false });
      rows.set(key, row);
    }
    return row;
  };
  const joinKey = (r: UsageRowBody | CostRowBody) =>
    `${r.actor.user_id}\u0000${r.starting_at.slice(0, 10)}\u0000${r.model ?? UNKNOWN_MODEL}`;

  for (const u of usage) {
    const row = rowFor(u);
    if (!row) continue;
    usageKeys.add(joinKey(u));
    const cacheWrite =
      u.cache_creation.ephemeral_5m_input_tokens + u.cache_creation.ephemeral_1h_input_tokens;
    row.requests += u.requests ?? 0;
    row.inputTokens += u.uncached_input_tokens;
    row.cacheReadTokens += u.cache_read_input_tokens;
    row.cacheWriteTokens += cacheWrite;
    row.outputTokens += u.output_tokens;
    const parts = u.uncached_input_tokens + u.cache_read_input_tokens + cacheWrite + u.output_tokens;
    if (u.total_tokens !== undefined && u.total_tokens !== parts) totalMismatches++;
  }
  for (const c of cost) {
    const row = rowFor(c);
    if (!row) continue;
    row.costNanos += centsStringToNanos(c.amount);
    if (!usageKeys.has(joinKey(c))) row.requests += c.requests ?? 0;
  }
  return { rows: [...rows.values()], outside, totalMismatches };
}

/** Turns a join's side findings into one warning each. */
export function noteJoin(result: JoinResult, window: DayRange, notes: FetchNotes): void {
  const label = `${window.since}…${window.until}`;
  if (result.outside > 0)
    notes.warnings.push(
      `${PLATFORM}: the API returned ${plural(result.outside, "row")} outside ${label}; ignored`,
    );
  if (result.totalMismatches > 0)
    notes.warnings.push(
      `${PLATFORM}: ${plural(result.totalMismatches, "row")} in ${label} ${verb(result.totalMismatches, "has", "have")} a total_tokens that is not the sum of the token fields; the fields were summed`,
    );
}
