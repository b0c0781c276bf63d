import { DAY_MS } from "../../usage/days.ts";
import type { EmulatorRequest, EmulatorResponse, Handler } from "../server.ts";
import { dailyUsage } from "./daily.ts";
import type { TeamMember, UsageEvent } from "./data.ts";
import type { CursorEventSource, EventQuery } from "./source.ts";

/** The emulated Cursor Admin API (api/cursor.md §14). */
export interface CursorState {
  members: TeamMember[];
  source: CursorEventSource;
  apiKeys: ReadonlySet<string>;
  enterprise: boolean;
  rateLimit: { windowMs: number; eventsPerWindow: number; otherPerWindow: number } | false;
  retryAfterHeader: boolean;
  /** 429s sent by the rate limit (injected faults are not counted). */
  rateLimited: number;
  /** The emulator's clock: events after it have not happened yet and are not served. */
  now: () => number;
}

const STATUS_TEXT: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  429: "Too Many Requests",
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Unavailable",
};
const DEFAULT_MESSAGE: Record<number, string> = {
  401: "Invalid API key",
  403: "Enterprise access required",
  404: "Resource not found",
  429: "Rate limit exceeded. Please try again later.",
  500: "An unexpected error occurred",
};

/** Cursor's error body: `{error, message}`; the live 401 also carries `statusCode` (§8, F1). */
export function errorBody(status: number, message?: string): Record<string, unknown> {
  const body = {
    error: STATUS_TEXT[status] ?? "Error",
    message: message ?? DEFAULT_MESSAGE[status] ?? "An unexpected error occurred",
  };
  return status === 401 ? { statusCode: 401, ...body } : body;
}

const fail = (status: number, message?: string): EmulatorResponse => ({
  status,
  body: errorBody(status, message),
});

/** The key from `Basic base64(key + ":")`, or undefined; a missing colon is the classic mistake (§1). */
function keyOf(req: EmulatorRequest): string | undefined {
  const header = req.headers.authorization;
  const match = typeof header === "string" ? /^Basic\s+(\S+)$/i.exec(header) : null;
  if (!match) return undefined;
  const decoded = Buffer.from(match[1]!, "base64").toString("utf8");
  return decoded.endsWith(":") ? decoded.slice(0, -1) : undefined;
}

const isNum = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);
const isInt = (v: unknown, min: number, max = Number.MAX_SAFE_INTEGER) =>
  Number.isInteger(v) && (v as number) >= min && (v as number) <= max;

export function cursorHandler(state: CursorState): Handler {
  // Per key: the fixed window we are in and how many requests each bucket has used.
  const usage = new Map<string, { window: number; events: number; other: number }>();

  function overLimit(key: string, bucket: "events" | "other"): boolean {
    if (!state.rateLimit) return false;
    const window = Math.floor(Date.now() / state.rateLimit.windowMs);
    let u = usage.get(key);
    if (!u || u.window !== window) {
      u = { window, events: 0, other: 0 };
      usage.set(key, u);
    }
    const limit = bucket === "events" ? state.rateLimit.eventsPerWindow : state.rateLimit.otherPerWindow;
    if (u[bucket] >= limit) return true;
    u[bucket]++;
    return false;
  }

  return (req) => {
    const key = keyOf(req);
    if (key === undefined || !state.apiKeys.has(key)) return fail(401);
    if (!state.enterprise) return fail(403);
    const route = `${req.method} ${req.path.replace(/\/+$/, "")}`;
    if (overLimit(key, route === "POST /teams/filtered-usage-events" ? "events" : "other")) {
      state.rateLimited++;
      const headers: Record<string, string> = {};
      if (state.rateLimit && state.retryAfterHeader)
        headers["retry-after"] = String(Math.ceil(state.rateLimit.windowMs / 1000));
      return { status: 429, headers, body: errorBody(429) };
    }
    switch (route) {
      case "POST /teams/filtered-usage-events":
        return usageEvents(state, req.body);
      case "GET /teams/members":
        return { status: 200, body: { teamMembers: state.members.filter((m) => !m.isRemoved) } };
      case "POST /teams/daily-usage-data":
        return dailyUsageRoute(state, req.body);
      default:
        return fail(404);
    }
  };
}

function usageEvents(state: CursorState, raw: unknown): EmulatorResponse {
  const body = (raw ?? {}) as Record<string, unknown>;
  if (typeof body !== "object" || Array.isArray(body)) return fail(400, "Invalid request body");
  for (const field of ["startDate", "endDate", "page", "pageSize"])
    if (body[field] !== undefined && !isNum(body[field])) return fail(400, `${field} must be a number`);
  // The default window is not documented; the last 7 days is our guess.
  const endDate = (body.endDate as number | undefined) ?? Date.now();
  const startDate = (body.startDate as number | undefined) ?? endDate - 7 * DAY_MS;
  const page = (body.page as number | undefined) ?? 1;
  const pageSize = (body.pageSize as number | undefined) ?? 100;
  if (!isInt(page, 1)) return fail(400, "page must be a positive integer");
  // Above the documented maximum we answer 400 rather than clamp: a client relying on more is wrong.
  if (!isInt(pageSize, 1, 1000)) return fail(400, "pageSize must be between 1 and 1000");

  const query: EventQuery = { startMs: startDate, endMs: Math.min(endDate, state.now()) };
  if (typeof body.email === "string") query.email = body.email;
  if (typeof body.serviceAccountId === "string") query.serviceAccountId = body.serviceAccountId;
  const empty = (total = 0) => eventsPage(total, page, pageSize, [], startDate, endDate);
  if (body.userId !== undefined) {
    const member = state.members.find((m) => !m.isRemoved && String(m.id) === String(body.userId));
    if (!member) return empty();
    if (query.email !== undefined && query.email.trim().toLowerCase() !== member.email) return empty();
    query.email = member.email;
  }
  const total = query.startMs > query.endMs ? 0 : state.source.count(query);
  const events = total === 0 ? [] : state.source.slice(query, (page - 1) * pageSize, pageSize);
  return eventsPage(total, page, pageSize, events.map(wire), startDate, endDate);
}

function eventsPage(
  total: number,
  page: number,
  pageSize: number,
  usageEvents: UsageEvent[],
  startDate: number,
  endDate: number,
): EmulatorResponse {
  const numPages = Math.ceil(total / pageSize);
  return {
    status: 200,
    body: {
      totalUsageEventsCount: total,
      pagination: {
        numPages,
        currentPage: page,
        pageSize,
        hasNextPage: page < numPages,
        hasPreviousPage: page > 1,
      },
      usageEvents,
      period: { startDate, endDate },
    },
  };
}

/** The event as sent: `timestamp` a string, no `tokenUsage` unless the call was token-based. */
/** The event as the API sends it (the server deep-copies bodies before a `mutate` fault). */
function wire(event: UsageEvent): UsageEvent {
  const out = { ...event, timestamp: String(event.timestamp) };
  if (!out.isTokenBasedCall) delete out.tokenUsage;
  return out;
}

function dailyUsageRoute(state: CursorState, raw: unknown): EmulatorResponse {
  const body = (raw ?? {}) as Record<string, unknown>;
  if (!isNum(body.startDate) || !isNum(body.endDate)) return fail(400, "startDate and endDate are required");
  if (body.endDate < body.startDate) return fail(400, "startDate must not be after endDate");
  if (body.endDate - body.startDate > 30 * DAY_MS) return fail(400, "Date range cannot exceed 30 days");
  const paged = body.page !== undefined && body.pageSize !== undefined;
  if (paged && (!isInt(body.page, 1) || !isInt(body.pageSize, 1)))
    return fail(400, "page and pageSize must be positive integers");
  return {
    status: 200,
    body: dailyUsage(state, body.startDate, body.endDate, paged ? (body as never) : undefined),
  };
}
