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
import type { PlatformId, UsageRow } from "../src/usage/types.ts";
import type { RunOptions } from "./cli.ts";
import {
  CLI_RANGE,
  expectedSums,
  expectNoStack,
  fetchPlatform,
  KEYS,
  NON_ADMIN_KEYS,
  OutputLog,
  PLATFORM_IDS,
  RANGE,
  runRecorded,
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
const USAGE_PATH: Record<PlatformId, string> = {
  claude: "/usage_report/claude_code",
  openai: "/usage/completions",
  cursor: "/filtered-usage-events",
};

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

/** The most times any one request (same path, query and body) was sent. */
function maxRepeats(requests: readonly LoggedRequest[]): number {
  const seen = new Map<string, number>();
  for (const r of requests) {
    const key = `${r.method} ${r.path}${r.query} ${JSON.stringify(r.body)}`;
    seen.set(key, (seen.get(key) ?? 0) + 1);
  }
  return Math.max(0, ...seen.values());
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

const status = (code: number, headers?: Record<string, string>): Fault => ({
  kind: "status",
  status: code,
  headers,
});

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

/** The field a mutation broke, recorded by the mutation itself. */
let broken = "";

function stringForNumber(id: PlatformId): Fault {
  return {
    kind: "mutate",
    mutate: (body) => {
      // A copy: the Cursor emulator shares nested objects with its stored events.
      // biome-ignore lint/suspicious/noExplicitAny: reaching into vendor JSON to break one field
      const b = structuredClone(body) as Record<string, any>;
      if (id === "claude" && b.data[0]) {
        b.data[0].core_metrics.num_sessions = String(b.data[0].core_metrics.num_sessions);
        broken = "data[0].core_metrics.num_sessions";
      }
      if (id === "openai") {
        const i = b.data.findIndex((bucket: { results: unknown[] }) => bucket.results.length > 0);
        b.data[i].results[0].num_model_requests = "12";
        broken = `data[${i}].results[0].num_model_requests`;
      }
      if (id === "cursor") {
        const i = b.usageEvents.findIndex((e: { tokenUsage?: unknown }) => e.tokenUsage);
        b.usageEvents[i].tokenUsage.inputTokens = "1200";
        broken = `usageEvents[${i}].tokenUsage.inputTokens`;
      }
      return b;
    },
  };
}

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
    broken = "";
    const { rules = [], overrides } = await c.setup(id);
    const res = await withFaults(id, rules, overrides);
    expect(res.error).toBeInstanceOf(c.error);
    expect((res.error as PlatformError).platform).toBe(id);
    const want = c.message(id);
    if (typeof want === "string") expect(res.error!.message).toBe(want);
    else expect(res.error!.message).toMatch(want);
    if (res.error instanceof ApiError)
      expect(res.error.message).toMatch(new RegExp(`^HTTP ${res.error.status}: `));
    if (broken) {
      expect((res.error as ResponseShapeError).field).toBe(broken);
      expect(res.error!.message).toContain(broken);
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
const page200 = (body: unknown): Fault => ({ kind: "status", status: 200, body });

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

type Json = {
  platforms: Array<{ platform: string; status: string; message: string | null }>;
  users: Array<{ platforms: Array<{ platform: string; requests: number; tokens: number }> }>;
  totals: { requests: number; tokens: number };
};

function platformSums(json: Json, id: PlatformId) {
  const sum = { requests: 0, tokens: 0 };
  for (const u of json.users)
    for (const p of u.platforms)
      if (p.platform === id) {
        sum.requests += p.requests;
        sum.tokens += p.tokens;
      }
  return sum;
}

describe("the CLI, spawned, with faults on the wire", () => {
  const ARGS = [...CLI_RANGE, "--json", "--verbose"];
  const run = (args: string[], env: Record<string, string> = {}, options?: RunOptions) =>
    runRecorded(out, args, { ...v.env, ...env }, options);

  it("transient faults on every platform: the same exact report as a clean run, exit 0", async () => {
    v.clearFaults();
    const cleanRun = await run(ARGS);
    v.claude.inject({ fault: status(429, { "retry-after": "0" }), times: 2 });
    v.claude.inject({ fault: status(529, { "retry-after-ms": "0" }), times: 1 });
    v.openai.inject({ fault: { kind: "reset" }, times: 1, path: USAGE_PATH.openai });
    v.openai.inject({ fault: status(502, { "retry-after": "0" }), times: 1 });
    v.cursor.inject({ fault: { kind: "truncate" }, times: 1 });
    v.cursor.inject({ fault: status(503, { "retry-after": "0" }), times: 1 });
    const res = await run(ARGS).finally(v.clearFaults);
    expect(res.code).toBe(0);
    expect(res.stdout).toBe(cleanRun.stdout);
    expect(res.stderr).toMatch(/^claude: GET \S+ → HTTP 429: .* \(will retry\)$/m);
    expect(res.stderr).toMatch(/^openai: GET \S+ → .* \(will retry\)$/m);
    expect(res.stderr).toMatch(/^cursor: POST \S+ → HTTP 503: .* \(will retry\)$/m);
    expect(res.stderr).not.toMatch(/: error: /);
    expectNoStack(res.stderr);
    const json = JSON.parse(res.stdout) as Json;
    const want = expectedSums(v.data);
    for (const id of PLATFORM_IDS) expect(platformSums(json, id)).toEqual(want[id]);
    expect(json.totals.requests).toBe(want.claude.requests + want.openai.requests + want.cursor.requests);
  });

  it("permanent faults on two platforms: status error with the message, the third renders, exit 0", async () => {
    v.openai.inject({ path: USAGE_PATH.openai, fault: stringForNumber("openai") });
    const res = await run(ARGS, { CURSOR_ADMIN_API_KEY: WRONG_KEYS.cursor }).finally(v.clearFaults);
    expect(res.code).toBe(0);
    const openaiMessage = `unexpected response: ${broken}: expected number, got string`;
    const json = JSON.parse(res.stdout) as Json;
    expect(json.platforms).toEqual([
      { platform: "claude", status: "ok", message: null },
      { platform: "openai", status: "error", message: openaiMessage },
      { platform: "cursor", status: "error", message: "HTTP 401: Invalid API key" },
    ]);
    expect(res.stderr).toContain(`\nopenai: error: ${openaiMessage}\n`);
    expect(res.stderr).toMatch(/^cursor: error: HTTP 401: Invalid API key$/m);
    expect(platformSums(json, "claude")).toEqual(expectedSums(v.data).claude);
    expect(json.totals.requests).toBe(expectedSums(v.data).claude.requests);
    expectNoStack(res.stderr);
  });

  it("the table still renders beside a failed platform, and the failure is one stderr line", async () => {
    v.cursor.inject({ fault: { kind: "not-json" } });
    const res = await run(CLI_RANGE).finally(v.clearFaults);
    expect(res.code).toBe(0);
    expect(res.stdout.split("\n")[0]).toBe(`AI Coding Usage Leaderboard (${RANGE.since} – ${RANGE.until})`);
    expect(res.stderr).toContain(
      "cursor: error: unexpected response: body is not JSON (content-type text/html)\n",
    );
    expectNoStack(res.stderr);
  });

  it("a request that keeps failing becomes the platform's error after bounded retries", async () => {
    v.openai.inject({ path: USAGE_PATH.openai, fault: status(503, { "retry-after": "0" }) });
    const since = v.openai.requests.length;
    const res = await run(ARGS).finally(v.clearFaults);
    expect(res.code).toBe(0);
    expect(res.stderr).toMatch(
      /^openai: error: HTTP 503: The engine is currently overloaded, please try again later/m,
    );
    expect(maxRepeats(v.openai.requests.slice(since))).toBe(DEFAULT_MAX_ATTEMPTS);
    expectNoStack(res.stderr);
  });

  it("a paging trap is a platform error, not a hang", async () => {
    v.claude.inject({ fault: page200({ data: [], has_more: true, next_page: "page_same" }) });
    const res = await run(ARGS).finally(v.clearFaults);
    expect(res.code).toBe(0);
    expect(res.stderr).toMatch(
      /^claude: error: claude_code usage for 2026-11-0\d: the API repeated a page cursor$/m,
    );
    expectNoStack(res.stderr);
  });

  it("every platform failing exits 1, naming each, without a stack trace", async () => {
    v.cursor.inject({ fault: status(404) });
    const res = await run(ARGS, {
      ANTHROPIC_ADMIN_API_KEY: NON_ADMIN_KEYS.claude,
      OPENAI_ORG_API_KEY: NON_ADMIN_KEYS.openai,
    }).finally(v.clearFaults);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(
      /^claude: error: HTTP 403: This endpoint requires an Admin API key\.( \(request id req_\w+\))?$/m,
    );
    expect(res.stderr).toMatch(
      /^openai: error: HTTP 403: You have insufficient permissions .*api\.usage\.read/m,
    );
    expect(res.stderr).toMatch(/^cursor: error: HTTP 404: Resource not found$/m);
    expect((JSON.parse(res.stdout) as Json).platforms.map((p) => p.status)).toEqual([
      "error",
      "error",
      "error",
    ]);
    expectNoStack(res.stderr);
  });

  it("Ctrl-C stops in-flight requests promptly and exits 130", async () => {
    v.openai.inject({ fault: { kind: "slow", delayMs: 20_000 } });
    v.cursor.inject({ fault: { kind: "slow", delayMs: 20_000 } });
    const since = v.claude.requests.length;
    let signalled = 0;
    const res = await run(
      [...CLI_RANGE, "--verbose"],
      {},
      {
        timeoutMs: 15_000,
        onSpawn: (child) => {
          // Claude answers at once: once it has, the CLI is running and the other two are in flight.
          const poll = setInterval(() => {
            if (v.claude.requests.length - since < 7) return;
            clearInterval(poll);
            setTimeout(() => {
              signalled = Date.now();
              child.kill("SIGINT");
            }, 200);
          }, 20);
        },
      },
    ).finally(v.clearFaults);
    const took = Date.now() - signalled;
    expect(signalled).toBeGreaterThan(0);
    expect(res.code).toBe(130);
    expect(took).toBeLessThan(2_000);
    expect(res.stdout).toBe("");
    expect(res.stderr).toMatch(/(^|\n)ai-usage: interrupted\n$/);
    expectNoStack(res.stderr);
  });
});
