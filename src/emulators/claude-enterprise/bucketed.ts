import { DAY_MS } from "../../usage/days.ts";
import type { EmulatorRequest, EmulatorResponse } from "../server.ts";
import { parseQuery, type Report } from "./query.ts";
import { rankedGroups, wireRow } from "./rows.ts";
import {
  cursorOffset,
  EMULATED_ENTERPRISE_ORG,
  type EnterpriseState,
  fail,
  nextCursor,
  stamp,
} from "./state.ts";

/** Groups kept per bucket: the API caps them and adds no remainder row (claude-enterprise.md §5). */
const TOP_GROUPS = 100;

/**
 * The org-level `usage_report` / `cost_report`: every daily bucket of the range, oldest first,
 * empty ones included; `limit` counts buckets; no actor and no `total_tokens` on results. Not used
 * by the CLI (the per-user reports are), kept for reconciliation checks.
 */
export function bucketedReport(
  req: EmulatorRequest,
  kind: Report,
  state: EnterpriseState,
  hash: (s: string) => string,
): EmulatorResponse {
  const q = parseQuery(req, kind, state.now(), hash, true);
  if (typeof q === "string") return fail(400, q);
  const offset = cursorOffset(q.page, q.fingerprint, state);
  if (typeof offset !== "number") return offset;
  const starts: number[] = [];
  for (let t = q.startMs; t < q.endMs; t += DAY_MS) starts.push(t);
  if (offset > starts.length) return fail(400, "page: the page cursor does not match this query");
  const page = starts.slice(offset, offset + q.limit);
  const data = page.map((startMs) => {
    const groups =
      startMs >= state.refreshedAt
        ? []
        : rankedGroups(state.records, { ...q, startMs, endMs: startMs + DAY_MS }, state.refreshedAt, false);
    const results = groups.slice(0, TOP_GROUPS).map((g) => {
      const {
        actor: _actor,
        total_tokens: _total,
        starting_at: _s,
        ending_at: _e,
        ...rest
      } = wireRow(g, kind, "both");
      return rest;
    });
    return { starting_at: stamp(startMs), ending_at: stamp(startMs + DAY_MS), results };
  });
  const end = offset + page.length;
  const hasMore = end < starts.length;
  return {
    status: 200,
    body: {
      data,
      data_refreshed_at: q.startMs >= state.refreshedAt ? null : stamp(state.refreshedAt),
      has_more: hasMore,
      next_page: hasMore ? nextCursor(q.fingerprint, end, state) : null,
      organization_id: EMULATED_ENTERPRISE_ORG,
    },
  };
}
