import { todayUtc } from "../../usage/days.ts";
import { decodeCursor, type EmulatorRequest, type EmulatorResponse, encodeCursor } from "../server.ts";
import type { CompletionsResult, OpenAIState } from "./data.ts";
import { fail } from "./errors.ts";

/** `GET /v1/organization/usage/completions`: buckets, grouping and paging (openai.md §2, §10). */

const WIDTHS: Record<string, { seconds: number; defaultLimit: number; maxLimit: number }> = {
  "1m": { seconds: 60, defaultLimit: 60, maxLimit: 1440 },
  "1h": { seconds: 3600, defaultLimit: 24, maxLimit: 168 },
  "1d": { seconds: 86_400, defaultLimit: 7, maxLimit: 31 },
};
const DIMENSIONS = ["project_id", "user_id", "api_key_id", "model", "batch", "service_tier"] as const;
type Dimension = (typeof DIMENSIONS)[number];
const FILTERS = {
  user_ids: "user_id",
  project_ids: "project_id",
  api_key_ids: "api_key_id",
  models: "model",
} as const;
const SUMMED = ["input_tokens", "output_tokens", "num_model_requests", "input_cached_tokens"] as const;
const AUDIO = ["input_audio_tokens", "output_audio_tokens"] as const;

export interface TimedResult {
  /** Unix seconds the usage is stamped at. */
  at: number;
  day: string;
  result: CompletionsResult;
}

/** An array parameter in any of the three encodings: `a[]=x&a[]=y`, `a=x&a=y`, `a=x,y`. */
export function arrayParam(query: URLSearchParams, name: string): string[] {
  return [...query.getAll(`${name}[]`), ...query.getAll(name)]
    .flatMap((v) => v.split(","))
    .map((v) => v.trim())
    .filter(Boolean);
}

function integerParam(query: URLSearchParams, name: string): number | undefined | "invalid" {
  const raw = query.get(name);
  if (raw === null) return undefined;
  return /^\d+$/.test(raw) ? Number(raw) : "invalid";
}

export function completionsPage(
  req: EmulatorRequest,
  timed: TimedResult[],
  state: OpenAIState,
): EmulatorResponse {
  const q = req.query;
  const start = integerParam(q, "start_time");
  if (start === undefined) return fail(400, "Missing required parameter: 'start_time'.");
  if (start === "invalid") return fail(400, "Invalid 'start_time': expected an integer (unix seconds).");
  const endParam = integerParam(q, "end_time");
  if (endParam === "invalid") return fail(400, "Invalid 'end_time': expected an integer (unix seconds).");
  const end = endParam ?? Math.floor(state.now().getTime() / 1000);
  if (end <= start) return fail(400, "Invalid 'end_time': must be greater than 'start_time'.");

  const widthName = q.get("bucket_width") ?? "1d";
  const width = WIDTHS[widthName];
  if (!width) return fail(400, `Invalid 'bucket_width': '${widthName}'. Expected one of: '1m', '1h', '1d'.`);
  const limit = integerParam(q, "limit") ?? width.defaultLimit;
  if (limit === "invalid" || limit < 1 || limit > width.maxLimit)
    return fail(
      400,
      `Invalid 'limit': must be between 1 and ${width.maxLimit} for bucket_width '${widthName}'.`,
    );

  const groupBy = arrayParam(q, "group_by");
  const bad = groupBy.find((g) => !DIMENSIONS.includes(g as Dimension));
  if (bad) return fail(400, `Invalid 'group_by': '${bad}'. Expected any of: ${DIMENSIONS.join(", ")}.`);
  const batch = q.get("batch");
  if (batch !== null && batch !== "true" && batch !== "false")
    return fail(400, "Invalid 'batch': expected true or false.");

  const today = todayUtc(state.now());
  const filters = Object.entries(FILTERS).map(([param, field]) => ({ field, values: arrayParam(q, param) }));
  const visible = timed.filter(
    (t) =>
      t.day <= today &&
      filters.every((f) => f.values.length === 0 || f.values.includes(String(t.result[f.field]))) &&
      (batch === null || String(t.result.batch ?? false) === batch),
  );

  // The first bucket starts at start_time floored to the minute and ends at the next boundary.
  const first = Math.floor(start / 60) * 60;
  let t = first;
  let offset = 0;
  const page = q.get("page");
  if (page) {
    const pos = decodeCursor<{ t: number; o: number }>(page);
    if (
      !pos ||
      !Number.isInteger(pos.t) ||
      !Number.isInteger(pos.o) ||
      pos.t < first ||
      pos.t >= end ||
      pos.o < 0
    )
      return fail(400, "Invalid 'page': the cursor does not belong to this query.");
    t = pos.t;
    offset = pos.o;
  }

  const data: unknown[] = [];
  let budget = state.resultsPerPage ?? Number.POSITIVE_INFINITY;
  let next: { t: number; o: number } | null = null;
  while (t < end) {
    const bucketEnd = Math.min((Math.floor(t / width.seconds) + 1) * width.seconds, end);
    const grouped = group(
      visible.filter((r) => r.at >= t && r.at < bucketEnd),
      groupBy as Dimension[],
    );
    if (data.length >= limit || (budget <= 0 && grouped.length > offset)) {
      next = { t, o: offset };
      break;
    }
    const taken = grouped.slice(offset, offset + budget);
    data.push({ object: "bucket", start_time: t, end_time: bucketEnd, results: taken });
    budget -= taken.length;
    if (offset + taken.length < grouped.length) {
      next = { t, o: offset + taken.length };
      break;
    }
    t = bucketEnd;
    offset = 0;
  }
  return {
    status: 200,
    body: { object: "page", data, has_more: next !== null, next_page: next ? encodeCursor(next) : null },
  };
}

/** One result per distinct combination of the grouped dimensions; the others are null. */
function group(results: TimedResult[], groupBy: Dimension[]): CompletionsResult[] {
  const groups = new Map<string, CompletionsResult[]>();
  for (const { result } of results) {
    const key = JSON.stringify(groupBy.map((d) => result[d] ?? null));
    const list = groups.get(key) ?? [];
    list.push(result);
    groups.set(key, list);
  }
  return [...groups.values()].map((list) => aggregate(list, groupBy));
}

function aggregate(list: CompletionsResult[], groupBy: Dimension[]): CompletionsResult {
  const head = list[0]!;
  const sum = (pick: (r: CompletionsResult) => number | undefined) =>
    list.reduce((n, r) => n + (pick(r) ?? 0), 0);
  const out: Record<string, unknown> = { object: "organization.usage.completions.result" };
  for (const field of SUMMED) out[field] = sum((r) => r[field]);
  const dims: Record<string, unknown> = {};
  for (const d of DIMENSIONS)
    if (d !== "service_tier") dims[d] = groupBy.includes(d) ? (head[d] ?? null) : null;
  Object.assign(out, dims);
  for (const field of AUDIO) if (list.some((r) => r[field] !== undefined)) out[field] = sum((r) => r[field]);
  // The newer field set appears when any contributor has it; older rows contribute no cache writes.
  if (list.some((r) => r.input_uncached_tokens !== undefined)) {
    out.input_cache_write_tokens = sum((r) => r.input_cache_write_tokens);
    out.input_uncached_tokens = sum(
      (r) =>
        r.input_uncached_tokens ??
        r.input_tokens - (r.input_cached_tokens ?? 0) - (r.input_cache_write_tokens ?? 0),
    );
    out.service_tier = groupBy.includes("service_tier") ? (head.service_tier ?? null) : null;
  }
  return out as unknown as CompletionsResult;
}
