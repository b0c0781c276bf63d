import type { EmulatorRequest, EmulatorResponse, Handler } from "../server.ts";
import { usageRows } from "./rows.ts";
import { page, parseWindow, type UsageState, visibleRecords } from "./usage.ts";

/** Behaviour of the Codex Analytics API as codex-analytics.md §2, §3 and §13 describe it. */

export interface CodexState extends UsageState {
  workspaceId: string;
  /** ChatGPT workspace Admin keys with Codex analytics read permission. */
  adminKeys: string[];
  /** Platform project keys that support scoped to codex.enterprise.analytics.read. */
  projectKeys: string[];
}

/** OpenAI-style error body (401/403/404 on this host are undocumented; this is one likely shape). */
export function openaiError(status: number, message: string, code: string | null = null): EmulatorResponse {
  return { status, body: { error: { message, type: "invalid_request_error", param: null, code } } };
}

function checkAuth(req: EmulatorRequest, state: CodexState): EmulatorResponse | undefined {
  const header = String(req.headers.authorization ?? "");
  const key = /^Bearer\s+(.+)$/i.exec(header)?.[1]?.trim();
  // FastAPI's HTTPBearer answers a missing header itself.
  if (!key) return { status: 401, body: { detail: "Not authenticated" } };
  if (state.adminKeys.includes(key) || state.projectKeys.includes(key)) return undefined;
  if (key.startsWith("sk-admin-"))
    return openaiError(
      403,
      "Platform Admin keys cannot access workspace analytics. Use a ChatGPT Admin key with the codex.enterprise.analytics.read permission.",
      "insufficient_permissions",
    );
  if (key.startsWith("sk-proj-") || key.startsWith("sk-"))
    return openaiError(
      403,
      "Missing scope: codex.enterprise.analytics.read. This key is not authorized for Codex analytics.",
      "insufficient_permissions",
    );
  return openaiError(401, "Incorrect API key provided.", "invalid_api_key");
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ROUTE = /\/v1\/analytics\/codex\/workspaces\/([^/]+)\/(usage|code_reviews|code_review_responses)$/;

export function codexHandler(state: CodexState): Handler {
  return (req) => {
    // A proxy prefix in the base URL is tolerated by matching the end of the path.
    const path = req.path.replace(/\/+$/, "");
    const match = ROUTE.exec(path);
    if (req.method !== "GET" || !match) return { status: 404, body: { detail: "Not Found" } };
    const denied = checkAuth(req, state);
    if (denied) return denied;
    const workspace = decodeURIComponent(match[1]!);
    if (!UUID.test(workspace) || workspace.toLowerCase() !== state.workspaceId.toLowerCase())
      return openaiError(404, `Workspace ${workspace.slice(0, 60)} not found.`, "workspace_not_found");
    const w = parseWindow(req, state, match[2] === "usage");
    if ("status" in w) return w;
    if (match[2] === "usage") {
      const records = visibleRecords(state, w);
      state.calls++;
      return page(req, w, usageRows(records, w, state));
    }
    return page(req, w, codeReviewRows(state, w, match[2] === "code_reviews"));
  };
}

/** Daily code-review rows (§5), derived from the day's GitHub-client usage so they stay stable. */
function codeReviewRows(state: CodexState, w: { start: number; end: number }, reviews: boolean) {
  const perDay = new Map<string, number>();
  for (const r of state.records) {
    const t = Date.parse(`${r.day}T00:00:00Z`) / 1000;
    if (t < w.start || t >= w.end || r.client !== "CODEX_GITHUB") continue;
    perDay.set(r.day, (perDay.get(r.day) ?? 0) + r.threads);
  }
  const days = [...perDay.keys()].sort();
  return days.map((day) => {
    const start = Date.parse(`${day}T00:00:00Z`) / 1000;
    const prs = perDay.get(day)!;
    const comments = prs * 3;
    const base = { start_time: start, end_time: start + 86_400, pull_request_reviews: prs, comments };
    if (reviews)
      return {
        object: "codex.code_review",
        ...base,
        comment_details: { p0: prs % 2, p1: prs, p2: comments - prs - (prs % 2) },
      };
    const reactions = Math.floor(comments / 2);
    return {
      object: "codex.code_review_response",
      ...base,
      replies: prs,
      reactions,
      reaction_details: {
        upvotes: Math.max(0, reactions - 1),
        downvotes: reactions > 0 ? 1 : 0,
        other: 0,
      },
      comment_response_details: {
        engaged: prs + reactions,
        reacted: reactions,
        upvoted: Math.max(0, reactions - 1),
        downvoted: reactions > 0 ? 1 : 0,
        reacted_other: 0,
        replied: prs,
      },
    };
  });
}
