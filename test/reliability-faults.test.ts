import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startCursorEmulator } from "../src/emulators/cursor/index.ts";
import {
  delay,
  type EmulatorServer,
  type Fault,
  type FaultRule,
  type LoggedRequest,
} from "../src/emulators/server.ts";
import {
  ApiError,
  AuthenticationError,
  ConnectionError,
  NotFoundError,
  PagingError,
  PermissionDeniedError,
  type PlatformError,
  RateLimitError,
  ResponseShapeError,
  ServerError,
  TimeoutError,
} from "../src/http/errors.ts";
import { DEFAULT_MAX_ATTEMPTS } from "../src/http/request.ts";
import type { ClientOptions } from "../src/platforms/types.ts";
import type { UsageRow } from "../src/usage/types.ts";
import {
  brokenField,
  maxRepeats,
  page200,
  resetBrokenField,
  status,
  stringForNumber,
  USAGE_PATH,
} from "./faults.ts";
import {
  expectedSums,
  fetchPlatform,
  KEYS,
  NON_ADMIN_KEYS,
  OutputLog,
  PLATFORM_IDS,
  type PlatformId,
  server,
  sorted,
  startVendors,
  sumRows,
  type Vendors,
  WRONG_KEYS,
} from "./matrix.ts";

/**
 * Platform × fault, in process over loopback HTTP with fast retries: transient faults still give the
 * exact rows, faults that do not stop become one clear typed error, permanent faults are not
 * retried and name the status or field, and paging traps stop instead of looping.
 */

const out = new OutputLog();
let v: Vendors;
/** Slow answers are logged when they finally arrive, after their test: they get their own emulators. */
let slowV: Vendors;
const clean = {} as Record<PlatformId, UsageRow[]>;
const cleanRequests = {} as Record<PlatformId, number>;
beforeAll(async () => {
  [v, slowV] = await Promise.all([startVendors(), startVendors()]);
  for (const id of PLATFORM_IDS) {
    const before = usageRequests(id).length;
    const res = await fetchPlatform(id, v, out);
    expect(res.error).toBeUndefined();
    clean[id] = sorted(res.rows);
    cleanRequests[id] = usageRequests(id).length - before;
    expect(sumRows(res.rows)).toMatchObject(expectedSums(v.data)[id]);
  }
});
afterAll(async () => {
  await Promise.all([v.close(), slowV.close()]);
  out.expectNoSecrets();
});

function usageRequests(id: PlatformId, since = 0, vendors = v): LoggedRequest[] {
  return server(vendors, id)
    .requests.slice(since)
    .filter((r) => r.path.includes(USAGE_PATH[id]));
}

/** Waits until the request log stops growing. */
async function settled(emu: EmulatorServer): Promise<void> {
  for (let n = -1; n !== emu.requests.length; ) {
    n = emu.requests.length;
    await delay(15);
  }
}

/** Injects `rules` on the platform's usage route, runs the fetch, clears the faults. */
async function withFaults(id: PlatformId, rules: FaultRule[], overrides: Partial<ClientOptions> = {}) {
  const slow = rules.some((r) => r.fault.kind === "slow");
  const vendors = slow ? slowV : v;
  if (slow) overrides = { timeoutMs: 300, ...overrides };
  const emu = server(vendors, id);
  await settled(emu);
  const since = emu.requests.length;
  for (const rule of rules) emu.inject({ path: USAGE_PATH[id], ...rule });
  try {
    const res = await fetchPlatform(id, vendors, out, overrides);
    // Requests the client aborted (other days, once one failed) are logged when the server answers.
    await settled(emu);
    return { ...res, requests: usageRequests(id, since, vendors) };
  } finally {
    vendors.clearFaults();
  }
}

/** Any of the typed error classes (their constructors differ). */
type ErrorClass = new (...args: never[]) => PlatformError;

const TRANSIENT: Array<{ name: string; fault: Fault; times: number }> = [
  { name: "a 429 storm with Retry-After", fault: status(429, { "retry-after": "1" }), times: 4 },
  { name: "429 without Retry-After", fault: status(429), times: 3 },
  { name: "500 a few times", fault: status(500), times: 3 },
  { name: "502 a few times", fault: status(502), times: 3 },
  { name: "503 a few times (retry-after-ms)", fault: status(503, { "retry-after-ms": "5" }), times: 3 },
  { name: "529 overloaded a few times", fault: status(529), times: 3 },
  { name: "a connection reset", fault: { kind: "reset" }, times: 2 },
  { name: "a response slower than the timeout", fault: { kind: "slow", delayMs: 1500 }, times: 1 },
  { name: "a truncated JSON body", fault: { kind: "truncate" }, times: 2 },
];

describe("transient faults: the fetch completes with exactly the clean rows", () => {
  const table = PLATFORM_IDS.flatMap((id) => TRANSIENT.map((c) => [id, c.name, c] as const));
  it.each(table)("%s: %s", async (id, _name, c) => {
    const res = await withFaults(id, [{ fault: c.fault, times: c.times }]);
    expect(res.error).toBeUndefined();
    expect(sorted(res.rows)).toEqual(clean[id]);
    expect(sumRows(res.rows)).toMatchObject(expectedSums(v.data)[id]);
    if (c.fault.kind === "slow") expect(res.ms).toBeGreaterThanOrEqual(300);
    // Each fault cost exactly one extra request (the slow one is logged only when it finally answers).
    else expect(res.requests.length).toBe(cleanRequests[id] + c.times);
  });
});

const FOREVER: Array<{ name: string; fault: Fault; error: ErrorClass; message: RegExp }> = [
  { name: "503 that never ends", fault: status(503), error: ServerError, message: /^HTTP 503: \S/ },
  {
    name: "429 that never ends",
    fault: status(429, { "retry-after": "0" }),
    error: RateLimitError,
    message: /^HTTP 429: \S/,
  },
  {
    name: "resets that never end",
    fault: { kind: "reset" },
    error: ConnectionError,
    message: /^connection failed \(/,
  },
  {
    name: "a server that never answers in time",
    fault: { kind: "slow", delayMs: 2000 },
    error: TimeoutError,
    message: /^no response within 0\.3 s$/,
  },
  {
    name: "bodies that are always cut off",
    fault: { kind: "truncate" },
    error: ConnectionError,
    message: /^connection closed before the response was complete \(/,
  },
];

describe("a request that keeps failing: bounded retries, then one clear platform error", () => {
  const table = PLATFORM_IDS.flatMap((id) => FOREVER.map((c) => [id, c.name, c] as const));
  it.each(table)("%s: %s", async (id, _name, c) => {
    const res = await withFaults(id, [{ fault: c.fault }]);
    expect(res.error).toBeInstanceOf(c.error);
    expect((res.error as PlatformError).platform).toBe(id);
    expect(res.error!.message).toMatch(c.message);
    expect(res.rows).toEqual([]);
    expect(maxRepeats(res.requests)).toBeLessThanOrEqual(DEFAULT_MAX_ATTEMPTS);
    // Slow answers are logged late; everything else shows every attempt was made.
    if (c.fault.kind !== "slow") expect(maxRepeats(res.requests)).toBe(DEFAULT_MAX_ATTEMPTS);
  });
});

const dataField = (id: PlatformId) => (id === "cursor" ? "usageEvents" : "data");
const withoutData = (id: PlatformId): Fault => ({
  kind: "mutate",
  mutate: (body) => {
    const { [dataField(id)]: _, ...rest } = body as Record<string, unknown>;
    return rest;
  },
});

interface PermanentCase {
  name: string;
  error: ErrorClass;
  /** Faults to inject, or client overrides (another key, another server). */
  setup: (id: PlatformId) => Promise<{ rules?: FaultRule[]; overrides?: Partial<ClientOptions> }>;
  message: (id: PlatformId) => string | RegExp;
}

const extraServers: Array<{ close(): Promise<void> }> = [];
afterAll(async () => {
  await Promise.all(extraServers.map((s) => s.close()));
});

const PERMANENT: PermanentCase[] = [
  {
    name: "401: an unknown key",
    error: AuthenticationError,
    setup: async (id) => ({ overrides: { apiKey: WRONG_KEYS[id] } }),
    message: (id) =>
      ({
        claude: "HTTP 401: invalid x-api-key",
        openai:
          "HTTP 401: Incorrect API key provided: [redacted]. You can find your API key at https://platform.openai.com/account/api-keys.",
        cursor: "HTTP 401: Invalid API key",
      })[id],
  },
  {
    name: "403: a key without admin rights (non-admin key, key without usage scope, non-Enterprise team)",
    error: PermissionDeniedError,
    setup: async (id) => {
      if (id !== "cursor") return { overrides: { apiKey: NON_ADMIN_KEYS[id] } };
      const team = await startCursorEmulator({ ...v.data.cursor, apiKeys: [KEYS.cursor], enterprise: false });
      extraServers.push(team);
      return { overrides: { baseUrl: team.url } };
    },
    message: (id) =>
      ({
        claude: "HTTP 403: This endpoint requires an Admin API key.",
        openai:
          /^HTTP 403: You have insufficient permissions for this operation\. Missing scopes: api\.usage\.read\./,
        cursor: "HTTP 403: Enterprise access required",
      })[id],
  },
  {
    name: "404 on the usage route",
    error: NotFoundError,
    setup: async () => ({ rules: [{ fault: status(404) }] }),
    message: (id) => (id === "cursor" ? "HTTP 404: Resource not found" : "HTTP 404: Not found"),
  },
  {
    name: "a 200 whose body is not JSON",
    error: ResponseShapeError,
    setup: async () => ({ rules: [{ fault: { kind: "not-json" } }] }),
    message: () => "unexpected response: body is not JSON (content-type text/html)",
  },
  {
    name: "a body without its data array",
    error: ResponseShapeError,
    setup: async (id) => ({ rules: [{ fault: withoutData(id) }] }),
    message: (id) => `unexpected response: ${dataField(id)}: missing (expected array)`,
  },
  {
    name: "a string where a number belongs",
    error: ResponseShapeError,
    setup: async (id) => ({ rules: [{ fault: stringForNumber(id) }] }),
    message: () => /^unexpected response: \S+: expected number, got string$/,
  },
];

describe("permanent faults: one typed error naming the status or field, never retried", () => {
  const table = PLATFORM_IDS.flatMap((id) => PERMANENT.map((c) => [id, c.name, c] as const));
  it.each(table)("%s: %s", async (id, _name, c) => {
    resetBrokenField();
    const { rules = [], overrides } = await c.setup(id);
    const res = await withFaults(id, rules, overrides);
    expect(res.error).toBeInstanceOf(c.error);
    expect((res.error as PlatformError).platform).toBe(id);
    const want = c.message(id);
    if (typeof want === "string") expect(res.error!.message).toBe(want);
    else expect(res.error!.message).toMatch(want);
    if (res.error instanceof ApiError)
      expect(res.error.message).toMatch(new RegExp(`^HTTP ${res.error.status}: `));
    if (brokenField()) {
      expect((res.error as ResponseShapeError).field).toBe(brokenField());
      expect(res.error!.message).toContain(brokenField());
    }
    expect(maxRepeats(res.requests)).toBeLessThanOrEqual(1);
  });
});

/** Single-use answers, each with a fresh cursor: a vendor that never stops paging. */
function endlessPages(count: number): FaultRule[] {
  return Array.from({ length: count }, (_, i) => ({
    times: 1,
    fault: {
      kind: "status",
      status: 200,
      body: { data: [], has_more: true, next_page: `page_endless_${i}` },
    },
  }));
}
const PAGING: Array<{
  id: PlatformId;
  name: string;
  rules: FaultRule[];
  overrides?: Partial<ClientOptions>;
  /** A PagingError with this message, or null when the fetch must complete exactly. */
  message: RegExp | null;
}> = [
  ...(["claude", "openai"] as const).flatMap((id) => [
    {
      id,
      name: "a repeated cursor",
      rules: [{ fault: page200({ data: [], has_more: true, next_page: "page_same" }) }],
      message: /: the API repeated a page cursor$/,
    },
    {
      id,
      name: "has_more: true with no cursor",
      rules: [{ fault: page200({ data: [], has_more: true, next_page: null }) }],
      message: /: has_more is true but no next page cursor was given$/,
    },
    {
      id,
      name: "an endless page count",
      rules: endlessPages(400),
      overrides: { maxPages: 30 },
      message: /: more than 30 pages; stopping$/,
    },
  ]),
  {
    id: "openai",
    name: "the users list repeating its last_id",
    rules: [
      {
        path: "/organization/users",
        fault: page200({ object: "list", data: [], has_more: true, last_id: "user-same" }),
      },
    ],
    message: /^users list: the API repeated a page cursor$/,
  },
  {
    id: "cursor",
    name: "an endless page count (numPages 1,000,000)",
    rules: [
      {
        fault: {
          kind: "mutate",
          mutate: (b) => ({
            ...(b as object),
            totalUsageEventsCount: 999_999_000,
            pagination: { numPages: 1e6 },
          }),
        },
      },
    ],
    message: /^usage events: 1000000 pages in one window; stopping$/,
  },
  {
    id: "cursor",
    name: "hasNextPage: true on every page",
    rules: [
      {
        fault: {
          kind: "mutate",
          mutate: (b) => {
            const body = b as { pagination: Record<string, unknown> };
            return { ...body, pagination: { ...body.pagination, hasNextPage: true } };
          },
        },
      },
    ],
    message: null,
  },
];

describe("paging traps stop with a clear error instead of looping", () => {
  it.each(PAGING.map((c) => [c.id, c.name, c] as const))("%s: %s", async (id, _name, c) => {
    const res = await withFaults(id, c.rules, c.overrides);
    if (c.message === null) {
      expect(res.error).toBeUndefined();
      expect(sorted(res.rows)).toEqual(clean[id]);
      return;
    }
    expect(res.error).toBeInstanceOf(PagingError);
    expect((res.error as PagingError).platform).toBe(id);
    expect(res.error!.message).toMatch(c.message);
    expect(res.ms).toBeLessThan(5_000);
  });
});

it("with no faults left, every platform still returns exactly the clean rows", async () => {
  for (const id of PLATFORM_IDS) {
    const res = await fetchPlatform(id, v, out);
    expect(sorted(res.rows)).toEqual(clean[id]);
  }
});
