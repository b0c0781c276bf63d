import { ResponseShapeError } from "../../http/errors.ts";
import { formatPath, typeName } from "../validate.ts";

/**
 * What we read from `POST /teams/filtered-usage-events` (api/cursor.md §3.4, §13). Fields we do
 * not read are not checked; `null` and missing mean the same for every optional field.
 *
 * Checked by hand rather than with zod: a million events went through a zod object schema in
 * ~1.4 s, plus the garbage of a copy of every event. This check reads the parsed JSON in place and
 * allocates nothing unless it fails; its messages are the ones `parseOrThrow` (../validate.ts)
 * gives for the other vendors, so a drift report reads the same whatever the platform.
 */

export interface CursorTokenUsage {
  inputTokens: number;
  outputTokens: number;
  cacheWriteTokens: number;
  cacheReadTokens: number;
  totalCents?: number | null;
}

export interface CursorEvent {
  /** Epoch milliseconds: a string of digits as the API sends it (a number is accepted too); see eventMs. */
  timestamp: string | number;
  userEmail?: string | null;
  serviceAccountId?: string | null;
  serviceAccountName?: string | null;
  conversationId?: string | null;
  model?: string | null;
  kind?: string | null;
  tokenUsage?: CursorTokenUsage | null;
  chargedCents?: number | null;
  cursorTokenFee?: number | null;
}

export interface UsageEventsPage {
  totalUsageEventsCount: number;
  pagination?: { numPages: number } | null;
  usageEvents: CursorEvent[];
}

type Json = Record<string, unknown>;

/**
 * Where a field sits: `index` is the event's (-1 for the envelope) and `parent` the object
 * holding the field ("" when it is the event or the envelope itself). Paths are only built on
 * failure, so the checks allocate nothing.
 */
function fail(index: number, parent: string, key: string | null, detail: string): never {
  const path: (string | number)[] = index < 0 ? [] : ["usageEvents", index];
  if (parent) path.push(parent);
  if (key !== null) path.push(key);
  throw new ResponseShapeError("cursor", formatPath(path), detail);
}

const expected = (kind: string, value: unknown) =>
  value === undefined ? `missing (expected ${kind})` : `expected ${kind}, got ${typeName(value)}`;

const isObject = (value: unknown): value is Json =>
  typeof value === "object" && value !== null && !Array.isArray(value);

const isCount = (value: unknown): value is number =>
  typeof value === "number" && Number.isSafeInteger(value) && value >= 0;

/** Why `value` is not a non-negative safe integer, in the words of the other vendors' checks. */
function countProblem(value: unknown): string {
  if (typeof value !== "number" || !Number.isFinite(value)) return expected("number", value);
  if (!Number.isInteger(value)) return `expected integer, got ${typeName(value)}`;
  if (value > Number.MAX_SAFE_INTEGER) return `Too big: expected int to be <=${Number.MAX_SAFE_INTEGER}`;
  if (value < -Number.MAX_SAFE_INTEGER) return `Too small: expected int to be >=-${Number.MAX_SAFE_INTEGER}`;
  return "Too small: expected number to be >=0";
}

// Each check takes the value read by its caller (a named property read is much cheaper than
// `object[key]` on the varied shapes JSON.parse makes) and the key only to name it on failure.

function count(value: unknown, index: number, parent: string, key: string): void {
  if (!isCount(value)) fail(index, parent, key, countProblem(value));
}

function cents(value: unknown, index: number, parent: string, key: string): void {
  if (value != null && (typeof value !== "number" || !Number.isFinite(value)))
    fail(index, parent, key, expected("number", value));
}

function text(value: unknown, index: number, key: string): void {
  if (value != null && typeof value !== "string") fail(index, "", key, expected("string", value));
}

/** A string of 1–16 digits, or a non-negative safe integer. */
function timestampProblem(value: unknown): string | undefined {
  if (typeof value === "string") {
    const n = value.length;
    if (n === 0 || n > 16) return "Invalid input";
    for (let i = 0; i < n; i++) {
      const c = value.charCodeAt(i);
      if (c < 48 || c > 57) return "Invalid input";
    }
    return undefined;
  }
  if (isCount(value)) return undefined;
  // A number that is at least an integer fails on its bounds; anything else matches neither form.
  return typeof value === "number" && Number.isInteger(value) ? countProblem(value) : "Invalid input";
}

function checkEvent(event: unknown, i: number): void {
  if (!isObject(event)) fail(i, "", null, expected("object", event));
  const problem = timestampProblem(event.timestamp);
  if (problem !== undefined) fail(i, "", "timestamp", problem);
  text(event.userEmail, i, "userEmail");
  text(event.serviceAccountId, i, "serviceAccountId");
  text(event.serviceAccountName, i, "serviceAccountName");
  text(event.conversationId, i, "conversationId");
  text(event.model, i, "model");
  text(event.kind, i, "kind");
  const usage = event.tokenUsage;
  if (usage != null) {
    if (!isObject(usage)) fail(i, "", "tokenUsage", expected("object", usage));
    count(usage.inputTokens, i, "tokenUsage", "inputTokens");
    count(usage.outputTokens, i, "tokenUsage", "outputTokens");
    count(usage.cacheWriteTokens, i, "tokenUsage", "cacheWriteTokens");
    count(usage.cacheReadTokens, i, "tokenUsage", "cacheReadTokens");
    cents(usage.totalCents, i, "tokenUsage", "totalCents");
  }
  cents(event.chargedCents, i, "", "chargedCents");
  cents(event.cursorTokenFee, i, "", "cursorTokenFee");
}

/**
 * Checks one page of usage events in place and returns it typed; the first problem, in field
 * order, becomes a ResponseShapeError naming it (`usageEvents[3].tokenUsage.inputTokens`).
 */
export function parseEventsPage(body: unknown): UsageEventsPage {
  if (!isObject(body)) return fail(-1, "", null, expected("object", body));
  count(body.totalUsageEventsCount, -1, "", "totalUsageEventsCount");
  const pagination = body.pagination;
  if (pagination != null) {
    if (!isObject(pagination)) fail(-1, "", "pagination", expected("object", pagination));
    count(pagination.numPages, -1, "pagination", "numPages");
  }
  const events = body.usageEvents;
  if (!Array.isArray(events)) return fail(-1, "", "usageEvents", expected("array", events));
  for (let i = 0; i < events.length; i++) checkEvent(events[i], i);
  return body as unknown as UsageEventsPage;
}

/**
 * An event's time in epoch ms. parseEventsPage checked the digits, and up to 15 of them add up
 * exactly in a double, so the common 13-digit string is read here at a third of `Number`'s cost.
 */
export function eventMs(event: Pick<CursorEvent, "timestamp">): number {
  const t = event.timestamp;
  if (typeof t === "number") return t;
  const n = t.length;
  if (n > 15) return Number(t);
  let ms = 0;
  for (let i = 0; i < n; i++) ms = ms * 10 + (t.charCodeAt(i) - 48);
  return ms;
}

/** Cursor's error bodies: `{ error, message }`, or an `{ error: { message } }` envelope on some routes. */
export function errorMessage(body: unknown): string | undefined {
  const b = body as { error?: unknown; message?: unknown } | null;
  if (typeof b?.message === "string") return b.message;
  if (typeof b?.error === "string") return b.error;
  const nested = (b?.error as { message?: unknown } | undefined)?.message;
  return typeof nested === "string" ? nested : undefined;
}
