import { afterEach, describe, expect, it } from "vitest";
import {
  completionsResult,
  type DayResult,
  type OpenAIUser,
  openaiData,
  rateLimitFault,
  startOpenAIEmulator,
} from "../src/emulators/openai/index.ts";
import { generateOrg } from "../src/emulators/org.ts";
import type { EmulatorServer } from "../src/emulators/server.ts";
import { AuthenticationError, ResponseShapeError, ServerError } from "../src/http/errors.ts";
import { fetchUsageBuckets, usageSlices } from "../src/platforms/openai/client.ts";
import { openai } from "../src/platforms/openai/index.ts";
import type { ClientOptions, DayRange, FetchNotes } from "../src/platforms/types.ts";
import type { UsageRow } from "../src/usage/types.ts";

const KEY = "sk-admin-test";
const NOW = () => new Date("2026-06-01T00:00:00Z");
let server: EmulatorServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const user = (id: string, email: string | null, extra: Partial<OpenAIUser> = {}): OpenAIUser => ({
  object: "organization.user",
  id,
  name: id,
  email,
  role: "reader",
  added_at: 1_700_000_000,
  ...extra,
});
const USERS = [
  user("user-a", "  Alice@Company.COM "),
  user("user-n", null),
  user("user-svc", null, { is_service_account: true }),
];
const UNLISTED = [user("user-u", "ursula@company.com")];

const on = (day: string, input: Parameters<typeof completionsResult>[0]): DayResult => ({
  day,
  result: completionsResult(input),
});
const RESULTS: DayResult[] = [
  on("2026-03-01", {
    userId: "user-a",
    model: "gpt-5",
    requests: 3,
    uncached: 1000,
    cached: 500,
    cacheWrite: 200,
    output: 300,
  }),
  on("2026-03-01", {
    userId: "user-a",
    model: "gpt-4.1-mini-2025-04-14",
    requests: 2,
    uncached: 2000,
    cached: 1000,
    output: 100,
    fields: "old",
  }),
  on("2026-03-01", {
    userId: "user-n",
    model: "o4-mini",
    requests: 5,
    uncached: 10,
    cached: 0,
    output: 10,
    fields: "old",
  }),
  on("2026-03-01", {
    userId: null,
    model: "gpt-5",
    requests: 7,
    uncached: 400,
    cached: 100,
    cacheWrite: 0,
    output: 50,
  }),
  on("2026-03-01", {
    userId: "user-u",
    model: "gpt-5.3-codex",
    requests: 1,
    uncached: 100,
    cached: 0,
    output: 10,
  }),
  on("2026-03-01", {
    userId: "user-r",
    model: "gpt-oss-internal",
    requests: 4,
    uncached: 50,
    cached: 50,
    output: 5,
  }),
  on("2026-03-02", {
    userId: "user-r",
    model: "gpt-oss-internal",
    requests: 6,
    uncached: 60,
    cached: 0,
    output: 6,
  }),
  on("2026-03-02", { userId: "user-svc", model: "gpt-5", requests: 1, uncached: 1, cached: 0, output: 1 }),
];
const RANGE: DayRange[] = [{ since: "2026-03-01", until: "2026-03-02" }];

function client(extra: Partial<ClientOptions> = {}): ClientOptions {
  return {
    baseUrl: server!.url,
    apiKey: KEY,
    fetch: globalThis.fetch,
    backoffScale: 0.001,
    maxAttempts: 3,
    ...extra,
  };
}
async function collect(options: ClientOptions, ranges = RANGE) {
  const notes: FetchNotes = { warnings: [], counters: {} };
  const rows: UsageRow[] = [];
  for await (const row of openai.fetchUsage(options, ranges, notes)) rows.push(row);
  rows.sort((a, b) => `${a.day}${a.identity}${a.model}`.localeCompare(`${b.day}${b.identity}${b.model}`));
  return { rows, notes };
}
const paths = () => server!.requests.map((r) => r.path);
const start = (opts: Partial<Parameters<typeof startOpenAIEmulator>[0]> = {}) =>
  startOpenAIEmulator({ users: USERS, unlistedUsers: UNLISTED, results: RESULTS, now: NOW, ...opts }).then(
    (s) => {
      server = s;
      return s;
    },
  );
const row = (r: Partial<UsageRow>): UsageRow => ({
  platform: "openai",
  day: "2026-03-01",
  identity: "",
  email: null,
  model: "",
  requests: 0,
  inputTokens: 0,
  outputTokens: 0,
  cacheReadTokens: 0,
  cacheWriteTokens: 0,
  costNanos: 0,
  costEstimated: true,
  ...r,
});

describe("openai platform", () => {
  it("splits tokens without double counting, keeps unattributed usage and resolves emails", async () => {
    await start();
    const { rows, notes } = await collect(client());
    expect(rows).toEqual([
      row({
        identity: "(unattributed)",
        model: "gpt-5",
        requests: 7,
        inputTokens: 400,
        cacheReadTokens: 100,
        outputTokens: 50,
        costNanos: 400 * 1250 + 100 * 125 + 50 * 10_000,
      }),
      row({
        identity: "user-a",
        email: "alice@company.com",
        model: "gpt-4.1-mini-2025-04-14",
        requests: 2,
        inputTokens: 2000,
        cacheReadTokens: 1000,
        outputTokens: 100,
        costNanos: 1_060_000,
      }),
      row({
        identity: "user-a",
        email: "alice@company.com",
        model: "gpt-5",
        requests: 3,
        inputTokens: 1000,
        cacheReadTokens: 500,
        cacheWriteTokens: 200,
        outputTokens: 300,
        costNanos: 4_562_500,
      }),
      row({
        identity: "user-n",
        model: "o4-mini",
        requests: 5,
        inputTokens: 10,
        outputTokens: 10,
        costNanos: 10 * 1100 + 10 * 4400,
      }),
      row({
        identity: "user-r",
        model: "gpt-oss-internal",
        requests: 4,
        inputTokens: 50,
        cacheReadTokens: 50,
        outputTokens: 5,
      }),
      row({
        identity: "user-u",
        email: "ursula@company.com",
        model: "gpt-5.3-codex",
        requests: 1,
        inputTokens: 100,
        outputTokens: 10,
        costNanos: 100 * 1750 + 10 * 14_000,
      }),
      row({
        day: "2026-03-02",
        identity: "user-r",
        model: "gpt-oss-internal",
        requests: 6,
        inputTokens: 60,
        outputTokens: 6,
      }),
      row({
        day: "2026-03-02",
        identity: "user-svc",
        model: "gpt-5",
        requests: 1,
        inputTokens: 1,
        outputTokens: 1,
        costNanos: 1250 + 10_000,
      }),
    ]);
    expect(notes.warnings).toEqual([
      'openai: no list price for model "gpt-oss-internal"; its cost is counted as $0 (tokens are kept)',
    ]);
    // One list page; each id missing from the list is looked up once, however often it appears.
    expect(
      paths()
        .filter((p) => p.startsWith("/v1/organization/users"))
        .sort(),
    ).toEqual(["/v1/organization/users", "/v1/organization/users/user-r", "/v1/organization/users/user-u"]);
    const usage = server!.requests.find((r) => r.path.endsWith("/usage/completions"))!;
    expect(decodeURIComponent(usage.query)).toBe(
      `?start_time=${Date.parse("2026-03-01") / 1000}&end_time=${Date.parse("2026-03-03") / 1000}` +
        "&bucket_width=1d&group_by[]=user_id&group_by[]=model&limit=31",
    );
  });

  it("uses price overrides from the options", async () => {
    await start();
    const { rows, notes } = await collect(
      client({
        prices: (m) =>
          m === "gpt-oss-internal" ? { input: 1, cacheRead: 1, cacheWrite: 1, output: 1 } : undefined,
      }),
    );
    expect(rows.filter((r) => r.model === "gpt-oss-internal").map((r) => r.costNanos)).toEqual([
      105_000, 66_000,
    ]);
    expect(notes.warnings.filter((w) => w.includes("no list price"))).toHaveLength(4);
  });

  it("warns and keeps ids when the users endpoint is forbidden", async () => {
    await start();
    server!.inject({
      path: "/v1/organization/users",
      fault: { kind: "status", status: 403, message: "Missing scopes: api.organization.read" },
    });
    const { rows, notes } = await collect(client());
    expect(rows.every((r) => r.email === null)).toBe(true);
    expect(rows.map((r) => r.identity)).toContain("user-a");
    expect(notes.warnings).toContain(
      "openai: cannot list users (HTTP 403: Missing scopes: api.organization.read); showing user ids",
    );
    expect(paths().filter((p) => p.startsWith("/v1/organization/users"))).toEqual(["/v1/organization/users"]);
  });

  it("fails when listing users fails for another reason", async () => {
    await start();
    server!.inject({ path: "/v1/organization/users", fault: { kind: "status", status: 500 } });
    await expect(collect(client({ maxAttempts: 2 }))).rejects.toBeInstanceOf(ServerError);
  });

  it("fetches a 45-day window in 2 usage requests and matches the raw totals", async () => {
    const org = generateOrg({ seed: 11, people: 30 });
    const data = openaiData(org, { since: "2026-03-01", until: "2026-04-14" });
    await start({ users: data.users, results: data.results, unlistedUsers: [] });
    const { rows } = await collect(client(), [{ since: "2026-03-01", until: "2026-04-14" }]);
    expect(paths().filter((p) => p.endsWith("/usage/completions"))).toHaveLength(2);
    expect(paths().filter((p) => p === "/v1/organization/users")).toHaveLength(
      Math.ceil(data.users.length / 100),
    );
    expect(paths().filter((p) => p.startsWith("/v1/organization/users/"))).toHaveLength(1); // the removed user
    const sum = (f: (x: DayResult["result"]) => number) => data.results.reduce((n, r) => n + f(r.result), 0);
    const rowSum = (f: (x: UsageRow) => number) => rows.reduce((n, r) => n + f(r), 0);
    expect(rowSum((r) => r.requests)).toBe(sum((x) => x.num_model_requests));
    expect(rowSum((r) => r.inputTokens + r.cacheReadTokens + r.cacheWriteTokens)).toBe(
      sum((x) => x.input_tokens),
    );
    expect(rowSum((r) => r.outputTokens)).toBe(sum((x) => x.output_tokens));
    expect(rowSum((r) => r.cacheReadTokens)).toBe(sum((x) => x.input_cached_tokens ?? 0));
    expect(new Set(rows.map((r) => r.day)).size).toBe(45);
    expect(rows.some((r) => r.identity === "(unattributed)")).toBe(true);
    const listed = new Map(data.users.map((u) => [u.id, u.email?.toLowerCase() ?? null]));
    for (const r of rows) if (listed.has(r.identity)) expect(r.email).toBe(listed.get(r.identity));
  });

  it("slices windows into at most 31 days", () => {
    const lengths = (since: string, until: string) =>
      usageSlices([{ since, until }]).map((s) => (s.endTime - s.startTime) / 86_400);
    expect(lengths("2026-03-01", "2026-04-14")).toEqual([31, 14]);
    expect(lengths("2026-01-01", "2026-03-03")).toEqual([31, 31]);
    expect(lengths("2026-01-01", "2026-03-04")).toEqual([31, 31, 1]);
  });

  it("merges a bucket split across pages", async () => {
    await start({ resultsPerPage: 2 });
    const split = await collect(client());
    const usageRequests = paths().filter((p) => p.endsWith("/usage/completions")).length;
    await server!.close();
    await start();
    const whole = await collect(client());
    expect(usageRequests).toBe(4);
    expect(split.rows).toEqual(whole.rows);
  });

  it("yields each bucket once, complete, when pages split it", async () => {
    await start({ resultsPerPage: 2 });
    const yielded: Array<[string, number]> = [];
    for await (const buckets of fetchUsageBuckets(client(), usageSlices(RANGE)[0]!))
      for (const b of buckets)
        yielded.push([new Date(b.start_time * 1000).toISOString().slice(0, 10), b.results.length]);
    expect(yielded).toEqual([
      ["2026-03-01", 6],
      ["2026-03-02", 2],
    ]);
  });

  it("raises AuthenticationError without any part of the key", async () => {
    await start();
    const key = "sk-admin-Zq8w3Nf7Lp2Kx9VbT4rWXYZ";
    const err = await collect(client({ apiKey: key })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthenticationError);
    const message = (err as Error).message;
    expect(message).toMatch(/^HTTP 401: Incorrect API key provided/);
    expect(message).not.toContain(key.slice(-4));
    expect(message).not.toContain("sk-admin");
  });

  it("retries 429 and 500", async () => {
    await start();
    server!.inject({ path: "/usage/completions", fault: rateLimitFault(1), times: 1 });
    server!.inject({ path: "/usage/completions", fault: { kind: "status", status: 500 }, times: 1 });
    const { rows } = await collect(client());
    expect(rows).toHaveLength(8);
    expect(
      server!.requests.filter((r) => r.path.endsWith("/usage/completions")).map((r) => r.status),
    ).toEqual([429, 500, 200]);
  });

  it("reports schema drift as a ResponseShapeError naming the field", async () => {
    await start();
    server!.inject({
      path: "/usage/completions",
      fault: {
        kind: "mutate",
        mutate: (body: any) => {
          body.data[0].results[1].input_tokens = "3000";
          return body;
        },
      },
    });
    const err = await collect(client()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ResponseShapeError);
    expect((err as ResponseShapeError).field).toBe("data[0].results[1].input_tokens");
  });

  it("tolerates missing optional fields and unknown new ones", async () => {
    await start();
    server!.inject({
      path: "/usage/completions",
      fault: {
        kind: "mutate",
        mutate: (body: any) => {
          for (const b of body.data)
            for (const r of b.results) {
              delete r.input_uncached_tokens;
              delete r.project_id;
              r.input_reasoning_tokens = 1;
              if (r.model?.startsWith("gpt-4.1")) delete r.input_cached_tokens;
            }
          return body;
        },
      },
    });
    const { rows } = await collect(client());
    // Without input_uncached_tokens, uncached = input − cached − cache writes.
    const alice = rows.find((r) => r.identity === "user-a" && r.model === "gpt-5")!;
    expect([alice.inputTokens, alice.cacheReadTokens, alice.cacheWriteTokens]).toEqual([1000, 500, 200]);
    // With no cached figure at all, everything is uncached input; nothing is invented.
    const old = rows.find((r) => r.identity === "user-a" && r.model.startsWith("gpt-4.1"))!;
    expect([old.inputTokens, old.cacheReadTokens]).toEqual([3000, 0]);
  });
});
