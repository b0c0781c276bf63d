import type {
  PlatformStatus,
  PlatformUsage,
  PreviousTotals,
  Report,
  RowExtras,
  Totals,
} from "../report/report.ts";
import { nanosToUsdNumber } from "./format.ts";

/** The DESIGN §1 JSON object. Key order is stable so diffs of saved reports stay readable. */

function amounts(t: Totals) {
  return {
    requests: t.requests,
    tokens: t.tokens,
    inputTokens: t.inputTokens,
    outputTokens: t.outputTokens,
    cacheReadTokens: t.cacheReadTokens,
    cacheWriteTokens: t.cacheWriteTokens,
    costUsd: nanosToUsdNumber(t.costNanos),
    costEstimated: t.costEstimated,
  };
}

/** `previous` (--compare) and `activity` (--activity), only when the report has them. */
function extras(report: Report, row: RowExtras) {
  const out: Record<string, unknown> = {};
  if (report.previousWindow) out.previous = previous(row.previous);
  if (report.activity) out.activity = row.activity ?? null;
  return out;
}

function previous(p: PreviousTotals | undefined) {
  return { requests: p?.requests ?? 0, tokens: p?.tokens ?? 0, costUsd: nanosToUsdNumber(p?.costNanos ?? 0) };
}

function platformRow(report: Report, p: PlatformUsage) {
  const out: Record<string, unknown> = { platform: p.platform, ...amounts(p) };
  if (report.activity) out.activity = p.activity ?? null;
  return out;
}

const RESERVED = new Set(["platform", "status", "message", "notes"]);

function platformStatus(p: PlatformStatus) {
  const out: Record<string, unknown> = { platform: p.platform, status: p.status, message: p.message };
  // Counters ride along as extra keys; they never replace the contract keys.
  for (const [key, value] of Object.entries(p.counters ?? {})) {
    if (!RESERVED.has(key)) out[key] = value;
  }
  if (p.notes && p.notes.length > 0) out.notes = p.notes;
  return out;
}

// JSON.stringify escapes only U+0000–U+001F. DEL, C1 controls (U+009B is an 8-bit CSI), line/paragraph
// separators and bidi/zero-width characters are escaped as well, so printing the JSON on a terminal is
// safe; JSON.parse still returns the vendor's string exactly.
const UNSAFE = /[\u007f-\u009f\u00ad\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;
const escapeUnsafe = (json: string) =>
  json.replace(UNSAFE, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`);

export function renderJson(report: Report): string {
  const obj: Record<string, unknown> = {
    window: { since: report.window.since, until: report.window.until, days: report.window.days },
    sort: report.sort,
  };
  if (report.demo) obj.demo = true;
  if (report.previousWindow) obj.previousWindow = { ...report.previousWindow };
  obj.platforms = report.platforms.map(platformStatus);
  if (report.by && report.by !== "user") {
    obj.by = report.by;
    obj.groups = (report.groups ?? []).map((g) => ({
      rank: g.rank,
      key: g.key,
      ...amounts(g),
      users: g.users,
      ...extras(report, g),
      tools: g.tools,
      platforms: g.platforms.map((p) => platformRow(report, p)),
    }));
  } else {
    obj.users = report.users.map((u) => ({
      rank: u.rank,
      user: u.user,
      email: u.email,
      ...amounts(u),
      ...extras(report, u),
      tools: u.tools,
      platforms: u.platforms.map((p) => platformRow(report, p)),
    }));
  }
  obj.totals = { ...amounts(report.totals), ...extras(report, report.totals) };
  if (report.notes?.length) obj.notes = report.notes;
  obj.unpricedModels = report.unpricedModels;
  return `${escapeUnsafe(JSON.stringify(obj, null, 2))}\n`;
}
