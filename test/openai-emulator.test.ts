import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type CompletionsResult,
  completionsResult,
  type DayResult,
  type OpenAIUser,
  openaiData,
  rateLimitFault,
  startOpenAIEmulator,
} from "../src/emulators/openai/index.ts";
import { generateOrg } from "../src/emulators/org.ts";
import type { EmulatorServer } from "../src/emulators/server.ts";

interface Bucket {
  object: string;
  start_time: number;
  end_time: number;
  results: CompletionsResult[];
}
/** The fields these tests read from usage pages, user lists, users and errors. */
interface Body {
  object: string;
  data: Bucket[];
  has_more: boolean;
  next_page: string | null;
  first_id?: string;
  last_id?: string;
  email?: string | null;
  error: { message: string; type: string; param: null; code: string | null };
}

const DAY = 86_400;
const MAR1 = Date.parse("2026-03-01T00:00:00Z") / 1000;
const KEY = "sk-admin-test";

const user = (id: string, email: string | null): OpenAIUser => ({
  object: "organization.user",
  id,
  name: id,
  email,
  role: "reader",
  added_at: 1_700_000_000,
});
const users = Array.from({ length: 25 }, (_, i) => user(`user-${String(i).padStart(2, "0")}`, `u${i}@x.com`));
const r = (
  day: string,
  userId: string | null,
  model: string,
  requests: number,
  projectId = "proj_a",
): DayResult => ({
  day,
  result: completionsResult({
    userId,
    model,
    requests,
    uncached: 100,
    cached: 50,
    cacheWrite: 10,
    output: 20,
    projectId,
  }),
});
const results: DayResult[] = [
  r("2026-03-01", "user-00", "gpt-5", 1, "proj_a"),
  r("2026-03-01", "user-00", "gpt-5", 2, "proj_b"),
  r("2026-03-01", "user-00", "o4-mini", 4),
  r("2026-03-01", "user-01", "gpt-5", 8),
  r("2026-03-01", null, "gpt-5", 16),
  r("2026-03-03", "user-01", "o4-mini", 32),
];

let server: EmulatorServer;
beforeAll(async () => {
  server = await startOpenAIEmulator({ users, results, now: () => new Date("2026-03-31T10:00:00Z") });
});
afterAll(() => server.close());

async function get(path: string, key: string | null = KEY) {
  const res = await fetch(`${server.url}${path}`, { headers: key ? { authorization: `Bearer ${key}` } : {} });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Body };
}
const usage = (query: string) => get(`/v1/organization/usage/completions?${query}`);

describe("OpenAI emulator: usage/completions", () => {
  it("accepts all three group_by encodings alike and groups per combination", async () => {
    const base = `start_time=${MAR1}&end_time=${MAR1 + 3 * DAY}&bucket_width=1d`;
    const a = await usage(`${base}&group_by[]=user_id&group_by[]=model`);
    const b = await usage(`${base}&group_by=user_id&group_by=model`);
    const c = await usage(`${base}&group_by=user_id,model`);
    expect(a.status).toBe(200);
    expect(b.body).toEqual(a.body);
    expect(c.body).toEqual(a.body);
    const day1 = a.body.data[0]!.results;
    expect(day1.map((x) => [x.user_id, x.model, x.num_model_requests])).toEqual([
      ["user-00", "gpt-5", 3],
      ["user-00", "o4-mini", 4],
      ["user-01", "gpt-5", 8],
      [null, "gpt-5", 16],
    ]);
    // Two projects summed: input_tokens = 2 × (100 + 50 + 10).
    expect(day1[0]).toMatchObject({
      object: "organization.usage.completions.result",
      input_tokens: 320,
      input_cached_tokens: 100,
      input_cache_write_tokens: 20,
      input_uncached_tokens: 200,
      output_tokens: 40,
      project_id: null,
      api_key_id: null,
      batch: null,
      service_tier: null,
    });
  });

  it("returns one all-null aggregate per bucket without group_by", async () => {
    const res = await usage(`start_time=${MAR1}&end_time=${MAR1 + DAY}`);
    expect(res.body.data).toHaveLength(1);
    const only = res.body.data[0]!.results[0]!;
    expect(only.num_model_requests).toBe(31);
    expect([only.user_id, only.model, only.project_id]).toEqual([null, null, null]);
  });

  it("groups by project only", async () => {
    const res = await usage(`start_time=${MAR1}&end_time=${MAR1 + DAY}&group_by[]=project_id`);
    expect(res.body.data[0]!.results.map((x) => [x.project_id, x.num_model_requests, x.model])).toEqual([
      ["proj_a", 29, null],
      ["proj_b", 2, null],
    ]);
  });

  it("filters with user_ids and models", async () => {
    const res = await usage(`start_time=${MAR1}&end_time=${MAR1 + DAY}&user_ids=user-00&models[]=o4-mini`);
    expect(res.body.data[0]!.results[0]!.num_model_requests).toBe(4);
  });

  it("clips the first bucket to start_time and returns empty buckets", async () => {
    const start = MAR1 + 6 * 3600 + 31 * 60 + 20; // 06:31:20
    const res = await usage(`start_time=${start}&end_time=${MAR1 + 3 * DAY}&group_by=user_id`);
    expect(res.body.object).toBe("page");
    expect(res.body.data.map((b) => [b.object, b.start_time, b.end_time])).toEqual([
      ["bucket", MAR1 + 6 * 3600 + 31 * 60, MAR1 + DAY],
      ["bucket", MAR1 + DAY, MAR1 + 2 * DAY],
      ["bucket", MAR1 + 2 * DAY, MAR1 + 3 * DAY],
    ]);
    expect(res.body.data[0]!.results).toHaveLength(3);
    expect(res.body.data[1]!.results).toEqual([]);
    expect(res.body.data[2]!.results).toHaveLength(1);
    // Usage is stamped at noon: a first bucket starting after noon has none of that day's.
    const late = await usage(`start_time=${MAR1 + 13 * 3600}&end_time=${MAR1 + DAY}`);
    expect(late.body.data[0]!.results).toEqual([]);
  });

  it("defaults limit to 7 buckets (1d), caps at 31, and rejects bad parameters", async () => {
    const def = await usage(`start_time=${MAR1}&end_time=${MAR1 + 20 * DAY}`);
    expect(def.body.data).toHaveLength(7);
    expect(def.body.has_more).toBe(true);
    expect((await usage(`start_time=${MAR1}&end_time=${MAR1 + 40 * DAY}&limit=31`)).body.data).toHaveLength(
      31,
    );
    const over = await usage(`start_time=${MAR1}&limit=32`);
    expect(over.status).toBe(400);
    expect(over.body.error).toMatchObject({ type: "invalid_request_error", param: null });
    expect((await usage(`start_time=${MAR1}&bucket_width=1h&limit=168`)).status).toBe(200);
    expect((await usage(`start_time=${MAR1}&bucket_width=1h&limit=169`)).status).toBe(400);
    expect((await usage(`start_time=${MAR1}&bucket_width=1w`)).status).toBe(400);
    expect((await usage(`start_time=${MAR1}&limit=0`)).status).toBe(400);
    expect((await usage(`start_time=${MAR1}&group_by=team`)).status).toBe(400);
    const missing = await usage("bucket_width=1d");
    expect(missing.status).toBe(400);
    expect(missing.body.error.message).toContain("start_time");
  });

  it("defaults end_time to now and serves nothing after today", async () => {
    const res = await usage(`start_time=${MAR1 + 28 * DAY}&limit=31`);
    expect(res.body.data.map((b) => b.start_time)).toEqual([
      MAR1 + 28 * DAY,
      MAR1 + 29 * DAY,
      MAR1 + 30 * DAY,
    ]);
    expect(res.body.data[2]!.end_time).toBe(Date.parse("2026-03-31T10:00:00Z") / 1000);
  });

  it("pages over buckets with an opaque cursor until has_more is false", async () => {
    const base = `start_time=${MAR1}&end_time=${MAR1 + 5 * DAY}&limit=2&group_by[]=user_id`;
    const starts: number[] = [];
    let page: string | null = null;
    let pages = 0;
    do {
      const res = await usage(page ? `${base}&page=${encodeURIComponent(page)}` : base);
      pages++;
      starts.push(...res.body.data.map((b) => b.start_time));
      page = res.body.next_page;
      if (res.body.has_more) expect(page).toMatch(/^page_/);
      else expect(page).toBeNull();
    } while (page);
    expect(pages).toBe(3);
    expect(starts).toEqual([0, 1, 2, 3, 4].map((i) => MAR1 + i * DAY));
    expect((await usage(`${base}&page=page_bogus`)).status).toBe(400);
  });

  it("can split one bucket's results across pages", async () => {
    const split = await startOpenAIEmulator({
      users,
      results,
      resultsPerPage: 3,
      now: () => new Date("2026-03-31"),
    });
    try {
      const q = `start_time=${MAR1}&end_time=${MAR1 + 2 * DAY}&group_by=user_id,model`;
      const first = await fetch(`${split.url}/v1/organization/usage/completions?${q}`, {
        headers: { authorization: `Bearer ${KEY}` },
      }).then((x) => x.json() as Promise<Body>);
      expect(first.data).toHaveLength(1);
      expect(first.data[0]!.results).toHaveLength(3);
      const second = await fetch(
        `${split.url}/v1/organization/usage/completions?${q}&page=${encodeURIComponent(first.next_page ?? "")}`,
        { headers: { authorization: `Bearer ${KEY}` } },
      ).then((x) => x.json() as Promise<Body>);
      expect(second.data.map((b) => [b.start_time, b.results.length])).toEqual([
        [MAR1, 1],
        [MAR1 + DAY, 0],
      ]);
      expect(second.has_more).toBe(false);
    } finally {
      await split.close();
    }
  });
});

describe("OpenAI emulator: auth, errors, users", () => {
  it("answers 401 with a masked key echo, 403 for a non-admin key", async () => {
    const bad = await get(`/v1/organization/usage/completions?start_time=${MAR1}`, "sk-admin-wrong0000WXYZ");
    expect(bad.status).toBe(401);
    expect(bad.body.error).toEqual({
      message: expect.stringContaining("Incorrect API key provided: sk-admin-****WXYZ"),
      type: "invalid_request_error",
      param: null,
      code: "invalid_api_key",
    });
    expect((await get(`/v1/organization/usage/completions?start_time=${MAR1}`, null)).status).toBe(401);
    const proj = await get(`/v1/organization/usage/completions?start_time=${MAR1}`, "sk-proj-abc");
    expect(proj.status).toBe(403);
    expect(proj.body.error.message).toContain("Missing scopes: api.usage.read");
    expect(bad.headers.get("x-request-id")).toMatch(/^req_[0-9a-f]{32}$/);
  });

  it("injects 429 with Retry-After and the error body", async () => {
    server.inject({ fault: rateLimitFault(2), times: 1 });
    const res = await usage(`start_time=${MAR1}`);
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBe("2");
    expect(res.body.error).toMatchObject({ type: "requests", param: null, code: "rate_limit_exceeded" });
    expect((await usage(`start_time=${MAR1}`)).status).toBe(200);
  });

  it("lists users 20 at a time by default, up to 100, with an after cursor", async () => {
    const first = await get("/v1/organization/users");
    expect(first.body).toMatchObject({
      object: "list",
      first_id: "user-00",
      last_id: "user-19",
      has_more: true,
    });
    expect(first.body.data).toHaveLength(20);
    const rest = await get("/v1/organization/users?after=user-19&limit=100");
    expect(rest.body).toMatchObject({ first_id: "user-20", last_id: "user-24", has_more: false });
    expect((await get("/v1/organization/users?limit=101")).status).toBe(400);
    expect((await get("/v1/organization/users/user-03")).body).toMatchObject({
      object: "organization.user",
      email: "u3@x.com",
    });
    expect((await get("/v1/organization/users/user-gone")).status).toBe(404);
  });
});

describe("openaiData", () => {
  const org = generateOrg({ seed: 7, people: 40 });
  const data = openaiData(org, { since: "2026-03-01", until: "2026-03-14" });
  const listed = new Set(data.users.map((u) => u.id));
  const active = new Set(data.results.map((r) => r.result.user_id));

  it("has the awkward identities of a real tenant", () => {
    expect(data.users.some((u) => u.email === null && !u.is_service_account)).toBe(true);
    expect(data.users.some((u) => u.is_service_account)).toBe(true);
    expect([...active].filter((id) => id !== null && !listed.has(id))).toHaveLength(1);
    expect(active.has(null)).toBe(true);
  });

  it("mixes old and new field sets with consistent token arithmetic", () => {
    const models = new Set(data.results.map((r) => r.result.model));
    expect(models).toContain("gpt-4.1-mini-2025-04-14");
    expect(models).toContain("gpt-oss-internal");
    const fresh = data.results.filter((r) => r.result.input_uncached_tokens !== undefined);
    const old = data.results.filter((r) => r.result.input_uncached_tokens === undefined);
    expect(fresh.length).toBeGreaterThan(0);
    expect(old.length).toBeGreaterThan(0);
    for (const { result: x } of fresh)
      expect(x.input_uncached_tokens! + x.input_cached_tokens! + x.input_cache_write_tokens!).toBe(
        x.input_tokens,
      );
    expect(old.every((r) => r.result.input_cache_write_tokens === undefined)).toBe(true);
    expect(openaiData(org, { since: "2026-03-01", until: "2026-03-14" })).toEqual(data);
  });
});
