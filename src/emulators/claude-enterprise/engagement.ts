import { addDays, DAY_MS, dayStartMs, isDay, todayUtc } from "../../usage/days.ts";
import type { EmulatorRequest, EmulatorResponse } from "../server.ts";
import type { SeatActor, SeatRecord } from "./data.ts";
import { cursorOffset, type EnterpriseState, fail, hash, nextCursor } from "./state.ts";

/**
 * The engagement endpoints `/users` and `/summaries` (claude-enterprise.md §6), derived from the
 * same records. No tokens or cost here; the CLI does not read them.
 */

/** Day N−1 is aggregated at 10:00 UTC on day N. */
function latestDay(nowMs: number): string {
  const today = todayUtc(new Date(nowMs));
  return addDays(today, nowMs - dayStartMs(today) >= 10 * 3_600_000 ? -1 : -2);
}

function dateRange(req: EmulatorRequest, nowMs: number): { since: string; until: string } | string {
  const q = req.query;
  const date = q.get("date");
  const since = date ?? q.get("starting_date");
  if (since === null) return "date: Field required (or starting_date)";
  if (!isDay(since)) return "date: Input should be a valid date (YYYY-MM-DD)";
  const endParam = date === null ? q.get("ending_date") : null;
  if (endParam !== null && !isDay(endParam)) return "ending_date: Input should be a valid date (YYYY-MM-DD)";
  const until = endParam === null ? since : addDays(endParam, -1);
  if (since < "2026-01-01") return "date: data is available from 2026-01-01";
  const latest = latestDay(nowMs);
  if (until > latest) return `date: data is available up to ${latest}`;
  if (until < since) return "ending_date: must be after starting_date";
  if ((dayStartMs(until) - dayStartMs(since)) / DAY_MS + 1 > 366)
    return "ending_date: the range may be at most 366 days";
  return { since, until };
}

function inRange(records: readonly SeatRecord[], range: { since: string; until: string }) {
  return records.filter((r) => r.day >= range.since && r.day <= range.until);
}

function userRow(actor: SeatActor, rs: readonly SeatRecord[]) {
  const code = rs.filter((r) => r.product === "claude_code");
  const requests = code.reduce((n, r) => n + r.requests, 0);
  const output = code.reduce((n, r) => n + r.output, 0);
  const sessions = Math.ceil(requests / 12);
  const chat = rs.filter((r) => r.product === "chat").length;
  const cowork = rs.filter((r) => r.product === "cowork").length;
  return {
    user: { id: actor.user_id, email_address: actor.email, type: "user" },
    claude_code_metrics: {
      core_metrics: {
        commit_count: Math.floor(sessions / 3),
        pull_request_count: Math.floor(sessions / 8),
        distinct_session_count: sessions,
        lines_of_code: { added_count: Math.floor(output / 25), removed_count: Math.floor(output / 90) },
      },
      tool_actions: {
        edit_tool: { accepted_count: sessions * 3, rejected_count: sessions },
        multi_edit_tool: { accepted_count: sessions, rejected_count: 0 },
        notebook_edit_tool: { accepted_count: 0, rejected_count: 0 },
        write_tool: { accepted_count: sessions * 2, rejected_count: 0 },
      },
    },
    chat_metrics: { distinct_conversation_count: chat, message_count: chat * 6 },
    cowork_metrics: { distinct_session_count: cowork },
    web_search_count: rs.reduce((n, r) => n + r.webSearches, 0),
    last_activity_date:
      rs
        .map((r) => r.day)
        .sort()
        .at(-1) ?? null,
  };
}

/** `{data, next_page}` with no `has_more`, sorted by email; a too-recent date is a 400 naming the latest day. */
export function usersReport(req: EmulatorRequest, state: EnterpriseState): EmulatorResponse {
  const range = dateRange(req, state.now());
  if (typeof range === "string") return fail(400, range);
  const limitParam = req.query.get("limit");
  const limit = limitParam === null ? 20 : Number(limitParam);
  if (limitParam !== null && (!/^\d+$/.test(limitParam) || limit < 1 || limit > 1000))
    return fail(400, "limit: Input should be an integer between 1 and 1000");
  const rest = [...req.query.entries()].filter(([k]) => k !== "page").map(([k, v]) => `${k}=${v}`);
  const fingerprint = hash(`users?${rest.sort().join("&")}`);
  const offset = cursorOffset(req.query.get("page"), fingerprint, state);
  if (typeof offset !== "number") return offset;
  const byActor = new Map<string, { actor: SeatActor; records: SeatRecord[] }>();
  for (const r of inRange(state.records, range)) {
    const entry = byActor.get(r.actor.user_id) ?? { actor: r.actor, records: [] };
    entry.records.push(r);
    byActor.set(r.actor.user_id, entry);
  }
  const rows = [...byActor.values()]
    .map((e) => userRow(e.actor, e.records))
    .sort((a, b) => (a.user.email_address ?? "\uffff").localeCompare(b.user.email_address ?? "\uffff"));
  const data = rows.slice(offset, offset + limit);
  const end = offset + data.length;
  return {
    status: 200,
    body: { data, next_page: end < rows.length ? nextCursor(fingerprint, end, state) : null },
  };
}

/** Daily active users and seats per day, `{summaries: […]}` (or the newer `{data, next_page: null}`). */
export function summariesReport(req: EmulatorRequest, state: EnterpriseState): EmulatorResponse {
  const range = dateRange(req, state.now());
  if (typeof range === "string") return fail(400, range);
  const seats = new Set(state.records.filter((r) => !r.actor.deleted).map((r) => r.actor.user_id)).size;
  const summaries: Record<string, unknown>[] = [];
  for (let day = range.since; day <= range.until; day = addDays(day, 1)) {
    const active = (from: string) =>
      new Set(state.records.filter((r) => r.day >= from && r.day <= day).map((r) => r.actor.user_id)).size;
    summaries.push({
      starting_date: day,
      ending_date: addDays(day, 1),
      daily_active_user_count: active(day),
      weekly_active_user_count: active(addDays(day, -6)),
      monthly_active_user_count: active(addDays(day, -29)),
      assigned_seat_count: seats,
      pending_invite_count: 0,
    });
  }
  return {
    status: 200,
    body: state.summariesEnvelope === "data" ? { data: summaries, next_page: null } : { summaries },
  };
}
