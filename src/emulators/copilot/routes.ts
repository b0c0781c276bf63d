import { addDays, isDay, todayUtc } from "../../usage/days.ts";
import type { EmulatorRequest, EmulatorResponse, Handler } from "../server.ts";
import type { UserDayRecord } from "./data.ts";
import { graphqlAnswer } from "./graphql.ts";
import { splitDay } from "./split.ts";
import type { CopilotState } from "./state.ts";
import { userTeamRows } from "./teams.ts";

/** GitHub's REST behaviour for the Copilot reports (copilot.md §12). */

export const ORG_START = "2025-12-12";
export const ENTERPRISE_START = "2025-10-10";

export function errorBody(status: number, message?: string): unknown {
  const fallback: Record<number, string> = {
    400: "Bad Request",
    401: "Bad credentials",
    403: "Forbidden",
    404: "Not Found",
    422: "Validation Failed",
    429: "Too Many Requests",
  };
  return {
    message: message ?? fallback[status] ?? "Server Error",
    documentation_url: "https://docs.github.com/rest",
    status: String(status),
  };
}

export const fail = (
  status: number,
  message?: string,
  headers?: Record<string, string>,
): EmulatorResponse => ({
  status,
  body: errorBody(status, message),
  headers,
});

const REPORT = /\/(orgs|enterprises)\/([^/]+)\/copilot\/metrics\/reports\/(users|user-teams)-1-day$/;
const LEGACY = /\/copilot\/(metrics|usage)$/;
const USER = /\/users\/([^/]+)$/;

export function copilotHandler(state: CopilotState): Handler {
  return (req) => {
    const path = req.path.replace(/\/+$/, "");
    if (!req.headers["user-agent"])
      return fail(
        403,
        "Request forbidden by administrative rules. Please make sure your request has a User-Agent header",
      );
    const version = req.headers["x-github-api-version"];
    if (version !== undefined && version !== "2022-11-28" && version !== "2026-03-10")
      return fail(400, `The requested API version '${String(version)}' is not supported`);
    const auth = /^(?:Bearer|token)\s+(\S+)$/i.exec(String(req.headers.authorization ?? ""));
    if (!auth) return fail(401, "Requires authentication");
    const scopes = state.tokens.get(auth[1]!);
    if (!scopes) return fail(401, "Bad credentials");
    const graphql = path.endsWith("/graphql") && req.method === "POST";
    const limit = rateHeaders(state, auth[1]!, graphql ? "graphql" : "core");
    if (limit.exhausted)
      return fail(
        403,
        "API rate limit exceeded for user ID 1. If you reach out to GitHub Support for help, please include the request ID.",
        limit.headers,
      );
    const sl = state.secondaryLimit;
    if (sl && ++sl.seen % sl.every === 0)
      return fail(
        sl.status,
        "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID.",
        {
          ...limit.headers,
          ...(sl.retryAfter === undefined ? {} : { "retry-after": String(sl.retryAfter) }),
        },
      );
    if (scopes.includes("sso-unauthorized"))
      return fail(
        403,
        "Resource protected by organization SAML enforcement. You must grant your Personal Access token access to this organization.",
        {
          ...limit.headers,
          "x-github-sso": "required; url=https://github.com/orgs/acme-corp/sso?authorization_request=EMU",
        },
      );
    const fineGrained = auth[1]!.startsWith("github_pat_");
    const headers: Record<string, string> = { ...limit.headers };
    if (!fineGrained) headers["x-oauth-scopes"] = scopes.join(", ");
    const answer = graphql
      ? { status: 200, body: graphqlAnswer(state, scopes, req.body) }
      : req.method !== "GET"
        ? fail(404)
        : route(state, scopes, req, path);
    return { ...answer, headers: { ...headers, ...answer.headers } };
  };
}

function route(state: CopilotState, scopes: string[], req: EmulatorRequest, path: string): EmulatorResponse {
  if (LEGACY.test(path)) return fail(404);
  const report = REPORT.exec(path);
  if (report)
    return dayReport(
      state,
      scopes,
      req,
      report[1] === "orgs" ? "org" : "enterprise",
      decodeURIComponent(report[2]!),
      report[3] === "users" ? "users" : "user-teams",
    );
  const user = USER.exec(path);
  if (user) {
    const login = decodeURIComponent(user[1]!).toLowerCase();
    const u = state.data.users.find((x) => x.login.toLowerCase() === login);
    if (!u) return fail(404);
    return {
      status: 200,
      body: {
        login: u.login,
        id: u.userId,
        type: "User",
        name: u.person.name,
        email: state.data.publicEmails.get(u.login) ?? null,
      },
    };
  }
  return fail(404);
}

/** users-1-day, or user-teams-1-day for the same days (teams of the users with data that day). */
function dayReport(
  state: CopilotState,
  scopes: string[],
  req: EmulatorRequest,
  kind: "org" | "enterprise",
  name: string,
  report: "users" | "user-teams",
): EmulatorResponse {
  const accepted = kind === "org" ? "read:org" : "manage_billing:copilot, read:enterprise";
  if (scopes.includes("fine-grained") && !scopes.includes("copilot_metrics"))
    return fail(403, "Resource not accessible by personal access token", {
      "x-accepted-github-permissions": "organization_copilot_metrics=read",
    });
  // GitHub hides what a token may not see: a missing scope looks like a missing organisation.
  const allowed =
    kind === "org"
      ? scopes.includes("read:org") || scopes.includes("copilot_metrics")
      : scopes.some((s) => s === "read:enterprise" || s === "manage_billing:copilot");
  const exists = kind === "org" ? name.toLowerCase() === state.data.org : name === state.data.enterprise;
  if (!allowed || !exists) return fail(404, undefined, { "x-accepted-oauth-scopes": accepted });
  if (!state.policyEnabled)
    return fail(
      state.policyStatus,
      `Copilot usage metrics are disabled for this ${kind === "org" ? "organization" : "enterprise"}. Enable the Copilot usage metrics policy.`,
    );
  const day = req.query.get("day");
  if (day === null) return fail(422, 'Invalid request.\n\n"day" wasn\'t supplied.');
  if (!isDay(day)) return fail(400, `Invalid value for parameter 'day': ${day}`);
  const today = todayUtc(state.now());
  const start = kind === "org" ? ORG_START : ENTERPRISE_START;
  const inRange = day >= start && day <= addDays(today, -2) && day > addDays(today, -366);
  const records = inRange ? (state.byDay.get(day) ?? []) : [];
  // GitHub restates the last days while they finalise: each call sees a little more (copilot.md §3.10).
  if (report === "users" && state.restate && day > addDays(today, -5))
    for (const r of records) r.user_initiated_interaction_count += 1;
  if (records.length === 0) {
    if (kind === "org" && state.emptyAs204) return { status: 204, body: undefined };
    return { status: 200, body: { download_links: [], report_day: day } };
  }
  const id = Math.random().toString(36).slice(2, 10);
  if (report === "user-teams") {
    const rows = userTeamRows(state.data.users, state.teams, day, kind).map((r) => `${JSON.stringify(r)}\n`);
    // Two files when there is more than a handful of rows, as large reports come.
    const half = rows.length > 4 ? Math.ceil(rows.length / 2) : rows.length;
    const files = half === 0 ? [] : [rows.slice(0, half), rows.slice(half)].filter((f) => f.length > 0);
    const links = files.map((f, i) => state.files.publish(`teams-${kind}-${day}-${id}-${i + 1}`, f.join("")));
    return {
      status: 200,
      body: { download_links: links, report_day: day },
      headers: { "x-accepted-oauth-scopes": accepted },
    };
  }
  const scoped = records.map((r) => {
    const copy: Partial<UserDayRecord> = { ...r };
    if (kind === "org") delete copy.enterprise_id;
    else delete copy.organization_id;
    return copy as UserDayRecord;
  });
  const links = splitDay(scoped, state.filesPerDay).map((text, i) =>
    state.files.publish(`${kind}-${day}-${id}-${i + 1}`, text),
  );
  return {
    status: 200,
    body: { download_links: links, report_day: day },
    headers: { "x-accepted-oauth-scopes": accepted },
  };
}

function rateHeaders(state: CopilotState, token: string, resource: string) {
  const now = Date.now();
  let used = state.used.get(`${token} ${resource}`);
  if (!used || now >= used.resetAt) {
    used = { count: 0, resetAt: now + state.rateLimit.windowMs };
    state.used.set(`${token} ${resource}`, used);
  }
  const exhausted = used.count >= state.rateLimit.limit;
  if (!exhausted) used.count++;
  return {
    exhausted,
    headers: {
      "x-ratelimit-limit": String(state.rateLimit.limit),
      "x-ratelimit-remaining": String(state.rateLimit.limit - used.count),
      "x-ratelimit-used": String(used.count),
      "x-ratelimit-reset": String(Math.ceil(used.resetAt / 1000)),
      "x-ratelimit-resource": resource,
    },
  };
}
