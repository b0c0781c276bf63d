import { afterEach, describe, expect, it } from "vitest";
import {
  actorFor,
  DEFAULT_ANALYTICS_KEY,
  type EnterpriseEmulator,
  type EnterpriseEmulatorOptions,
  enterpriseData,
  SPECIAL_ACTORS,
  seatPeople,
  seatRecord,
  startEnterpriseEmulator,
} from "../src/emulators/claude-enterprise/index.ts";
import { generateOrg } from "../src/emulators/org.ts";

const NOW = new Date("2026-03-20T12:30:00Z");
const BASE = "/v1/organizations/analytics";
const org = generateOrg({ seed: 7, people: 30 });
const RECORDS = enterpriseData(org, { since: "2026-01-01", until: "2026-03-20" });

let emu: EnterpriseEmulator | undefined;
afterEach(async () => {
  await emu?.close();
  emu = undefined;
});

async function start(options: Partial<EnterpriseEmulatorOptions> = {}) {
  emu = await startEnterpriseEmulator({ records: structuredClone(RECORDS), now: () => NOW, ...options });
  return emu;
}

const WINDOW =
  "starting_at=2026-03-01T00:00:00Z&ending_at=2026-03-08T00:00:00Z&bucket_width=1d&group_by[]=model&products[]=claude_code";

async function get(
  e: EnterpriseEmulator,
  path: string,
  query: string,
  key: string | null = DEFAULT_ANALYTICS_KEY,
) {
  const headers: Record<string, string> = { "anthropic-version": "2023-06-01" };
  if (key) headers["x-api-key"] = key;
  const res = await fetch(`${e.url}${BASE}/${path}?${query}`, { headers });
  // biome-ignore lint/suspicious/noExplicitAny: reading vendor JSON in assertions
  return { status: res.status, headers: res.headers, body: (await res.json()) as any };
}

describe("claude-enterprise emulator", () => {
  it("generates seat-only, API-only and both-route people, and accounts without email", () => {
    const seats = seatPeople(org);
    expect(seats.some((p) => p.tools.includes("claude"))).toBe(true); // both routes
    expect(seats.some((p) => !p.tools.includes("claude"))).toBe(true); // seat only
    expect(org.people.some((p) => p.tools.includes("claude") && !seats.includes(p))).toBe(true); // API only
    for (const actor of SPECIAL_ACTORS)
      expect(RECORDS.some((r) => r.actor.user_id === actor.user_id)).toBe(true);
    expect(new Set(RECORDS.map((r) => r.product))).toEqual(
      new Set(["claude_code", "chat", "cowork", "claude-in-slack", "other", null]),
    );
  });

  it("authenticates like the vendor: 401 without or with an unknown key, 403 naming read:analytics for an admin key", async () => {
    const e = await start();
    expect((await get(e, "user_usage_report", WINDOW, null)).status).toBe(401);
    const unknown = await get(e, "user_usage_report", WINDOW, "sk-ant-api01-other");
    expect(unknown.status).toBe(401);
    expect(unknown.body.error.type).toBe("authentication_error");
    const admin = await get(e, "user_cost_report", WINDOW, "sk-ant-admin01-x");
    expect(admin.status).toBe(403);
    expect(admin.body).toMatchObject({
      type: "error",
      error: {
        type: "permission_error",
        message: "Missing required scopes. Got: ['api:admin'] Needed: ['read:analytics']",
      },
    });
    expect(admin.body.request_id).toMatch(/^req_/);
    expect(admin.headers.get("request-id")).toMatch(/^req_/);
    await e.close();
    expect((await get(await start({ plan: "team" }), "user_usage_report", WINDOW)).status).toBe(403);
    await emu!.close();
    expect((await get(await start({ accessEnabled: false }), "user_usage_report", WINDOW)).status).toBe(401);
  });

  it.each([
    ["bucket_width=1d&ending_at=2026-03-02T00:00:00Z", /starting_at: Field required/],
    ["starting_at=2025-12-31T00:00:00Z&ending_at=2026-01-02T00:00:00Z&bucket_width=1d", /2026-01-01/],
    ["starting_at=2026-01-01T00:00:00Z&ending_at=2026-02-02T00:00:00Z&bucket_width=1d", /at most 31 days/],
    ["starting_at=2026-03-01T00:00:00Z&bucket_width=1d", /ending_at: Field required/],
    ["starting_at=2026-03-01&ending_at=2026-03-02T00:00:00Z&bucket_width=1d", /RFC 3339/],
    [`${WINDOW}&group_by[]=colour`, /unsupported dimension/],
    [`${WINDOW}&group_by[]=token_type`, /only valid on the cost report/],
    [`${WINDOW}&limit=1001`, /between 1 and 1000/],
    [`${WINDOW}&order_by=amount`, /order_by/],
  ])("rejects %s with a 400", async (query, message) => {
    const e = await start();
    const res = await get(e, "user_usage_report", query);
    expect(res.status).toBe(400);
    expect(res.body.error.type).toBe("invalid_request_error");
    expect(res.body.error.message).toMatch(message);
  });

  it("rejects a start more than 365 days back", async () => {
    const e = await start({ now: () => new Date("2027-03-01T00:00:00Z") });
    const res = await get(
      e,
      "user_usage_report",
      "starting_at=2026-02-01T00:00:00Z&ending_at=2026-02-02T00:00:00Z&bucket_width=1d",
    );
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/365 days/);
  });

  it("ranks rows by the metric, pages with cursors bound to the query, and carries every dimension", async () => {
    const e = await start();
    const first = await get(e, "user_usage_report", `${WINDOW}&limit=5`);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      has_more: true,
      organization_id: expect.any(String),
      data_refreshed_at: "2026-03-20T12:00:00Z",
    });
    const totals = first.body.data.map((r: { total_tokens: number }) => r.total_tokens);
    expect(totals).toEqual([...totals].sort((a: number, b: number) => b - a));
    const row = first.body.data[0];
    for (const dim of [
      "model",
      "product",
      "context_window",
      "inference_geo",
      "speed",
      "rbac_group_id",
      "slack_channel_id",
    ])
      expect(row).toHaveProperty(dim);
    expect(row.product).toBeNull();
    expect(row.actor).toHaveProperty("email");
    expect(row.actor).toHaveProperty("email_address");

    const second = await get(e, "user_usage_report", `${WINDOW}&limit=5&page=${first.body.next_page}`);
    expect(second.status).toBe(200);
    const changed = await get(e, "user_usage_report", `${WINDOW}&limit=6&page=${first.body.next_page}`);
    expect(changed.status).toBe(400);
    expect(changed.body.error.message).toMatch(/cursor/);
    const otherReport = await get(e, "user_cost_report", `${WINDOW}&limit=5&page=${first.body.next_page}`);
    expect(otherReport.status).toBe(400);

    // Every page of one sequence: no row twice, none missing.
    const seen: string[] = [];
    let page: string | null = null;
    do {
      const res = await get(e, "user_cost_report", `${WINDOW}&limit=7${page ? `&page=${page}` : ""}`);
      for (const r of res.body.data) seen.push(`${r.actor.user_id} ${r.starting_at} ${r.model}`);
      expect(res.body.data.every((r: { amount: string }) => /^\d+\.\d{6}$/.test(r.amount))).toBe(true);
      page = res.body.next_page;
      expect(page === null).toBe(!res.body.has_more);
    } while (page);
    const groups = new Set(
      RECORDS.filter((r) => r.product === "claude_code" && r.day >= "2026-03-01" && r.day < "2026-03-08").map(
        (r) => `${r.actor.user_id} ${r.day}T00:00:00Z ${r.model}`,
      ),
    );
    expect(seen.sort()).toEqual([...groups].sort());
  });

  it("expires outstanding cursors with a 410 when the data refreshes, and serves revised values", async () => {
    const e = await start();
    const first = await get(e, "user_usage_report", `${WINDOW}&limit=5`);
    const target = e.records.find((r) => r.product === "claude_code" && r.day === "2026-03-03")!;
    const before = target.requests;
    e.refresh(() => {
      target.requests += 500;
    });
    const stale = await get(e, "user_usage_report", `${WINDOW}&limit=5&page=${first.body.next_page}`);
    expect(stale.status).toBe(410);
    expect(stale.body.error.message).toMatch(/cursor/);
    const again = await get(
      e,
      "user_usage_report",
      `${WINDOW}&user_ids[]=${target.actor.user_id}&models[]=${target.model}`,
    );
    expect(again.body.data_refreshed_at).not.toBe(first.body.data_refreshed_at);
    const day = again.body.data.find((r: { starting_at: string }) => r.starting_at.startsWith("2026-03-03"));
    expect(day.requests).toBeGreaterThanOrEqual(before + 500);
  });

  it("emits only one email field when asked, and deleted accounts without email", async () => {
    const records = [
      seatRecord({
        actor: actorFor({ email: "a@company.com", name: "A" }),
        day: "2026-03-02",
        model: "claude-sonnet-5",
        uncached: 10,
        output: 1,
        requests: 1,
      }),
      seatRecord({
        actor: SPECIAL_ACTORS[1]!,
        day: "2026-03-02",
        model: "claude-sonnet-5",
        uncached: 5,
        output: 1,
        requests: 1,
      }),
    ];
    const e = await start({ records, emailField: "email" });
    const res = await get(e, "user_usage_report", WINDOW);
    expect(res.body.data).toHaveLength(2);
    for (const r of res.body.data) expect(r.actor).not.toHaveProperty("email_address");
    const deleted = res.body.data.find(
      (r: { actor: { user_id: string } }) => r.actor.user_id === SPECIAL_ACTORS[1]!.user_id,
    );
    expect(deleted.actor).toMatchObject({ email: null, name: "Deleted User", deleted: true });
    const excluded = await get(e, "user_usage_report", `${WINDOW}&exclude_deleted_users=true`);
    expect(excluded.body.data).toHaveLength(1);
  });

  it("serves no export yet as null data_refreshed_at with empty data", async () => {
    const e = await start();
    const res = await get(
      e,
      "user_usage_report",
      "starting_at=2026-03-20T13:00:00Z&ending_at=2026-03-21T00:00:00Z",
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ data: [], data_refreshed_at: null, has_more: false, next_page: null });
  });

  it("limits each organisation to its requests per window across keys and endpoints, with retry-after", async () => {
    const e = await start({
      rateLimit: { windowMs: 60_000, perWindow: 3 },
      apiKeys: [DEFAULT_ANALYTICS_KEY, "sk-ant-api01-second"],
    });
    expect((await get(e, "user_usage_report", WINDOW)).status).toBe(200);
    expect((await get(e, "user_cost_report", WINDOW)).status).toBe(200);
    expect((await get(e, "user_usage_report", WINDOW, "sk-ant-api01-second")).status).toBe(200);
    const limited = await get(e, "user_cost_report", WINDOW, "sk-ant-api01-second");
    expect(limited.status).toBe(429);
    expect(limited.body.error.type).toBe("rate_limit_error");
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(e.rateLimited).toBe(1);
  });

  it("on a seat-based plan reports only usage beyond each seat's monthly allowance", async () => {
    const e = await start({ seatAllowanceTokens: 3_000_000 });
    const sum = (rs: typeof RECORDS, who: string, month: string) =>
      rs
        .filter((r) => r.actor.user_id === who && r.day.startsWith(month))
        .reduce((n, r) => n + r.uncached + r.cacheRead + r.cache5m + r.cache1h + r.output, 0);
    for (const who of new Set(RECORDS.map((r) => r.actor.user_id))) {
      const full = sum(RECORDS, who, "2026-02");
      const extra = sum(e.records, who, "2026-02");
      expect(Math.abs(extra - Math.max(0, full - 3_000_000))).toBeLessThanOrEqual(5); // rounding per field
    }
  });

  it("fans cost out by token type: adjacent rows, not counted toward limit, summing to the combined amount", async () => {
    const e = await start();
    const combined = await get(e, "user_cost_report", `${WINDOW}&limit=3`);
    const fanned = await get(
      e,
      "user_cost_report",
      `${WINDOW}&limit=3&group_by[]=token_type&group_by[]=cost_type`,
    );
    expect(fanned.body.data.length).toBeGreaterThan(3);
    const micro = (s: string) => Math.round(Number(s) * 1e6); // test-side check only; values are small
    for (const row of combined.body.data) {
      const parts = fanned.body.data.filter(
        (r: { actor: { user_id: string }; starting_at: string; model: string }) =>
          r.actor.user_id === row.actor.user_id && r.starting_at === row.starting_at && r.model === row.model,
      );
      expect(
        parts.every(
          (p: { cost_type: string; requests: null }) => p.cost_type === "tokens" && p.requests === null,
        ),
      ).toBe(true);
      expect(parts.reduce((n: number, p: { amount: string }) => n + micro(p.amount), 0)).toBe(
        micro(row.amount),
      );
    }
    const usage = await get(e, "user_usage_report", `${WINDOW}&group_by[]=token_type`);
    expect(usage.status).toBe(400);
  });

  it("serves the org-level daily buckets: every bucket oldest first, empty ones included, limit counting buckets", async () => {
    const e = await start();
    const q =
      "starting_at=2026-03-15T00:00:00Z&ending_at=2026-03-25T00:00:00Z&group_by[]=model&products[]=claude_code&limit=8";
    const first = await get(e, "usage_report", q);
    expect(first.status).toBe(200);
    expect(first.body.data.map((b: { starting_at: string }) => b.starting_at.slice(0, 10))).toEqual([
      "2026-03-15",
      "2026-03-16",
      "2026-03-17",
      "2026-03-18",
      "2026-03-19",
      "2026-03-20",
      "2026-03-21",
      "2026-03-22",
    ]);
    expect(first.body.data.at(-1).results).toEqual([]); // after the last export
    const result = first.body.data[0].results[0];
    expect(result).not.toHaveProperty("actor");
    expect(result).not.toHaveProperty("total_tokens");
    const second = await get(e, "usage_report", `${q}&page=${first.body.next_page}`);
    expect(second.body.data).toHaveLength(2);
    expect(second.body.has_more).toBe(false);
    const day = (d: string) => RECORDS.filter((r) => r.product === "claude_code" && r.day === d);
    const sum = first.body.data[0].results.reduce(
      (n: number, r: { uncached_input_tokens: number }) => n + r.uncached_input_tokens,
      0,
    );
    expect(sum).toBe(day("2026-03-15").reduce((n, r) => n + r.uncached, 0));
    expect((await get(e, "cost_report", `${q.replace("limit=8", "limit=32")}`)).status).toBe(400);
  });

  it("answers the engagement endpoints: 404 for a bad key, users sorted by email, the latest day named", async () => {
    const e = await start();
    expect((await get(e, "users", "date=2026-03-10", "sk-ant-api01-nope")).status).toBe(404);
    const users = await get(e, "users", "date=2026-03-10&limit=1000");
    expect(users.status).toBe(200);
    expect(users.body).not.toHaveProperty("has_more");
    const emails = users.body.data
      .map((u: { user: { email_address: string | null } }) => u.user.email_address)
      .filter(Boolean);
    expect(emails).toEqual([...emails].sort());
    expect(users.body.data[0].claude_code_metrics.core_metrics).toHaveProperty("distinct_session_count");
    const tooNew = await get(e, "users", "date=2026-03-20");
    expect(tooNew.status).toBe(400);
    expect(tooNew.body.error.message).toContain("2026-03-19");
    const summaries = await get(e, "summaries", "starting_date=2026-03-01&ending_date=2026-03-04");
    expect(summaries.body.summaries).toHaveLength(3);
    await e.close();
    const newer = await start({ summariesEnvelope: "data" });
    expect((await get(newer, "summaries", "starting_date=2026-03-01")).body).toMatchObject({
      next_page: null,
    });
  });
});
