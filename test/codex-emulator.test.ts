import { afterEach, describe, expect, it } from "vitest";
import {
  type CodexEmulatorOptions,
  codexData,
  codexRecord,
  DEFAULT_CODEX_KEY,
  DEFAULT_WORKSPACE_ID,
  RATE_CARD,
  rateLimitFault,
  serverErrorFault,
  startCodexEmulator,
} from "../src/emulators/codex/index.ts";
import { generateOrg } from "../src/emulators/org.ts";
import type { EmulatorServer } from "../src/emulators/server.ts";

const NOW = () => new Date("2026-08-20T09:00:00Z");
const RANGE = { since: "2026-07-01", until: "2026-08-20" };
const DATA = codexData(generateOrg({ seed: 3, people: 30 }), RANGE);
const T = (day: string) => Date.parse(`${day}T00:00:00Z`) / 1000;
const BASE = `/v1/analytics/codex/workspaces/${DEFAULT_WORKSPACE_ID}`;

let server: EmulatorServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});
async function start(opts: Partial<CodexEmulatorOptions> = {}) {
  server = await startCodexEmulator({ users: DATA.users, records: DATA.records, now: NOW, ...opts });
}
// biome-ignore lint/suspicious/noExplicitAny: reading vendor JSON in assertions
type Json = any;
async function get(
  path: string,
  params: Record<string, string | number> = {},
  key: string | null = DEFAULT_CODEX_KEY,
) {
  const q = new URLSearchParams(Object.entries(params).map(([k, v]): [string, string] => [k, String(v)]));
  const res = await fetch(`${server!.url}${path}?${q}`, {
    headers: key === null ? {} : { authorization: `Bearer ${key}` },
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Json };
}
const week = { start_time: T("2026-08-03"), end_time: T("2026-08-10") };
async function all(params: Record<string, string | number>) {
  const rows: Json[] = [];
  let page: string | null = null;
  do {
    const { body }: { body: Json } = await get(`${BASE}/usage`, page ? { ...params, page } : params);
    rows.push(...body.data);
    page = body.next_page;
  } while (page);
  return rows;
}

describe("codex emulator: auth and routes", () => {
  it.each([
    [null, 401, { detail: "Not authenticated" }],
    ["nope", 401, { error: { message: "Incorrect API key provided.", code: "invalid_api_key" } }],
    ["sk-admin-0123456789", 403, { error: { code: "insufficient_permissions" } }],
    ["sk-proj-other", 403, { error: { code: "insufficient_permissions" } }],
  ])("key %s → %i", async (key, status, body) => {
    await start();
    const res = await get(`${BASE}/usage`, week, key);
    expect(res.status).toBe(status);
    expect(res.body).toMatchObject(body);
  });

  it("accepts the admin key and the scoped project key", async () => {
    await start();
    expect((await get(`${BASE}/usage`, week)).status).toBe(200);
    expect((await get(`${BASE}/usage`, week, "sk-proj-codex-analytics-test")).status).toBe(200);
  });

  it("404 for an unknown or non-UUID workspace", async () => {
    await start();
    for (const ws of ["00000000-0000-4000-8000-000000000000", "not-a-uuid"]) {
      const res = await get(`/v1/analytics/codex/workspaces/${ws}/usage`, week);
      expect(res.status).toBe(404);
      expect(res.body.error.message).toContain("not found");
    }
    expect((await get("/v1/analytics/codex/other", week)).status).toBe(404);
  });
});

describe("codex emulator: parameters", () => {
  it.each([
    [{ start_time: "yesterday", end_time: week.end_time }, "start_time", "int_parsing"],
    [{ start_time: week.start_time, end_time: "1.5" }, "end_time", "int_parsing"],
    [{ start_time: week.end_time, end_time: week.start_time }, "start_time", "value_error"],
    [{ start_time: T("2026-05-01"), end_time: week.end_time }, "start_time", "value_error"],
    [{ ...week, group_by: "month" }, "group_by", "enum"],
    [{ ...week, group: "team" }, "group", "enum"],
    [{ ...week, limit: 0 }, "limit", "less_than_equal"],
    [{ ...week, limit: 30_001 }, "limit", "less_than_equal"],
    [{ ...week, page: "garbage" }, "page", "value_error"],
  ])("422 for %o names %s", async (params, param, type) => {
    await start();
    const res = await get(`${BASE}/usage`, params as Record<string, string | number>);
    expect(res.status).toBe(422);
    expect(res.body.detail[0]).toMatchObject({ loc: ["query", param], type });
  });

  it("422 for a cursor of another query", async () => {
    await start();
    const first = await get(`${BASE}/usage`, { ...week, limit: 5 });
    const res = await get(`${BASE}/usage`, { ...week, limit: 6, page: first.body.next_page });
    expect(res.status).toBe(422);
  });

  it("clamps old start_time to 90 days when so configured", async () => {
    await start({ lookback: "clamp" });
    const res = await get(`${BASE}/usage`, {
      start_time: T("2026-01-01"),
      end_time: T("2026-07-02"),
      limit: 30_000,
    });
    expect(res.status).toBe(200);
    expect(res.body.data.every((r: Json) => r.start_time >= T("2026-05-22"))).toBe(true);
    expect(res.body.data.length).toBeGreaterThan(0);
  });

  it("defaults to the last 30 UTC days ending today", async () => {
    await start();
    const rows = (await get(`${BASE}/usage`, { limit: 30_000 })).body.data as Json[];
    const days = new Set(rows.map((r) => r.start_time));
    expect(Math.min(...days)).toBeGreaterThanOrEqual(T("2026-07-22"));
    expect(Math.max(...days)).toBe(T("2026-08-20"));
  });
});

describe("codex emulator: rows", () => {
  it("one row per user per day, time-ordered, with totals that sum clients and models", async () => {
    await start();
    const rows = await all({ ...week, limit: 7 });
    const records = DATA.records.filter((r) => r.day >= "2026-08-03" && r.day < "2026-08-10");
    expect(rows).toHaveLength(new Set(records.map((r) => `${r.day} ${r.userId}`)).size);
    expect(rows.map((r) => r.start_time)).toEqual([...rows.map((r) => r.start_time)].sort((a, b) => a - b));
    for (const r of rows) {
      expect(r.end_time - r.start_time).toBe(86_400);
      expect(r.object).toBe("codex.usage");
      expect(r.actor.user_id).toBe(r.user_id);
      const sum = (list: Json[], f: string) => list.reduce((n, x) => n + x[f], 0);
      for (const f of [
        "turns",
        "uncached_text_input_tokens",
        "cached_text_input_tokens",
        "text_output_tokens",
      ])
        expect(sum(r.clients, f)).toBe(r.totals[f]);
      expect(Math.round(sum(r.models, "credits") * 1e6)).toBe(Math.round(r.totals.credits * 1e6));
      expect(r.totals.text_total_tokens).toBe(
        r.totals.uncached_text_input_tokens + r.totals.cached_text_input_tokens + r.totals.text_output_tokens,
      );
    }
    expect(rows.reduce((n, r) => n + r.totals.turns, 0)).toBe(records.reduce((n, r) => n + r.turns, 0));
  });

  it("credits follow the rate card and fast mode doubles them", async () => {
    const users = [{ userId: "user-a", email: "a@x.com", emailIn: "actor" as const }];
    const base = { day: "2026-08-05", userId: "user-a", client: "CODEX_CLI", model: "gpt-5.5", turns: 31 };
    const records = [
      codexRecord({ ...base, uncached: 200_000, cached: 1_800_000, output: 40_000 }),
      codexRecord({ ...base, model: "gpt-5.4", speed: "fast", uncached: 1_000_000, cached: 0, output: 0 }),
    ];
    await start({ users, records });
    const [row] = await all(week);
    expect(row.models).toEqual([
      expect.objectContaining({ model: "gpt-5.5", speed: "standard", credits: 77.5 }),
      expect.objectContaining({
        model: "gpt-5.4",
        speed: "fast",
        credits: (2 * RATE_CARD["gpt-5.4"]![0]) / 1000,
      }),
    ]);
    expect(row.totals.credits).toBe(77.5 + 125);
  });

  it("group=workspace: one row per day with no user, equal to the per-user sum", async () => {
    await start();
    const perUser = await all(week);
    const workspace = await all({ ...week, group: "workspace" });
    expect(new Set(workspace.map((r) => r.start_time)).size).toBe(workspace.length);
    for (const w of workspace) {
      expect(w.user_id).toBeNull();
      expect(w.actor).toBeNull();
      const day = perUser.filter((r) => r.start_time === w.start_time);
      expect(w.totals.turns).toBe(day.reduce((n, r) => n + r.totals.turns, 0));
    }
  });

  it("group_by=week: buckets start on Monday (or the window start) and hold the same turns", async () => {
    await start();
    const params = { start_time: T("2026-08-01"), end_time: T("2026-08-15") };
    const weekly = await all({ ...params, group_by: "week" });
    const daily = await all(params);
    expect(new Set(weekly.map((r) => r.start_time))).toEqual(
      new Set([T("2026-08-01"), T("2026-08-03"), T("2026-08-10")]),
    );
    const turns = (rows: Json[]) => rows.reduce((n, r) => n + r.totals.turns, 0);
    expect(turns(weekly)).toBe(turns(daily));
  });

  it("switches: no token fields on totals, no models, no emails, money as strings, estimates", async () => {
    await start({
      blocks: { totalsTokens: false, models: false, emails: false, moneyAsStrings: true },
      overageUsdPerCredit: "0.045",
    });
    const rows = await all(week);
    for (const r of rows) {
      expect(r.totals.uncached_text_input_tokens).toBeUndefined();
      expect(r.models).toBeUndefined();
      expect(r.actor.email ?? null).toBeNull();
      expect(r.email ?? null).toBeNull();
      expect(typeof r.totals.estimated_cost_usd).toBe("string");
      const nanos = Math.round(r.totals.credits * 1e6) * 45;
      expect(r.totals.estimated_cost_usd).toBe(String(nanos / 1e9));
    }
  });

  it("shows emails on the actor, at the top level, or not at all", async () => {
    await start();
    const rows = await all({ start_time: T("2026-07-22"), end_time: T("2026-08-20"), limit: 30_000 });
    const of = (i: number) => rows.find((r) => r.user_id === DATA.users[i]!.userId);
    expect(of(0).actor.email).toBe(DATA.users[0]!.email); // upper-case, as stored
    expect(of(1).actor.email).toBeUndefined();
    expect(of(1).email).toBeUndefined();
    expect(of(2).actor.email).toBeUndefined();
    expect(of(2).email).toBe(DATA.users[2]!.email);
  });

  it("unsettled: today's and yesterday's rows change between calls, older days do not", async () => {
    await start({ unsettled: true });
    const params = { start_time: T("2026-08-17"), end_time: T("2026-08-21") };
    const turns = (rows: Json[], day: string) =>
      rows.filter((r) => r.start_time === T(day)).reduce((n, r) => n + r.totals.turns, 0);
    const a = await all(params);
    const b = await all(params);
    expect(turns(b, "2026-08-18")).toBe(turns(a, "2026-08-18"));
    expect(turns(b, "2026-08-20")).toBeGreaterThan(turns(a, "2026-08-20"));
    expect(turns(b, "2026-08-19")).toBeGreaterThan(turns(a, "2026-08-19"));
  });

  it("serves code review rows", async () => {
    await start();
    const reviews = await get(`${BASE}/code_reviews`, week);
    const responses = await get(`${BASE}/code_review_responses`, week);
    expect(reviews.status).toBe(200);
    expect(reviews.body.object).toBe("page");
    for (const r of reviews.body.data) expect(Object.keys(r.comment_details)).toEqual(["p0", "p1", "p2"]);
    for (const r of responses.body.data) {
      expect(r.reaction_details).toHaveProperty("upvotes");
      expect(r.comment_response_details).toHaveProperty("engaged");
    }
    expect((await get(`${BASE}/code_reviews`, { ...week, group: "workspace" })).status).toBe(422);
  });
});

describe("codex emulator: injected faults", () => {
  it("faults given at start: a 429 without Retry-After, then a 500, then normal answers", async () => {
    await start({
      faults: [
        { path: "/usage", times: 1, fault: rateLimitFault() },
        { path: "/usage", times: 1, fault: serverErrorFault(500) },
      ],
    });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await get(`${BASE}/usage`, week)).status);
    expect(statuses).toEqual([429, 500, 200]);
  });

  it("code_attribution on per-user rows unless switched off", async () => {
    await start();
    const rows = await all(week);
    expect(rows.every((r) => r.code_attribution.lines_added >= r.code_attribution.lines_removed)).toBe(true);
    await server!.close();
    await start({ blocks: { codeAttribution: false } });
    expect((await all(week)).some((r) => "code_attribution" in r)).toBe(false);
  });

  it("429 with and without Retry-After, then 503, in the host's error shape", async () => {
    await start();
    server!.inject({ path: "/usage", times: 1, fault: rateLimitFault(2) });
    server!.inject({ path: "/usage", times: 1, fault: rateLimitFault() });
    server!.inject({ path: "/usage", times: 1, fault: serverErrorFault(503) });
    const a = await get(`${BASE}/usage`, week);
    const b = await get(`${BASE}/usage`, week);
    const c = await get(`${BASE}/usage`, week);
    expect([a.status, a.headers.get("retry-after"), a.body]).toEqual([
      429,
      "2",
      { detail: "Too Many Requests" },
    ]);
    expect([b.status, b.headers.get("retry-after")]).toEqual([429, null]);
    expect([c.status, c.body]).toEqual([503, { detail: "Service Unavailable" }]);
    expect((await get(`${BASE}/usage`, week)).status).toBe(200);
  });
});
