import "../src/platforms/registry.ts";
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
import type { ClientOptions, DayRange } from "../src/platforms/types.ts";
import type { UsageRow } from "../src/usage/types.ts";
import { fetchUsage, newNotes, type TestNotes } from "./batches.ts";

const KEY = "sk-admin-test";
type Page = { data: Array<{ results: Array<Record<string, unknown> & { model?: string }> }> };
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

/** One result: [day, user, model, requests, uncached, cached, cache writes ("old" = old field set), output]. */
type Spec = [string, string | null, string, number, number, number, number | "old", number];
const on = ([day, userId, model, requests, uncached, cached, write, output]: Spec): DayResult => ({
  day,
  result: completionsResult({
    userId,
    model,
    requests,
    uncached,
    cached,
    output,
    ...(write === "old" ? { fields: "old" } : { cacheWrite: write }),
  }),
});
const RESULTS: DayResult[] = (
  [
    ["2026-03-01", "user-a", "gpt-5", 3, 1000, 500, 200, 300],
    ["2026-03-01", "user-a", "gpt-4.1-mini-2025-04-14", 2, 2000, 1000, "old", 100],
    ["2026-03-01", "user-n", "o4-mini", 5, 10, 0, "old", 10],
    ["2026-03-01", null, "gpt-5", 7, 400, 100, 0, 50],
    ["2026-03-01", "user-u", "gpt-5.3-codex", 1, 100, 0, 0, 10],
    ["2026-03-01", "user-r", "gpt-oss-internal", 4, 50, 50, 0, 5],
    ["2026-03-02", "user-r", "gpt-oss-internal", 6, 60, 0, 0, 6],
    ["2026-03-02", "user-svc", "gpt-5", 1, 1, 0, 0, 1],
  ] satisfies Spec[]
).map(on);
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
  const notes: TestNotes = newNotes();
  const rows: UsageRow[] = [];
  for await (const row of fetchUsage(openai, options, ranges, notes)) rows.push(row);
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
/** An expected row: [day, identity, email, model, requests, input, cache read, cache write, output, cost]. */
type Expected = [string, string, string | null, string, number, number, number, number, number, number];
const row = ([
  day,
  identity,
  email,
  model,
  requests,
  input,
  read,
  write,
  output,
  cost,
]: Expected): UsageRow => ({
  platform: "openai",
  day,
  identity,
  email,
  model,
  requests,
  inputTokens: input,
  outputTokens: output,
  cacheReadTokens: read,
  cacheWriteTokens: write,
  costNanos: cost,
  costEstimated: true,
});

describe("openai platform", () => {
  it("splits tokens without double counting, keeps unattributed usage and resolves emails", async () => {
    await start();
    const { rows, notes } = await collect(client());
    const alice = "alice@company.com";
    const expected: Expected[] = [
      // gpt-5 per token: 1250 input, 125 cache read, 1250 cache write, 10000 output nanos.
      [
        "2026-03-01",
        "(unattributed)",
        null,
        "gpt-5",
        7,
        400,
        100,
        0,
        50,
        400 * 1250 + 100 * 125 + 50 * 10_000,
      ],
      ["2026-03-01", "user-a", alice, "gpt-4.1-mini-2025-04-14", 2, 2000, 1000, 0, 100, 1_060_000],
      ["2026-03-01", "user-a", alice, "gpt-5", 3, 1000, 500, 200, 300, 4_562_500],
      ["2026-03-01", "user-n", null, "o4-mini", 5, 10, 0, 0, 10, 10 * 1100 + 10 * 4400],
      ["2026-03-01", "user-r", null, "gpt-oss-internal", 4, 50, 50, 0, 5, 0],
      [
        "2026-03-01",
        "user-u",
        "ursula@company.com",
        "gpt-5.3-codex",
        1,
        100,
        0,
        0,
        10,
        100 * 1750 + 10 * 14_000,
      ],
      ["2026-03-02", "user-r", null, "gpt-oss-internal", 6, 60, 0, 0, 6, 0],
      ["2026-03-02", "user-svc", null, "gpt-5", 1, 1, 0, 0, 1, 1250 + 10_000],
    ];
    expect(rows).toEqual(expected.map(row));
    // Unpriced models keep their tokens at $0; the report names them once (src/cli/report.ts).
    expect(notes.warnings).toEqual([]);
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
    expect(rows.filter((r) => r.model !== "gpt-oss-internal").every((r) => r.costNanos === 0)).toBe(true);
    expect(notes.warnings).toEqual([]);
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

  it("fetches the slices and the users list at the same time", async () => {
    await start({ latencyMs: 300 });
    await collect(client(), [{ since: "2026-01-01", until: "2026-03-02" }]);
    const first = server!.requests.filter((r) => !r.path.startsWith("/v1/organization/users/"));
    expect(first.map((r) => r.path).sort()).toEqual([
      "/v1/organization/usage/completions",
      "/v1/organization/usage/completions",
      "/v1/organization/users",
    ]);
    // Sequential requests would be answered at least 300 ms apart.
    const times = first.map((r) => r.at);
    expect(Math.max(...times) - Math.min(...times)).toBeLessThan(200);
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
        mutate: (body) => {
          (body as Page).data[0]!.results[1]!.input_tokens = "3000";
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
        mutate: (body) => {
          for (const b of (body as Page).data)
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
