import { afterEach, describe, expect, it } from "vitest";
import {
  actorFor,
  type EnterpriseEmulator,
  enterpriseData,
  SPECIAL_ACTORS,
  seatRecord,
  startEnterpriseEmulator,
} from "../src/emulators/claude-enterprise/index.ts";
import { generateOrg } from "../src/emulators/org.ts";
import { PermissionDeniedError, PlatformError } from "../src/http/errors.ts";
import { centsStringToNanos } from "../src/platforms/claude-enterprise/amount.ts";
import { claudeEnterprise, SEAT_BASED_NOTE, settledAfter } from "../src/platforms/claude-enterprise/index.ts";
import { enterpriseWindows } from "../src/platforms/claude-enterprise/windows.ts";
import type { DayRange } from "../src/platforms/types.ts";
import { daysBetween } from "../src/usage/days.ts";
import {
  actualTotals,
  expectedPages,
  expectedTotals,
  personOf,
  runPlatform,
} from "./claude-enterprise-helpers.ts";

const NOW = new Date("2026-03-20T12:00:00Z");
const RANGE: DayRange = { since: "2026-01-10", until: "2026-03-19" }; // 69 days: windows of 31, 31, 7
const WINDOWS: DayRange[] = [
  { since: "2026-01-10", until: "2026-02-09" },
  { since: "2026-02-10", until: "2026-03-12" },
  { since: "2026-03-13", until: "2026-03-19" },
];
const org = generateOrg({ seed: 7, people: 30 });
const RECORDS = enterpriseData(org, { since: "2026-01-01", until: "2026-03-20" });

let emu: EnterpriseEmulator | undefined;
afterEach(async () => {
  await emu?.close();
  emu = undefined;
});

async function start(options: Partial<Parameters<typeof startEnterpriseEmulator>[0]> = {}) {
  emu = await startEnterpriseEmulator({
    records: structuredClone(RECORDS),
    now: () => NOW,
    rateLimit: false,
    ...options,
  });
  return emu;
}

const reportRequests = (e: EnterpriseEmulator) => e.requests.filter((r) => r.path.includes("/analytics/"));

describe("claude-enterprise platform", () => {
  it("matches the emulator's records exactly, per person and per (day, person, model)", async () => {
    const e = await start();
    // The data has what the filter must leave out, or this test could not fail.
    expect(e.records.some((r) => r.product !== "claude_code")).toBe(true);
    const { rows, batches } = await runPlatform(e, [RANGE], { now: NOW });
    expect(actualTotals(rows, (r) => r.identity)).toEqual(expectedTotals(e.records, RANGE, personOf));
    const key = (day: string, who: string, model: string | null) => `${day} ${who} ${model ?? "unknown"}`;
    expect(actualTotals(rows, (r) => key(r.day, r.identity, r.model))).toEqual(
      expectedTotals(e.records, RANGE, (r) => key(r.day, personOf(r), r.model)),
    );
    expect(batches.map((b) => [b.days[0], b.days.at(-1)])).toEqual(WINDOWS.map((w) => [w.since, w.until]));
    for (const b of batches) for (const r of b.rows) expect(b.days).toContain(r.day);
    expect(rows.every((r) => r.platform === "claude-enterprise" && !r.costEstimated)).toBe(true);
  });

  it("sends one request per window page of each report, with the documented query", async () => {
    const e = await start();
    await runPlatform(e, [RANGE], { now: NOW });
    const sent = reportRequests(e);
    expect(sent).toHaveLength(6); // 3 windows × 2 reports, one page each at limit=1000
    const q = new URLSearchParams(sent[0]!.query);
    expect(Object.fromEntries(q)).toMatchObject({
      starting_at: "2026-01-10T00:00:00Z",
      ending_at: "2026-02-10T00:00:00Z",
      bucket_width: "1d",
      "group_by[]": "model",
      "products[]": "claude_code",
      limit: "1000",
    });

    e.requests.length = 0;
    const limit = 15;
    const { rows } = await runPlatform(e, [RANGE], { now: NOW, tuning: { pageLimit: limit } });
    const perReport = WINDOWS.reduce((n, w) => n + expectedPages(e.records, w, limit), 0);
    expect(perReport).toBeGreaterThan(WINDOWS.length);
    expect(reportRequests(e).filter((r) => r.path.endsWith("user_usage_report"))).toHaveLength(perReport);
    expect(reportRequests(e).filter((r) => r.path.endsWith("user_cost_report"))).toHaveLength(perReport);
    // Usage pages are ranked by tokens and cost pages by amount: the join must span pages.
    expect(actualTotals(rows, (r) => r.identity)).toEqual(expectedTotals(e.records, RANGE, personOf));
  });

  it("joins usage and cost on (user, day, model) and maps identities", async () => {
    const alice = actorFor({ email: "Alice@Company.COM", name: "Alice" });
    const records = [
      seatRecord({
        actor: alice,
        day: "2026-03-02",
        model: "claude-opus-4-8",
        uncached: 1000,
        cacheRead: 5000,
        cache5m: 300,
        cache1h: 200,
        output: 400,
        requests: 7,
        amount: 41_280_000_000,
      }),
      seatRecord({
        actor: alice,
        day: "2026-03-02",
        model: "claude-sonnet-5",
        uncached: 10,
        output: 5,
        requests: 1,
        amount: 1,
      }),
      seatRecord({
        actor: SPECIAL_ACTORS[1]!,
        day: "2026-03-02",
        model: null,
        uncached: 50,
        output: 5,
        requests: 2,
      }),
      seatRecord({
        actor: SPECIAL_ACTORS[0]!,
        day: "2026-03-03",
        model: "claude-haiku-4-5",
        uncached: 70,
        output: 9,
        requests: 3,
      }),
    ];
    const e = await start({ records, emailField: "email" });
    const { rows } = await runPlatform(e, [{ since: "2026-03-01", until: "2026-03-05" }], { now: NOW });
    const find = (identity: string, model: string) =>
      rows.find((r) => r.identity === identity && r.model === model);
    expect(find("alice@company.com", "claude-opus-4-8")).toMatchObject({
      email: "alice@company.com",
      requests: 7,
      inputTokens: 1000,
      cacheReadTokens: 5000,
      cacheWriteTokens: 500,
      outputTokens: 400,
      costNanos: 412_800_000_000, // "41280.000000" cents = $412.80
    });
    expect(find("alice@company.com", "claude-sonnet-5")?.costNanos).toBe(10); // "0.000001" cents
    expect(find(`claude-user:${SPECIAL_ACTORS[1]!.user_id}`, "unknown")).toMatchObject({
      email: null,
      requests: 2,
    });
    expect(find("former.member@company.com", "claude-haiku-4-5")?.requests).toBe(3);
    expect(rows).toHaveLength(4);
  });

  it("reads actors that carry only email_address", async () => {
    const e = await start({ emailField: "email_address" });
    const { rows } = await runPlatform(e, [RANGE], { now: NOW });
    expect(actualTotals(rows, (r) => r.identity)).toEqual(expectedTotals(e.records, RANGE, personOf));
  });

  it("restarts a window from page 1 when a refresh expires the cursor (410), and keeps the new values", async () => {
    const e = await start();
    // After the second page, a new export revises a past value: every outstanding cursor is gone.
    const target = e.records.find((r) => r.product === "claude_code" && r.day === "2026-01-15")!;
    e.refreshAfter(2, () => {
      target.requests += 1000;
      target.amount += 5_000_000;
    });
    const { rows } = await runPlatform(e, [RANGE], { now: NOW, tuning: { pageLimit: 15 } });
    expect(reportRequests(e).some((r) => r.status === 410)).toBe(true);
    expect(actualTotals(rows, (r) => r.identity)).toEqual(expectedTotals(e.records, RANGE, personOf));
    expect(actualTotals(rows, (r) => r.identity).get(personOf(target))!.requests).toBeGreaterThan(1000);
  });

  it("reads a window again when its two reports come from different exports (no 410 to say so)", async () => {
    const e = await start();
    const target = e.records.find((r) => r.product === "claude_code" && r.day === "2026-01-20")!;
    // The export changes after the usage report's only page, before the cost report is asked.
    e.refreshAfter(1, () => {
      target.amount += 7_000_000;
    });
    const { rows } = await runPlatform(e, [WINDOWS[0]!], { now: NOW });
    const sent = reportRequests(e);
    expect(sent.map((r) => r.path.split("/").at(-1))).toEqual([
      "user_usage_report",
      "user_cost_report",
      "user_usage_report",
      "user_cost_report",
    ]);
    expect(sent.every((r) => r.status === 200)).toBe(true);
    expect(actualTotals(rows, (r) => r.identity)).toEqual(expectedTotals(e.records, WINDOWS[0]!, personOf));
  });

  it("warns about an unknown plan setting and treats it as usage-based", async () => {
    const e = await start();
    const { notes } = await runPlatform(e, [WINDOWS[2]!], {
      now: NOW,
      client: { env: { CLAUDE_ANALYTICS_PLAN: "premium" } },
    });
    expect(notes.notes).toEqual([]);
    expect(notes.warnings).toEqual([
      expect.stringMatching(/CLAUDE_ANALYTICS_PLAN should be usage-based or seat-based/),
    ]);
  });

  it("gives up on a window after a bounded number of restarts", async () => {
    const e = await start();
    e.inject({
      fault: { kind: "status", status: 410, message: "page: cursor expired" },
      path: "user_cost_report",
    });
    const run = runPlatform(e, [RANGE], { now: NOW, tuning: { maxWindowAttempts: 3 } });
    await expect(run).rejects.toThrow(/kept refreshing while paging \(3 attempts\)/);
    expect(reportRequests(e).filter((r) => r.status === 410)).toHaveLength(3);
  });

  it("stays under the organisation's rate limit without a 429, and recovers when told by one", async () => {
    const e = await start({ rateLimit: { windowMs: 1000, perWindow: 5 } });
    const range = { since: "2026-03-08", until: "2026-03-19" };
    const paced = await runPlatform(e, [range], {
      now: NOW,
      tuning: { pageLimit: 20, requestsPerWindow: 5, windowMs: 1000 },
    });
    expect(reportRequests(e).length).toBeGreaterThan(5);
    expect(e.rateLimited).toBe(0);
    expect(actualTotals(paced.rows, (r) => r.identity)).toEqual(expectedTotals(e.records, range, personOf));

    // Unpaced, the emulator says 429 with retry-after; the run still completes exactly.
    e.requests.length = 0;
    const unpaced = await runPlatform(e, [range], {
      now: NOW,
      tuning: { pageLimit: 20, requestsPerWindow: 1000, windowMs: 1000 },
      client: { backoffScale: 1, maxAttempts: 8 },
    });
    expect(e.rateLimited).toBeGreaterThan(0);
    expect(reportRequests(e).find((r) => r.status === 429)).toBeDefined();
    expect(actualTotals(unpaced.rows, (r) => r.identity)).toEqual(expectedTotals(e.records, range, personOf));
  });

  it.each([
    ["429 with retry-after", { kind: "status", status: 429, headers: { "retry-after": "0" } }],
    ["500", { kind: "status", status: 500 }],
    ["504", { kind: "status", status: 504 }],
    ["connection reset", { kind: "reset" }],
    ["truncated body", { kind: "truncate" }],
  ] as const)("retries a %s and still totals exactly", async (_name, fault) => {
    const e = await start();
    e.inject({ fault, times: 2, skip: 1 });
    const { rows } = await runPlatform(e, [RANGE], { now: NOW });
    expect(actualTotals(rows, (r) => r.identity)).toEqual(expectedTotals(e.records, RANGE, personOf));
  });

  it.each([
    ["user_usage_report", "uncached_input_tokens", "12"],
    ["user_cost_report", "amount", 41280],
    ["user_usage_report", "starting_at", "2026-01-10"],
  ] as const)("names the field on schema drift (%s %s)", async (path, field, value) => {
    const e = await start();
    e.inject({
      path,
      fault: {
        kind: "mutate",
        mutate: (body) => {
          const b = body as { data: Record<string, unknown>[] };
          b.data[0]![field] = value;
          return b;
        },
      },
    });
    const run = runPlatform(e, [RANGE], { now: NOW });
    await expect(run).rejects.toThrow(new RegExp(`unexpected response: data\\[0\\]\\.${field}:`));
    await expect(run).rejects.toBeInstanceOf(PlatformError);
  });

  it("explains a Console admin key, a Team plan and a bad key", async () => {
    const e = await start();
    const admin = runPlatform(e, [RANGE], { now: NOW, client: { apiKey: "sk-ant-admin01-x" } });
    await expect(admin).rejects.toBeInstanceOf(PermissionDeniedError);
    const err = (await admin.catch((x: unknown) => x)) as PermissionDeniedError;
    expect(err.message).toContain("read:analytics");
    expect(claudeEnterprise.advice?.(err.status, err.vendorMessage)).toContain(
      "this needs an Analytics API key created by the Primary Owner in claude.ai",
    );
    await e.close();

    const team = await start({ plan: "team" });
    const t = (await runPlatform(team, [RANGE], { now: NOW }).catch(
      (x: unknown) => x,
    )) as PermissionDeniedError;
    expect(claudeEnterprise.advice?.(t.status, t.vendorMessage)).toMatch(/Team plans have no Analytics API/);
    expect(claudeEnterprise.errorMessage({ type: "error", error: { type: "x", message: "m" } })).toBe("m");
    expect(claudeEnterprise.advice?.(401, "invalid x-api-key")).toContain("CLAUDE_ANALYTICS_API_KEY");
  });

  it("on a seat-based plan reports the extra usage the API shows and says what it covers", async () => {
    const e = await start({ seatAllowanceTokens: 3_000_000 });
    const full = expectedTotals(RECORDS, RANGE, personOf);
    const extra = expectedTotals(e.records, RANGE, personOf);
    expect(extra.size).toBeLessThan(full.size);
    const { rows, notes } = await runPlatform(e, [RANGE], {
      now: NOW,
      client: { env: { CLAUDE_ANALYTICS_PLAN: "seat-based" } },
    });
    expect(actualTotals(rows, (r) => r.identity)).toEqual(extra);
    expect(notes.warnings).toEqual([]);
    expect(claudeEnterprise.notes?.({ CLAUDE_ANALYTICS_PLAN: "seat-based" })).toEqual([SEAT_BASED_NOTE]);
    expect(claudeEnterprise.notes?.({})).toEqual([]);
  });
});

describe("claude-enterprise windows, money and settling", () => {
  it("splits into windows of at most 31 days, clipped to 2026-01-01, 365 days back and today", () => {
    const now = new Date("2026-11-28T06:00:00Z");
    const { windows, skipped } = enterpriseWindows([{ since: "2025-11-01", until: "2026-11-30" }], now);
    expect(windows[0]!.since).toBe("2026-01-01");
    expect(windows.at(-1)!.until).toBe("2026-11-28");
    for (const w of windows) expect(daysBetween(w.since, w.until).length).toBeLessThanOrEqual(31);
    expect(windows.flatMap((w) => daysBetween(w.since, w.until))).toEqual(
      daysBetween("2026-01-01", "2026-11-28"),
    );
    expect(skipped).toHaveLength(61 + 2);
    const late = enterpriseWindows(
      [{ since: "2027-01-01", until: "2027-12-31" }],
      new Date("2027-12-31T12:00:00Z"),
    );
    expect(late.windows[0]!.since).toBe("2027-01-01");
    expect(late.skipped).toEqual([]);
    const reach = enterpriseWindows(
      [{ since: "2027-01-01", until: "2028-06-30" }],
      new Date("2028-06-30T12:00:00Z"),
    );
    expect(reach.windows[0]!.since).toBe("2027-07-02"); // 364 days before 2028-06-30
  });

  it("parses decimal cents without floats", () => {
    expect(centsStringToNanos("41280.000000")).toBe(412_800_000_000);
    expect(centsStringToNanos("0.1")).toBe(1_000_000);
    expect(centsStringToNanos("0.000001")).toBe(10);
    expect(centsStringToNanos("0.0000005")).toBe(5);
    expect(centsStringToNanos("1.23456789")).toBe(12_345_679);
    expect(centsStringToNanos("-2.5")).toBe(-25_000_000);
    // 0.1 + 0.2 style drift cannot happen: a sum of many small amounts is exact.
    let sum = 0;
    for (let i = 0; i < 1000; i++) sum += centsStringToNanos("0.100000");
    expect(sum).toBe(1_000_000_000);
    expect(() => centsStringToNanos("1e3")).toThrow(RangeError);
  });

  it("settles a day on the 9th of the following month (UTC)", () => {
    expect(settledAfter("2026-10-01")).toBe(Date.parse("2026-11-09T00:00:00Z"));
    expect(settledAfter("2026-10-31")).toBe(Date.parse("2026-11-09T00:00:00Z"));
    expect(settledAfter("2026-12-15")).toBe(Date.parse("2027-01-09T00:00:00Z"));
    expect(claudeEnterprise.settledAfter("2026-02-28")).toBe(Date.parse("2026-03-09T00:00:00Z"));
  });
});
