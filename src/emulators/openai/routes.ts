import { dayStartMs } from "../../usage/days.ts";
import type { EmulatorRequest, EmulatorResponse, Handler } from "../server.ts";
import type { OpenAIState, OpenAIUser } from "./data.ts";
import { fail } from "./errors.ts";
import { completionsPage } from "./usage.ts";

/** Behaviour of the OpenAI Admin API as openai.md §10 describes it. */

/** The vendor echoes a masked key: its prefix, stars and the last four characters. */
function mask(key: string): string {
  const prefix = key.startsWith("sk-admin-") ? "sk-admin-" : key.slice(0, 3);
  return `${prefix}****${key.slice(-4)}`;
}

function checkAuth(req: EmulatorRequest, apiKeys: string[], scope: string): EmulatorResponse | undefined {
  const key = /^Bearer\s+(.+)$/i.exec(String(req.headers.authorization ?? ""))?.[1]?.trim();
  if (!key)
    return fail(
      401,
      "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
      null,
    );
  // A real project or user key is valid but lacks the admin scopes.
  if (key.startsWith("sk-") && !key.startsWith("sk-admin-"))
    return fail(
      403,
      `You have insufficient permissions for this operation. Missing scopes: ${scope}. Check that you have the correct role in your organization (Owner), and if you're using a restricted API key, that it has the necessary scopes.`,
    );
  if (!apiKeys.includes(key))
    return fail(
      401,
      `Incorrect API key provided: ${mask(key)}. You can find your API key at https://platform.openai.com/account/api-keys.`,
    );
  return undefined;
}

const USAGE_PATH = "/v1/organization/usage/completions";
const USERS_PATH = "/v1/organization/users";

export function openaiHandler(state: OpenAIState): Handler {
  // Usage is stamped at noon UTC of its day: hour and minute buckets see it in one place, and a
  // first bucket clipped after noon does not.
  const timed = state.results.map((r) => ({
    at: dayStartMs(r.day) / 1000 + 43_200,
    day: r.day,
    result: r.result,
  }));
  timed.sort((a, b) => a.at - b.at);

  return (req) => {
    // A proxy prefix in the base URL is tolerated by matching the end of the path.
    const path = req.path.replace(/\/+$/, "");
    if (req.method !== "GET") return fail(404, `Invalid URL (${req.method} ${req.path})`);
    if (path.endsWith(USAGE_PATH))
      return checkAuth(req, state.apiKeys, "api.usage.read") ?? completionsPage(req, timed, state);
    const single = /\/v1\/organization\/users\/([^/]+)$/.exec(path);
    if (single) return checkAuth(req, state.apiKeys, "api.organization.read") ?? getUser(state, single[1]!);
    if (path.endsWith(USERS_PATH))
      return checkAuth(req, state.apiKeys, "api.organization.read") ?? listUsers(req, state.users);
    return fail(404, `Invalid URL (GET ${req.path})`);
  };
}

function getUser(state: OpenAIState, id: string): EmulatorResponse {
  const user = [...state.users, ...state.unlistedUsers].find((u) => u.id === decodeURIComponent(id));
  return user ? { status: 200, body: user } : fail(404, `No such user: ${decodeURIComponent(id)}`);
}

function listUsers(req: EmulatorRequest, users: OpenAIUser[]): EmulatorResponse {
  const limitParam = req.query.get("limit");
  const limit = limitParam === null ? 20 : Number(limitParam);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100)
    return fail(400, `Invalid 'limit': must be an integer between 1 and 100 (got ${limitParam}).`);
  let start = 0;
  const after = req.query.get("after");
  if (after) {
    const index = users.findIndex((u) => u.id === after);
    if (index < 0) return fail(400, `Invalid 'after': no object with id ${after}.`);
    start = index + 1;
  }
  const data = users.slice(start, start + limit);
  return {
    status: 200,
    body: {
      object: "list",
      data,
      first_id: data[0]?.id ?? null,
      last_id: data[data.length - 1]?.id ?? null,
      has_more: start + data.length < users.length,
    },
  };
}
