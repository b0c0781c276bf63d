import { DAY_MS, dayStartMs } from "../../usage/days.ts";
import { costByTokenType, type SeatActor, type SeatRecord, TOKEN_TYPES } from "./data.ts";
import type { ReportQuery } from "./query.ts";

/** Report rows from records: one per (actor × bucket with usage × group), ranked by a metric. */

export type EmailField = "both" | "email" | "email_address";

interface Group {
  actor: SeatActor;
  day: string | null;
  model: string | null;
  product: string | null;
  sums: Pick<
    SeatRecord,
    | "uncached"
    | "cacheRead"
    | "cache5m"
    | "cache1h"
    | "output"
    | "requests"
    | "webSearches"
    | "amount"
    | "listAmount"
  >;
  /** Cost by token type (TOKEN_TYPES order), for the cost report's fan-out rows. */
  byType: { amount: number[]; list: number[] };
}

function matches(r: SeatRecord, q: ReportQuery, servedUntilMs: number): boolean {
  const t = dayStartMs(r.day);
  if (t < q.startMs || t >= q.endMs || t >= servedUntilMs) return false;
  if (q.products.length > 0 && !q.products.includes(r.product as string)) return false;
  if (q.models.length > 0 && !q.models.includes(r.model as string)) return false;
  if (q.userIds.length > 0 && !q.userIds.includes(r.actor.user_id)) return false;
  return !(q.excludeDeleted && r.actor.deleted);
}

/** The ranked groups of a query over the records exported by `servedUntilMs`. */
export function rankedGroups(
  records: readonly SeatRecord[],
  q: ReportQuery,
  servedUntilMs: number,
  perActor = true,
): Group[] {
  const groups = new Map<string, Group>();
  for (const r of records) {
    if (!matches(r, q, servedUntilMs)) continue;
    const day = q.bucket ? r.day : null;
    const model = q.groupBy.has("model") ? r.model : null;
    const product = q.groupBy.has("product") ? r.product : null;
    const key = JSON.stringify([perActor ? r.actor.user_id : "", day, model, product]);
    let g = groups.get(key);
    if (!g) {
      g = {
        actor: r.actor,
        day,
        model,
        product,
        sums: {
          uncached: 0,
          cacheRead: 0,
          cache5m: 0,
          cache1h: 0,
          output: 0,
          requests: 0,
          webSearches: 0,
          amount: 0,
          listAmount: 0,
        },
        byType: { amount: [0, 0, 0, 0, 0], list: [0, 0, 0, 0, 0] },
      };
      groups.set(key, g);
    }
    for (const k of Object.keys(g.sums) as (keyof Group["sums"])[]) g.sums[k] += r[k];
    if (q.groupBy.has("token_type")) {
      const parts = costByTokenType(r);
      parts.amount.forEach((a, i) => {
        g!.byType.amount[i]! += a;
        g!.byType.list[i]! += parts.list[i]!;
      });
    }
  }
  const metric = (g: Group): number => {
    const s = g.sums;
    switch (q.orderBy) {
      case "output_tokens":
        return s.output;
      case "uncached_input_tokens":
        return s.uncached;
      case "requests":
        return s.requests;
      case "amount":
        return s.amount;
      case "list_amount":
        return s.listAmount;
      default:
        return s.uncached + s.cacheRead + s.cache5m + s.cache1h + s.output;
    }
  };
  const tie = (g: Group) => `${g.actor.user_id} ${g.day ?? ""} ${g.model ?? ""} ${g.product ?? ""}`;
  return [...groups.values()].sort((a, b) => {
    const d = metric(a) - metric(b);
    if (d !== 0) return q.desc ? -d : d;
    return tie(a).localeCompare(tie(b));
  });
}

function wireActor(a: SeatActor, field: EmailField) {
  const out: Record<string, unknown> = { type: "user_actor", user_id: a.user_id };
  if (field !== "email") out.email_address = a.email;
  if (field !== "email_address") out.email = a.email;
  out.name = a.name;
  out.deleted = a.deleted;
  return out;
}

/** 6-decimal string of cents from integer micro-cents, e.g. 4128000000000 → "41280.000000". */
export function centsString(microCents: number): string {
  const sign = microCents < 0 ? "-" : "";
  const abs = Math.abs(microCents);
  return `${sign}${Math.floor(abs / 1e6)}.${String(abs % 1e6).padStart(6, "0")}`;
}

/** A group as the API writes it: every dimension present, null unless grouped. */
export function wireRow(g: Group, report: "usage" | "cost", field: EmailField): Record<string, unknown> {
  const s = g.sums;
  const dims = {
    model: g.model,
    product: g.product,
    context_window: null,
    inference_geo: null,
    speed: null,
    rbac_group_id: null,
    slack_channel_id: null,
    starting_at: g.day ? `${g.day}T00:00:00Z` : null,
    ending_at: g.day ? `${new Date(dayStartMs(g.day) + DAY_MS).toISOString().slice(0, 10)}T00:00:00Z` : null,
  };
  if (report === "cost")
    return {
      actor: wireActor(g.actor, field),
      amount: centsString(s.amount),
      list_amount: centsString(s.listAmount),
      currency: "USD",
      cost_type: null,
      token_type: null,
      requests: s.requests,
      ...dims,
    };
  return {
    actor: wireActor(g.actor, field),
    cache_creation: { ephemeral_1h_input_tokens: s.cache1h, ephemeral_5m_input_tokens: s.cache5m },
    cache_read_input_tokens: s.cacheRead,
    uncached_input_tokens: s.uncached,
    output_tokens: s.output,
    total_tokens: s.uncached + s.cacheRead + s.cache5m + s.cache1h + s.output,
    requests: s.requests,
    server_tool_use: { web_search_requests: s.webSearches },
    ...dims,
  };
}

/**
 * Cost rows of a group: one combined row, or with `group_by[]=cost_type`/`token_type` its fan-out
 * rows (adjacent, not counted toward `limit`, `requests` null). The emulated usage has no web-search
 * or code-execution cost, so only token rows appear.
 */
export function costRows(g: Group, q: ReportQuery, field: EmailField): Record<string, unknown>[] {
  const combined = wireRow(g, "cost", field);
  if (q.groupBy.has("token_type"))
    return TOKEN_TYPES.flatMap((type, i) =>
      g.byType.amount[i] === 0 && g.byType.list[i] === 0
        ? []
        : [
            {
              ...combined,
              amount: centsString(g.byType.amount[i]!),
              list_amount: centsString(g.byType.list[i]!),
              cost_type: "tokens",
              token_type: type,
              requests: null,
            },
          ],
    );
  if (q.groupBy.has("cost_type")) return [{ ...combined, cost_type: "tokens", requests: null }];
  return [combined];
}
