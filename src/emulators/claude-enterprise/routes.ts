import { errorBody } from "../anthropic/routes.ts";
import type { EmulatorRequest, EmulatorResponse, Handler } from "../server.ts";
import { bucketedReport } from "./bucketed.ts";
import { summariesReport, usersReport } from "./engagement.ts";
import { parseQuery, type Report } from "./query.ts";
import { costRows, rankedGroups, wireRow } from "./rows.ts";
import {
  ANALYTICS_PREFIX,
  cursorOffset,
  EMULATED_ENTERPRISE_ORG,
  type EnterpriseState,
  fail,
  hash,
  nextCursor,
  refresh,
  stamp,
} from "./state.ts";

export { EMULATED_ENTERPRISE_ORG, type EnterpriseState, refresh } from "./state.ts";

/** The per-user reports of the Enterprise Analytics API (claude-enterprise.md §3, §4, §7, §8, §14). */

/**
 * A missing or unknown key is 401 on the cost and usage endpoints and 404 on the engagement ones;
 * a Console Admin key is 403 naming the scope it lacks.
 */
function checkAuth(req: EmulatorRequest, state: EnterpriseState, kind: Kind): EmulatorResponse | undefined {
  const header = req.headers["x-api-key"];
  const key = typeof header === "string" ? header : undefined;
  const refuse = (message: string) => (kind === "engagement" ? fail(404, "Not found") : fail(401, message));
  if (!key) return refuse("x-api-key header is required");
  if (key.startsWith("sk-ant-admin"))
    return fail(403, "Missing required scopes. Got: ['api:admin'] Needed: ['read:analytics']");
  if (!state.apiKeys.includes(key)) return refuse("invalid x-api-key");
  if (state.plan === "team") return fail(403, "The Analytics API is not available on the Team plan");
  if (!state.accessEnabled) return refuse("API access is disabled for this organization");
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

type Kind = "report" | "engagement";
type Answer = (req: EmulatorRequest, state: EnterpriseState) => EmulatorResponse;

const ROUTES: Record<string, [Kind, Answer]> = {
  [`${ANALYTICS_PREFIX}/user_usage_report`]: ["report", (req, state) => userReport(req, "usage", state)],
  [`${ANALYTICS_PREFIX}/user_cost_report`]: ["report", (req, state) => userReport(req, "cost", state)],
  [`${ANALYTICS_PREFIX}/usage_report`]: ["report", (req, state) => bucketedReport(req, "usage", state, hash)],
  [`${ANALYTICS_PREFIX}/cost_report`]: ["report", (req, state) => bucketedReport(req, "cost", state, hash)],
  [`${ANALYTICS_PREFIX}/users`]: ["engagement", usersReport],
  [`${ANALYTICS_PREFIX}/summaries`]: ["engagement", summariesReport],
};

export function enterpriseHandler(state: EnterpriseState): Handler {
  const windows = { start: 0, used: 0 };
  return (req) => {
    // A proxy prefix in the base URL is tolerated by matching the end of the path.
    const path = req.path.replace(/\/+$/, "");
    const suffix = Object.keys(ROUTES)
      .sort((a, b) => b.length - a.length)
      .find((r) => path.endsWith(r));
    if (!suffix || req.method !== "GET") return fail(404, "Not found");
    const [kind, answerFor] = ROUTES[suffix]!;
    const denied = checkAuth(req, state, kind) ?? overLimit(state, windows);
    if (denied) return denied;
    const answer = answerFor(req, state);
    if (answer.status === 200 && state.refreshAfter && --state.refreshAfter.pages <= 0) {
      const { revise } = state.refreshAfter;
      state.refreshAfter = undefined;
      refresh(state, revise);
    }
    return answer;
  };
}

function userReport(req: EmulatorRequest, kind: Report, state: EnterpriseState): EmulatorResponse {
  const q = parseQuery(req, kind, state.now(), hash);
  if (typeof q === "string") return fail(400, q);
  const offset = cursorOffset(q.page, q.fingerprint, state);
  if (typeof offset !== "number") return offset;
  const envelope = { organization_id: EMULATED_ENTERPRISE_ORG };
  if (q.startMs >= state.refreshedAt)
    return {
      status: 200,
      body: { data: [], data_refreshed_at: null, has_more: false, next_page: null, ...envelope },
    };
  const groups = rankedGroups(state.records, q, state.refreshedAt);
  if (offset > groups.length)
    return fail(400, "page: the page cursor does not match this query; start again from the first page");
  const page = groups.slice(offset, offset + q.limit);
  const data = page.flatMap((g) =>
    kind === "cost" ? costRows(g, q, state.emailField) : [wireRow(g, kind, state.emailField)],
  );
  const end = offset + page.length;
  const hasMore = end < groups.length;
  return {
    status: 200,
    body: {
      data,
      data_refreshed_at: stamp(state.refreshedAt),
      has_more: hasMore,
      next_page: hasMore ? nextCursor(q.fingerprint, end, state) : null,
      ...envelope,
    },
  };
}
