import { createHash } from "node:crypto";
import { errorBody } from "../anthropic/routes.ts";
import {
  decodeCursor,
  type EmulatorRequest,
  type EmulatorResponse,
  encodeCursor,
  type Handler,
} from "../server.ts";
import type { SeatRecord } from "./data.ts";
import { parseQuery, type Report } from "./query.ts";
import { type EmailField, rankedGroups, wireRow } from "./rows.ts";

/** The per-user reports of the Enterprise Analytics API (claude-enterprise.md §3, §4, §7, §8, §14). */

export const ANALYTICS_PREFIX = "/v1/organizations/analytics";
export const EMULATED_ENTERPRISE_ORG = "org_01EmuLatedEnterpriseOrg";

export interface EnterpriseState {
  /** What the API counts; revisions change it in place, then `refresh()`. */
  records: SeatRecord[];
  apiKeys: string[];
  /** "team": the plan has no Analytics API. */
  plan: "enterprise" | "team";
  /** The owner's "API access" switch; off makes every request fail. */
  accessEnabled: boolean;
  emailField: EmailField;
  rateLimit: { windowMs: number; perWindow: number } | false;
  rateLimited: number;
  /** Export generation: a refresh invalidates every outstanding cursor. */
  generation: number;
  /** The last export (epoch ms): `data_refreshed_at`, and no usage after it is served. */
  refreshedAt: number;
  /** Refresh after this many more answered report pages (a refresh in mid-sequence). */
  refreshAfter?: { pages: number; revise?: (records: SeatRecord[]) => void };
  now: () => number;
}

interface Position {
  f: string;
  o: number;
  g: number;
}

const ROUTES: Record<string, Report> = {
  [`${ANALYTICS_PREFIX}/user_usage_report`]: "usage",
  [`${ANALYTICS_PREFIX}/user_cost_report`]: "cost",
};

const fail = (status: number, message: string): EmulatorResponse => ({
  status,
  body: errorBody(status, message),
});
const hash = (s: string) => createHash("sha256").update(s).digest("base64url").slice(0, 16);

/** A new export: new values may be served, and every cursor handed out so far expires. */
export function refresh(state: EnterpriseState, revise?: (records: SeatRecord[]) => void): void {
  revise?.(state.records);
  state.generation++;
  state.refreshedAt = Math.max(state.now(), state.refreshedAt + 60_000);
}

function checkAuth(req: EmulatorRequest, state: EnterpriseState): EmulatorResponse | undefined {
  const header = req.headers["x-api-key"];
  const key = typeof header === "string" ? header : undefined;
  if (!key) return fail(401, "x-api-key header is required");
  if (key.startsWith("sk-ant-admin"))
    return fail(403, "Missing required scopes. Got: ['api:admin'] Needed: ['read:analytics']");
  if (!state.apiKeys.includes(key)) return fail(401, "invalid x-api-key");
  if (state.plan === "team") return fail(403, "The Analytics API is not available on the Team plan");
  if (!state.accessEnabled) return fail(401, "API access is disabled for this organization");
  return undefined;
}

/** A fixed window per organisation, shared by every key and endpoint. */
function overLimit(
  state: EnterpriseState,
  windows: { start: number; used: number },
): EmulatorResponse | undefined {
  if (!state.rateLimit) return undefined;
  const { windowMs, perWindow } = state.rateLimit;
  const now = Date.now();
  const start = Math.floor(now / windowMs) * windowMs;
  if (windows.start !== start) {
    windows.start = start;
    windows.used = 0;
  }
  if (windows.used < perWindow) {
    windows.used++;
    return undefined;
  }
  state.rateLimited++;
  const seconds = Math.max(1, Math.ceil((start + windowMs - now) / 1000));
  return {
    status: 429,
    headers: { "retry-after": String(seconds) },
    body: errorBody(
      429,
      `Rate limit of ${perWindow} requests per ${windowMs / 1000} s exceeded for this organization`,
    ),
  };
}

export function enterpriseHandler(state: EnterpriseState): Handler {
  const windows = { start: 0, used: 0 };
  return (req) => {
    // A proxy prefix in the base URL is tolerated by matching the end of the path.
    const path = req.path.replace(/\/+$/, "");
    const suffix = Object.keys(ROUTES).find((r) => path.endsWith(r));
    if (!suffix || req.method !== "GET") return fail(404, "Not found");
    const denied = checkAuth(req, state) ?? overLimit(state, windows);
    if (denied) return denied;
    const answer = report(req, ROUTES[suffix]!, state);
    if (answer.status === 200 && state.refreshAfter && --state.refreshAfter.pages <= 0) {
      const { revise } = state.refreshAfter;
      state.refreshAfter = undefined;
      refresh(state, revise);
    }
    return answer;
  };
}

function report(req: EmulatorRequest, kind: Report, state: EnterpriseState): EmulatorResponse {
  const q = parseQuery(req, kind, state.now(), hash);
  if (typeof q === "string") return fail(400, q);
  let offset = 0;
  if (q.page !== null && q.page !== "") {
    const pos = decodeCursor<Position>(q.page);
    if (!pos || typeof pos !== "object" || pos.f !== q.fingerprint || !Number.isInteger(pos.o) || pos.o < 1)
      return fail(400, "page: the page cursor does not match this query; start again from the first page");
    if (pos.g !== state.generation)
      return fail(
        410,
        "page: the page cursor has expired because the data was refreshed; start again from the first page",
      );
    offset = pos.o;
  }
  const envelope = { organization_id: EMULATED_ENTERPRISE_ORG };
  if (q.startMs >= state.refreshedAt)
    return {
      status: 200,
      body: { data: [], data_refreshed_at: null, has_more: false, next_page: null, ...envelope },
    };
  const groups = rankedGroups(state.records, q, req.query.get("bucket_width") !== null, state.refreshedAt);
  if (offset > groups.length)
    return fail(400, "page: the page cursor does not match this query; start again from the first page");
  const data = groups.slice(offset, offset + q.limit).map((g) => wireRow(g, kind, state.emailField));
  const end = offset + data.length;
  const hasMore = end < groups.length;
  return {
    status: 200,
    body: {
      data,
      data_refreshed_at: new Date(state.refreshedAt).toISOString().replace(".000Z", "Z"),
      has_more: hasMore,
      next_page: hasMore ? encodeCursor({ f: q.fingerprint, o: end, g: state.generation }) : null,
      ...envelope,
    },
  };
}
