import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  anthropicData,
  type ClaudeCodeRecord,
  claudeCodeRecord,
  startAnthropicEmulator,
} from "../src/emulators/anthropic/index.ts";
import { generateOrg } from "../src/emulators/org.ts";
import type { EmulatorServer } from "../src/emulators/server.ts";
import { AuthenticationError, PagingError, ResponseShapeError } from "../src/http/errors.ts";
import { claude, fetchClaudeBatches } from "../src/platforms/claude/index.ts";
import type { ClientOptions, DayRange } from "../src/platforms/types.ts";
import type { UsageRow } from "../src/usage/types.ts";
import { fetchUsage, newNotes, rowsOf, type TestNotes } from "./batches.ts";

const KEY = "sk-ant-admin01-test";
const NOW = () => new Date("2026-03-20T12:00:00Z");
type M = {
  model: string;
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
  cents: number;
};
const m = (
  model: string,
  input: number,
  output: number,
  cacheRead: number,
  cacheWrite: number,
  cents: number,
): M => ({
  model,
  input,
  output,
  cacheRead,
  cacheWrite,
  cents,
});

const alice = claudeCodeRecord({
  date: "2026-03-10T00:00:00Z",
  email: "alice@company.com",
  sessions: 3,
  models: [m("claude-opus-4-8", 1000, 200, 5000, 300, 7), m("claude-sonnet-5", 400, 50, 0, 0, 1)],
});
// Same person, other row of the day: remote, plain date format, messy email, no subscription_type.
const aliceRemote = claudeCodeRecord({
  date: "2026-03-10",
  email: "  Alice@Company.COM ",
  sessions: 2,
  isRemote: true,
  models: [m("claude-opus-4-8", 600, 100, 1000, 0, 3)],
});
delete aliceRemote.subscription_type;
delete aliceRemote.tool_actions.multi_edit_tool;
const ci = claudeCodeRecord({
  date: "2026-03-10T00:00:00Z",
  apiKeyName: "ci-pipeline",
  sessions: 4,
  models: [m("claude-sonnet-4-5-20250929", 10000, 2000, 0, 500, 8)],
});
const bob = claudeCodeRecord({
  date: "2026-03-11T00:00:00Z",
  email: "bob@company.com",
  sessions: 5,
  models: [m("claude-haiku-4-5-20251001", 3000, 700, 9000, 100, 2)],
});
const bobNoModel = claudeCodeRecord({
  date: "2026-03-11T00:00:00Z",
  email: "bob@company.com",
  sessions: 1,
  models: [],
});
// Seven people on one day: with a page size of 2 that day takes four pages.
const crowd = Array.from({ length: 7 }, (_, i) =>
  claudeCodeRecord({
    date: "2026-03-12T00:00:00Z",
    email: `dev${i}@company.com`,
    sessions: 1,
    models: [m("claude-sonnet-5", 100 * (i + 1), 10, 0, 0, i)],
  }),
);
const RECORDS: ClaudeCodeRecord[] = [alice, aliceRemote, ci, bob, bobNoModel, ...crowd];
const RANGES: DayRange[] = [
  { since: "2026-03-10", until: "2026-03-11" },
  { since: "2026-03-12", until: "2026-03-13" },
];
// requests 3+2+4+5+1+7; tokens and cents summed by hand from the records above.
const TOTALS = {
  requests: 22,
  tokens: 6500 + 450 + 1700 + 12500 + 12800 + 2800 + 70,
  costNanos: 42 * 10_000_000,
};

let server: EmulatorServer;
beforeAll(async () => {
  server = await startAnthropicEmulator({ records: RECORDS, now: NOW });
});
afterAll(() => server.close());
afterEach(() => {
  server.clearFaults();
  server.requests.length = 0;
});

function client(over: Partial<ClientOptions> = {}): ClientOptions {
  return {
    baseUrl: server.url,
    apiKey: KEY,
    fetch: globalThis.fetch,
    backoffScale: 0.001,
    now: NOW,
    ...over,
  };
}

async function collect(opts: ClientOptions = client(), notes: TestNotes = newNotes()) {
  const rows: UsageRow[] = [];
  for await (const row of rowsOf(fetchClaudeBatches(opts, RANGES, notes, { pageLimit: 2 }), notes))
    rows.push(row);
  return rows.sort((a, b) =>
    `${a.day}${a.identity}${a.model}`.localeCompare(`${b.day}${b.identity}${b.model}`),
  );
}

function totals(rows: UsageRow[]) {
  return {
    requests: rows.reduce((s, r) => s + r.requests, 0),
    tokens: rows.reduce(
      (s, r) => s + r.inputTokens + r.outputTokens + r.cacheReadTokens + r.cacheWriteTokens,
      0,
    ),
    costNanos: rows.reduce((s, r) => s + r.costNanos, 0),
  };
}

const usagePath = (r: { path: string }) => r.path.endsWith("/usage_report/claude_code");

describe("claude platform against the emulator", () => {
  it("sums an actor's rows per day and model, with exact totals", async () => {
    const rows = await collect();
    const row = (day: string, identity: string, model: string) =>
      rows.find((r) => r.day === day && r.identity === identity && r.model === model);
    const base = { platform: "claude", costEstimated: false };
    expect(row("2026-03-10", "alice@company.com", "claude-opus-4-8")).toEqual({
      ...base,
      day: "2026-03-10",
      identity: "alice@company.com",
      email: "alice@company.com",
      model: "claude-opus-4-8",
      requests: 5,
      inputTokens: 1600,
      outputTokens: 300,
      cacheReadTokens: 6000,
      cacheWriteTokens: 300,
      costNanos: 100_000_000,
      // Exact activity figures: test/activity-claude.test.ts.
      activity: expect.any(Object),
    });
    expect(row("2026-03-10", "alice@company.com", "claude-sonnet-5")).toMatchObject({
      requests: 0,
      costNanos: 10_000_000,
    });
    expect(row("2026-03-10", "api-key:ci-pipeline", "claude-sonnet-4-5-20250929")).toMatchObject({
      email: null,
      requests: 4,
      inputTokens: 10000,
      cacheWriteTokens: 500,
      costNanos: 80_000_000,
    });
    expect(row("2026-03-11", "bob@company.com", "(none)")).toMatchObject({
      requests: 1,
      inputTokens: 0,
      costNanos: 0,
    });
    expect(rows.filter((r) => r.identity.includes("alice"))).toHaveLength(2);
    expect(rows).toHaveLength(2 + 1 + 2 + 7);
    expect(totals(rows)).toEqual(TOTALS);
    // 2 + 1 + 4 + 1 pages for the four days.
    expect(server.requests.filter(usagePath)).toHaveLength(8);
  });

  it("sends the key, version and user agent, and pages with the cursor", async () => {
    const seen: Headers[] = [];
    const spy: typeof fetch = (input, init) => {
      seen.push(new Headers(init?.headers));
      return globalThis.fetch(input, init);
    };
    await collect(client({ fetch: spy }));
    expect(seen[0]!.get("x-api-key")).toBe(KEY);
    expect(seen[0]!.get("anthropic-version")).toBe("2023-06-01");
    expect(seen[0]!.get("user-agent")).toMatch(/^ai-usage\/\d+\.\d+\.\d+/);
    const queries = server.requests.filter(usagePath).map((r) => new URLSearchParams(r.query));
    expect(queries.every((q) => q.get("limit") === "2")).toBe(true);
    expect(queries.filter((q) => q.get("starting_at") === "2026-03-12" && q.has("page"))).toHaveLength(3);
  });

  it("keeps a proxy path prefix in the base URL", async () => {
    expect(totals(await collect(client({ baseUrl: `${server.url}/proxy/` })))).toEqual(TOTALS);
    expect(server.requests.every((r) => r.path === "/proxy/v1/organizations/usage_report/claude_code")).toBe(
      true,
    );
  });

  it("401 is an AuthenticationError without the key, and is not retried", async () => {
    const bad = "sk-ant-admin01-wrong-key";
    const err = await collect(client({ apiKey: bad })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthenticationError);
    expect((err as Error).message).toBe("HTTP 401: invalid x-api-key");
    expect(JSON.stringify(err) + String((err as Error).stack)).not.toContain(bad);
    expect(server.requests.length).toBeLessThanOrEqual(4); // one per day in flight, none repeated
    expect(new Set(server.requests.map((r) => r.query)).size).toBe(server.requests.length);
  });

  it.each([
    ["429 with retry-after", { kind: "status", status: 429, headers: { "retry-after": "2" } }],
    ["529 overloaded", { kind: "status", status: 529 }],
    ["500 api_error", { kind: "status", status: 500 }],
    ["connection reset", { kind: "reset" }],
    ["truncated body", { kind: "truncate" }],
  ] as const)("retries a %s and still gets exact totals", async (_name, fault) => {
    server.inject({ fault, times: 2, skip: 1 });
    expect(totals(await collect())).toEqual(TOTALS);
    expect(server.requests.filter(usagePath)).toHaveLength(10);
  });

  type Body = {
    data: Array<{
      actor: Record<string, unknown>;
      model_breakdown: Array<{ tokens: Record<string, unknown>; estimated_cost: Record<string, unknown> }>;
    }>;
    has_more?: boolean;
  };
  it.each([
    [
      (b: Body) => {
        const target = b.data[1]?.model_breakdown[0];
        if (target) target.tokens.input = "1000";
      },
      "data[1].model_breakdown[0].tokens.input",
      "expected number, got string",
    ],
    [
      (b: Body) => b.data[0] && delete b.data[0].actor.email_address,
      "data[0].actor.email_address",
      "missing (expected string)",
    ],
    [
      (b: Body) => {
        const target = b.data[0]?.model_breakdown[0];
        if (target) target.estimated_cost.amount = 1.41;
      },
      "data[0].model_breakdown[0].estimated_cost.amount",
      "expected integer, got number 1.41",
    ],
    [(b: Body) => delete b.has_more, "has_more", "missing (expected boolean)"],
  ])("schema drift names the offending field (%#)", async (change, field, detail) => {
    server.inject({
      fault: {
        kind: "mutate",
        mutate: (body) => {
          change(body as Body);
          return body;
        },
      },
    });
    const err = await collect().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ResponseShapeError);
    expect((err as ResponseShapeError).field).toBe(field);
    expect((err as Error).message).toBe(`unexpected response: ${field}: ${detail}`);
  });

  it("a repeated cursor is a PagingError", async () => {
    let first: string | undefined;
    server.inject({
      fault: {
        kind: "mutate",
        mutate: (body, req) => {
          const b = body as { next_page: string | null };
          if (req.query.get("starting_at") !== "2026-03-12" || !b.next_page) return b;
          first ??= b.next_page;
          return { ...b, next_page: first };
        },
      },
    });
    const err = await collect().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PagingError);
    expect((err as Error).message).toMatch(/repeated a page cursor/);
  });

  it("has_more without a cursor is a PagingError", async () => {
    server.inject({
      fault: { kind: "mutate", mutate: (body) => ({ ...(body as object), has_more: true, next_page: null }) },
    });
    const err = await collect().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PagingError);
    expect((err as Error).message).toMatch(/has_more is true but no next page cursor/);
  });
});

describe("claude platform: streaming, concurrency, generated org", () => {
  const org = generateOrg({ seed: 3, people: 10 });
  const range = { since: "2026-03-01", until: "2026-03-10" };
  const records = anthropicData(org, range);
  let orgServer: EmulatorServer;
  beforeAll(async () => {
    orgServer = await startAnthropicEmulator({ records, now: NOW, latencyMs: 15 });
  });
  afterAll(() => orgServer.close());

  it("bounds days in flight to 4 and yields the first day before the last is requested", async () => {
    let inFlight = 0;
    let peak = 0;
    let started = 0;
    const counting: typeof fetch = async (input, init) => {
      started++;
      peak = Math.max(peak, ++inFlight);
      try {
        return await globalThis.fetch(input, init);
      } finally {
        inFlight--;
      }
    };
    const opts = { baseUrl: orgServer.url, apiKey: KEY, fetch: counting, now: NOW };
    let startedAtFirstRow: number | undefined;
    for await (const _row of fetchUsage(claude, opts, [range], newNotes())) startedAtFirstRow ??= started;
    expect(peak).toBe(4);
    expect(started).toBe(10);
    expect(startedAtFirstRow).toBeLessThan(10);
  });

  it("matches the generated records exactly and merges messy emails", async () => {
    const rows: UsageRow[] = [];
    const opts = { baseUrl: orgServer.url, apiKey: KEY, fetch: globalThis.fetch, now: NOW };
    for await (const row of fetchUsage(claude, opts, [range], newNotes())) rows.push(row);
    const models = records.flatMap((r) => r.model_breakdown);
    expect(totals(rows)).toEqual({
      requests: records.reduce((s, r) => s + r.core_metrics.num_sessions, 0),
      tokens: models.reduce(
        (s, x) => s + x.tokens.input + x.tokens.output + x.tokens.cache_read + x.tokens.cache_creation,
        0,
      ),
      costNanos: models.reduce((s, x) => s + x.estimated_cost.amount, 0) * 10_000_000,
    });
    expect(rows.every((r) => r.identity === r.identity.trim().toLowerCase())).toBe(true);
    const keys = rows.map((r) => `${r.day}|${r.identity}|${r.model}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it("describes itself as the claude platform", () => {
    expect(claude).toMatchObject({
      id: "claude",
      keyEnv: ["ANTHROPIC_ADMIN_API_KEY"],
      baseUrlEnv: "ANTHROPIC_ADMIN_BASE_URL",
      defaultBaseUrl: "https://api.anthropic.com",
    });
  });
});
