import { DAY_MS, dayStartMs, todayUtc } from "../../usage/days.ts";
import { decodeCursor, type EmulatorRequest, type EmulatorResponse, encodeCursor } from "../server.ts";
import type { CodexRecord, CodexUser } from "./data.ts";

/** `GET …/usage`: parameters, buckets, per-user or workspace rows, paging (codex-analytics.md §3, §4, §13). */

/** Which optional blocks the emulated workspace returns (§13 switches). */
export interface Blocks {
  /** Token fields on `totals` (some copies of the schema have them only on `clients[]`). */
  totalsTokens: boolean;
  clients: boolean;
  models: boolean;
  /** Token counters on `models[]` (one third-party copy has only credits there). */
  modelTokens: boolean;
  /** Emails at all ("when allowed" by the workspace). */
  emails: boolean;
  /** Dollar fields as decimal strings, as the internal backend types them. */
  moneyAsStrings: boolean;
  /** `code_attribution` (lines added and removed) on per-user rows. */
  codeAttribution: boolean;
}

export interface UsageState {
  records: CodexRecord[];
  users: Map<string, CodexUser>;
  blocks: Blocks;
  /** `estimated_cost_usd` = credits × this many nano-dollars; absent from rows when null. */
  overageNanosPerCredit: number | null;
  now: () => Date;
  lookback: "reject" | "clamp";
  /** Today's and yesterday's rows grow with every call until they settle. */
  unsettled: boolean;
  calls: number;
}

/** FastAPI's validation error body. */
export function validation(param: string, msg: string, type: string, input?: unknown): EmulatorResponse {
  return {
    status: 422,
    body: { detail: [{ loc: ["query", param], msg, type, ...(input === undefined ? {} : { input }) }] },
  };
}

function intParam(q: URLSearchParams, name: string): number | undefined | EmulatorResponse {
  const raw = q.get(name);
  if (raw === null) return undefined;
  if (!/^-?\d+$/.test(raw.trim()))
    return validation(
      name,
      "Input should be a valid integer, unable to parse string as an integer",
      "int_parsing",
      raw,
    );
  return Number(raw);
}
const isError = (v: unknown): v is EmulatorResponse => typeof v === "object" && v !== null;

export interface Window {
  start: number;
  end: number;
  width: "day" | "week";
  perUser: boolean;
  limit: number;
  offset: number;
}

/** Reads and checks the query; a bad value is a 422 naming the parameter. */
export function parseWindow(
  req: EmulatorRequest,
  state: UsageState,
  withGroup: boolean,
): Window | EmulatorResponse {
  const q = req.query;
  const todayStart = dayStartMs(todayUtc(state.now())) / 1000;
  const endParam = intParam(q, "end_time");
  if (isError(endParam)) return endParam;
  const startParam = intParam(q, "start_time");
  if (isError(startParam)) return startParam;
  const end = endParam ?? todayStart + 86_400;
  let start = startParam ?? end - 30 * 86_400;
  if (start >= end)
    return validation("start_time", "start_time must be before end_time", "value_error", start);
  const earliest = todayStart - (90 * DAY_MS) / 1000;
  if (start < earliest) {
    if (state.lookback === "reject")
      return validation("start_time", "start_time must be within the last 90 days", "value_error", start);
    start = earliest;
  }
  const width = q.get("group_by") ?? "day";
  if (width !== "day" && width !== "week")
    return validation("group_by", "Input should be 'day' or 'week'", "enum", width);
  const group = q.get("group");
  if (group !== null && (!withGroup || group !== "workspace"))
    return validation("group", "Input should be 'workspace'", "enum", group);
  const limit = intParam(q, "limit") ?? 1000;
  if (isError(limit)) return limit;
  if (limit < 1 || limit > 30_000)
    return validation("limit", "Input should be between 1 and 30000", "less_than_equal", limit);
  let offset = 0;
  const page = q.get("page");
  if (page !== null) {
    const pos = decodeCursor<{ q: string; o: number }>(page);
    if (!pos || pos.q !== queryKey(q) || !Number.isInteger(pos.o) || pos.o < 0)
      return validation("page", "Invalid page cursor for this query", "value_error", page);
    offset = pos.o;
  }
  return { start, end, width, perUser: group === null, limit, offset };
}

/** The query a cursor belongs to: every parameter but the cursor itself. */
function queryKey(q: URLSearchParams): string {
  return [...q.entries()]
    .filter(([k]) => k !== "page")
    .sort()
    .map(([k, v]) => `${k}=${v}`)
    .join("&");
}

/** One page of `rows` from the window's offset, in the documented envelope. */
export function page(req: EmulatorRequest, w: Window, rows: unknown[]): EmulatorResponse {
  const data = rows.slice(w.offset, w.offset + w.limit);
  const more = w.offset + data.length < rows.length;
  const next = more ? encodeCursor({ q: queryKey(req.query), o: w.offset + data.length }) : null;
  return { status: 200, body: { object: "page", data, has_more: more, next_page: next } };
}

/** Bucket start (unix s) of a day: the day itself, or its ISO week's Monday, never before the window. */
export function bucketOf(day: string, w: Window): number {
  const t = dayStartMs(day) / 1000;
  if (w.width === "day") return t;
  const weekday = (new Date(t * 1000).getUTCDay() + 6) % 7;
  return Math.max(w.start, t - weekday * 86_400);
}

export function bucketEnd(startTime: number, w: Window): number {
  if (w.width === "day") return startTime + 86_400;
  const weekday = (new Date(startTime * 1000).getUTCDay() + 6) % 7;
  return Math.min(w.end, startTime + (7 - weekday) * 86_400);
}

/** The records of the window (days after today are not in yet), scaled while unsettled. */
export function visibleRecords(state: UsageState, w: Window): CodexRecord[] {
  const today = todayUtc(state.now());
  const yesterday = new Date(dayStartMs(today) - DAY_MS).toISOString().slice(0, 10);
  const out: CodexRecord[] = [];
  for (const r of state.records) {
    const t = dayStartMs(r.day) / 1000;
    if (t < w.start || t >= w.end || r.day > today) continue;
    if (state.unsettled && (r.day === today || r.day === yesterday)) {
      const f = 1 + Math.min(state.calls, 5);
      out.push({
        ...r,
        turns: r.turns * f,
        threads: r.threads * f,
        uncached: r.uncached * f,
        cached: r.cached * f,
        output: r.output * f,
        microCredits: r.microCredits * f,
        costUsdNanos: (r.costUsdNanos ?? 0) * f,
      });
    } else out.push(r);
  }
  return out;
}
