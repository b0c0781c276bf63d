import { DAY_MS } from "../../usage/days.ts";
import type { EmulatorRequest } from "../server.ts";

/** The parameters of the per-user reports, checked as claude-enterprise.md §3.1 and §14 describe. */

export type Report = "usage" | "cost";

export interface ReportQuery {
  report: Report;
  /** The org-level `usage_report`/`cost_report`: every bucket, `limit` counts buckets. */
  orgLevel: boolean;
  /** `1d`, or null when no bucket was asked for (one row per actor over the range). */
  bucket: string | null;
  startMs: number;
  endMs: number;
  groupBy: Set<string>;
  products: string[];
  models: string[];
  userIds: string[];
  excludeDeleted: boolean;
  orderBy: string;
  desc: boolean;
  limit: number;
  page: string | null;
  /** A hash of every parameter except `page`: a cursor is valid only for the query that made it. */
  fingerprint: string;
}

const FIRST_MS = Date.parse("2026-01-01T00:00:00Z");
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})$/i;
const DIMENSIONS = [
  "model",
  "product",
  "context_window",
  "inference_geo",
  "speed",
  "rbac_group_id",
  "slack_channel_id",
];
const ORDER_BY: Record<Report, string[]> = {
  usage: ["total_tokens", "output_tokens", "uncached_input_tokens", "requests"],
  cost: ["amount", "list_amount"],
};

function instant(value: string | null, name: string): number | string {
  if (value === null) return `${name}: Field required`;
  if (!RFC3339.test(value)) return `${name}: Input should be a valid RFC 3339 datetime with a time zone`;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? `${name}: Input should be a valid datetime` : ms;
}

/** The parsed query, or the message of the 400 it deserves. */
export function parseQuery(
  req: EmulatorRequest,
  report: Report,
  now: number,
  hash: (s: string) => string,
  orgLevel = false,
): ReportQuery | string {
  const q = req.query;
  const start = instant(q.get("starting_at"), "starting_at");
  if (typeof start === "string") return start;
  const bucket = q.get("bucket_width") ?? (orgLevel ? "1d" : null);
  if (bucket !== null && !["1d", "1h", "1m"].includes(bucket))
    return "bucket_width: Input should be '1d', '1h' or '1m'";
  if (bucket !== null && bucket !== "1d") return `bucket_width: '${bucket}' is not emulated; use 1d`;
  if (!orgLevel && bucket !== null && q.get("ending_at") === null)
    return "ending_at: Field required when bucket_width is set";
  // Bucketed queries are floored to the bucket, others to the hour.
  const floor = bucket ? DAY_MS : 3_600_000;
  const startMs = Math.floor(start / floor) * floor;
  let endMs = Math.min(now, startMs + 31 * DAY_MS);
  if (q.get("ending_at") !== null) {
    const end = instant(q.get("ending_at"), "ending_at");
    if (typeof end === "string") return end;
    endMs = bucket ? Math.floor(end / floor) * floor : end;
  }
  if (startMs < FIRST_MS) return "starting_at: data is available from 2026-01-01T00:00:00Z";
  if (startMs < now - 365 * DAY_MS) return "starting_at: must be within the last 365 days";
  if (endMs <= startMs) return "ending_at: must be after starting_at";
  if (endMs - startMs > 31 * DAY_MS) return "ending_at: the range may be at most 31 days";

  const groupBy = new Set(q.getAll("group_by[]"));
  for (const g of groupBy) {
    if ((g === "cost_type" || g === "token_type") && report === "usage")
      return `group_by[]: '${g}' is only valid on the cost report`;
    if ((g === "cost_type" || g === "token_type") && orgLevel)
      return `group_by[]: '${g}' is not emulated here`;
    if (!DIMENSIONS.includes(g) && g !== "cost_type" && g !== "token_type")
      return `group_by[]: unsupported dimension '${g}'`;
  }
  if (report === "usage" && (q.has("token_type") || q.has("cost_type")))
    return "token_type and cost_type are not valid on the usage report";
  const orderBy = q.get("order_by") ?? ORDER_BY[report][0]!;
  if (!ORDER_BY[report].includes(orderBy))
    return `order_by: Input should be one of ${ORDER_BY[report].join(", ")}`;
  const order = q.get("order") ?? "desc";
  if (order !== "asc" && order !== "desc") return "order: Input should be 'asc' or 'desc'";
  const limitParam = q.get("limit");
  // Per-user pages count rows (1–1000, default 20); org-level daily pages count buckets (1–31, default 7).
  const [byDefault, max] = orgLevel ? [7, 31] : [20, 1000];
  const limit = limitParam === null ? byDefault : Number(limitParam);
  if (limitParam !== null && (!/^\d+$/.test(limitParam) || limit < 1 || limit > max))
    return `limit: Input should be an integer between 1 and ${max}`;
  const exclude = q.get("exclude_deleted_users");
  if (exclude !== null && exclude !== "true" && exclude !== "false")
    return "exclude_deleted_users: Input should be a boolean";

  const rest = [...q.entries()].filter(([k]) => k !== "page").map(([k, v]) => `${k}=${v}`);
  return {
    report,
    orgLevel,
    bucket,
    startMs,
    endMs,
    groupBy,
    products: q.getAll("products[]"),
    models: q.getAll("models[]"),
    userIds: q.getAll("user_ids[]"),
    excludeDeleted: exclude === "true",
    orderBy,
    desc: order === "desc",
    limit,
    page: q.get("page"),
    fingerprint: hash(`${orgLevel ? "org" : "user"} ${report}?${rest.sort().join("&")}`),
  };
}
