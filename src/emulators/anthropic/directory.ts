import { createHash } from "node:crypto";
import type { EmulatorRequest, EmulatorResponse } from "../server.ts";
import type { ClaudeCodeRecord } from "./data.ts";

/**
 * `GET /v1/organizations/users` and `/v1/organizations/api_keys` (anthropic.md §7), derived from the
 * usage records: one user per distinct email, one key per api_actor name, created by a user.
 * Both page by id: `limit` (1..1000, default 20), `after_id` / `before_id`.
 */

interface Item {
  id: string;
}

function stableId(prefix: string, text: string): string {
  return `${prefix}${createHash("sha256").update(text).digest("base64url").replace(/[-_]/g, "x").slice(0, 24)}`;
}

export function directory(records: readonly ClaudeCodeRecord[]) {
  const emails = new Set<string>();
  const keyNames = new Set<string>();
  for (const r of records) {
    if (r.actor.type === "user_actor") emails.add(r.actor.email_address.trim().toLowerCase());
    else keyNames.add(r.actor.api_key_name);
  }
  const users = [...emails].sort().map((email) => ({
    id: stableId("user_", email),
    type: "user",
    email,
    name: email.split("@")[0]!,
    role: "claude_code_user",
    added_at: "2025-09-10T00:00:00Z",
  }));
  const apiKeys = [...keyNames].sort().map((name, i) => {
    const creator = users.length ? { id: users[i % users.length]!.id, type: "user" } : null;
    return {
      id: stableId("apikey_", name),
      type: "api_key",
      name,
      status: "active",
      created_at: "2025-09-10T00:00:00Z",
      created_by: creator,
      partial_key_hint: "sk-ant-api03-abc...wxyz",
      workspace_id: null,
    };
  });
  return { users, apiKeys };
}

/** An id-paged list page, or an error message for the caller to turn into a 400. */
export function idPage(req: EmulatorRequest, items: readonly Item[]): EmulatorResponse | string {
  const limitParam = req.query.get("limit");
  const limit = limitParam === null ? 20 : Number(limitParam);
  if (limitParam !== null && (!/^\d+$/.test(limitParam) || limit < 1 || limit > 1000))
    return "limit: Input should be an integer between 1 and 1000";
  const after = req.query.get("after_id");
  const before = req.query.get("before_id");
  let start = 0;
  let end = items.length;
  if (after !== null) {
    const at = items.findIndex((x) => x.id === after);
    if (at < 0) return "after_id: unknown id";
    start = at + 1;
  }
  if (before !== null) {
    const at = items.findIndex((x) => x.id === before);
    if (at < 0) return "before_id: unknown id";
    end = at;
    start = Math.max(start, end - limit);
  }
  const data = items.slice(start, Math.min(end, start + limit));
  const hasMore = before !== null ? start > 0 : start + data.length < end;
  return {
    status: 200,
    body: { data, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null, has_more: hasMore },
  };
}
