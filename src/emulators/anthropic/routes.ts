import { isDay, todayUtc } from "../../usage/days.ts";
import {
  decodeCursor,
  type EmulatorRequest,
  type EmulatorResponse,
  encodeCursor,
  type Handler,
} from "../server.ts";
import type { ClaudeCodeRecord } from "./data.ts";
import { directory, idPage } from "./directory.ts";

/** Behaviour of the Anthropic Admin API as anthropic.md §12 describes it. */

const ERROR_TYPES: Record<number, [type: string, message: string]> = {
  400: ["invalid_request_error", "Invalid request"],
  401: ["authentication_error", "invalid x-api-key"],
  402: ["billing_error", "Billing error"],
  403: ["permission_error", "Permission denied"],
  404: ["not_found_error", "Not found"],
  409: ["conflict_error", "Conflict"],
  413: ["request_too_large", "Request too large"],
  429: ["rate_limit_error", "Rate limited"],
  500: ["api_error", "Internal server error"],
  504: ["timeout_error", "Request timeout"],
  529: ["overloaded_error", "Overloaded"],
};

let counter = 0;
/** `req_` + 24 characters, like the vendor's ids; unique per emulator process. */
export function requestId(): string {
  counter++;
  return `req_${counter.toString(36).padStart(8, "0")}${Math.random().toString(36).slice(2, 18).padEnd(16, "0")}`;
}

export function errorBody(status: number, message?: string): unknown {
  const [type, fallback] =
    ERROR_TYPES[status] ??
    (status >= 500 ? ["api_error", "Internal server error"] : ["invalid_request_error", "Invalid request"]);
  return { type: "error", error: { type, message: message ?? fallback }, request_id: requestId() };
}

function fail(status: number, message?: string): EmulatorResponse {
  return { status, body: errorBody(status, message) };
}

export interface AnthropicState {
  records: ClaudeCodeRecord[];
  apiKeys: string[];
  now: () => Date;
}

const USAGE_PATH = "/v1/organizations/usage_report/claude_code";
const USERS_PATH = "/v1/organizations/users";
const API_KEYS_PATH = "/v1/organizations/api_keys";
const MAX_LIMIT = 1000;
const DEFAULT_LIMIT = 20;

interface Position {
  day: string;
  offset: number;
}

/**
 * Auth as the vendor does it: no key or an unknown key is 401; a real-looking non-admin Anthropic
 * key (sk-ant-api03-…) is a valid key without admin rights, hence 403. OAuth Bearer tokens are
 * checked against the same list.
 */
function checkAuth(req: EmulatorRequest, apiKeys: string[]): EmulatorResponse | undefined {
  const header = req.headers["x-api-key"];
  const bearer = /^Bearer\s+(.+)$/i.exec(String(req.headers.authorization ?? ""))?.[1];
  const key = (typeof header === "string" ? header : undefined) ?? bearer;
  if (!key) return fail(401);
  if (key.startsWith("sk-ant-") && !key.startsWith("sk-ant-admin"))
    return fail(403, "This endpoint requires an Admin API key.");
  if (!apiKeys.includes(key)) return fail(401);
  if (!req.headers["anthropic-version"]) return fail(400, "anthropic-version: header is required");
  return undefined;
}

export function anthropicHandler(state: AnthropicState): Handler {
  const byDay = new Map<string, ClaudeCodeRecord[]>();
  for (const record of state.records) {
    const day = record.date.slice(0, 10);
    const list = byDay.get(day) ?? [];
    list.push(record);
    byDay.set(day, list);
  }

  const { users, apiKeys } = directory(state.records);
  const routes: Array<[suffix: string, answer: (req: EmulatorRequest) => EmulatorResponse]> = [
    [USAGE_PATH, (req) => usageReport(req, byDay, state.now())],
    [USERS_PATH, (req) => asResponse(idPage(req, users))],
    [API_KEYS_PATH, (req) => asResponse(idPage(req, apiKeys))],
  ];

  return (req) => {
    // A proxy prefix in the base URL is tolerated by matching the end of the path.
    const path = req.path.replace(/\/+$/, "");
    const route = req.method === "GET" ? routes.find(([suffix]) => path.endsWith(suffix)) : undefined;
    if (!route) return fail(404);
    return checkAuth(req, state.apiKeys) ?? route[1](req);
  };
}

function asResponse(page: EmulatorResponse | string): EmulatorResponse {
  return typeof page === "string" ? fail(400, page) : page;
}

function usageReport(
  req: EmulatorRequest,
  byDay: Map<string, ClaudeCodeRecord[]>,
  now: Date,
): EmulatorResponse {
  const day = req.query.get("starting_at");
  if (day === null) return fail(400, "starting_at: Field required");
  if (!isDay(day)) return fail(400, "starting_at: Input should be a valid date in the format YYYY-MM-DD");

  const limitParam = req.query.get("limit");
  const limit = limitParam === null ? DEFAULT_LIMIT : Number(limitParam);
  if (limitParam !== null && (!/^\d+$/.test(limitParam) || limit < 1 || limit > MAX_LIMIT))
    return fail(400, `limit: Input should be an integer between 1 and ${MAX_LIMIT}`);

  // Only data older than an hour is served; keeping it to whole days, anything after today is empty.
  const rows = day > todayUtc(now) ? [] : (byDay.get(day) ?? []);

  let offset = 0;
  const page = req.query.get("page");
  if (page !== null && page !== "") {
    const pos = decodeCursor<Position>(page);
    if (
      !pos ||
      typeof pos !== "object" ||
      pos.day !== day ||
      !Number.isInteger(pos.offset) ||
      pos.offset < 1 ||
      pos.offset >= rows.length
    )
      return fail(400, "page: Invalid page token");
    offset = pos.offset;
  }

  // The server deep-copies the body before any "mutate" fault, so the stored records stay intact.
  const data = rows.slice(offset, offset + limit);
  const end = offset + data.length;
  const hasMore = end < rows.length;
  return {
    status: 200,
    body: { data, has_more: hasMore, next_page: hasMore ? encodeCursor({ day, offset: end }) : null },
  };
}
