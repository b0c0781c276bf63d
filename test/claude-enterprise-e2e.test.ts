import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SeatRecord } from "../src/emulators/claude-enterprise/index.ts";
import { type EmulatorSet, startEmulators } from "../src/emulators/index.ts";
import type { DayRange } from "../src/platforms/types.ts";
import { expectedTotals, personOf } from "./claude-enterprise-helpers.ts";
import { NOW, type ReportJson, runCli, tempDir } from "./cli.ts";

/**
 * Claude Enterprise seats through the real CLI (spawned, clock pinned to 2026-11-24T12:00Z):
 * seat and API usage of one person summed, exact totals through the history store, the settle rule
 * (a revision replaces, never adds), the seat-based note, and the demo.
 */

/** The report's users carry `tools` (DESIGN §1); the shared test type leaves it out. */
type WithTools = ReportJson["users"][number] & { tools: string[] };

const OCTOBER: DayRange = { since: "2026-10-01", until: "2026-10-31" }; // settled since 2026-11-09
const NOVEMBER: DayRange = { since: "2026-11-01", until: "2026-11-07" }; // revised until 2026-12-09
const args = (r: DayRange, ...more: string[]) => ["--since", r.since, "--until", r.until, "--json", ...more];

let emu: EmulatorSet;
beforeAll(async () => {
  emu = await startEmulators({
    since: "2026-10-01",
    until: "2026-11-24",
    seed: 7,
    people: 12,
    now: () => new Date(NOW),
    enterprise: true,
  });
});
afterAll(() => emu.close());

/** Claude Code on API keys per person, summed from the Admin API emulator's records. */
function claudeTotals(range: DayRange) {
  const out = new Map<string, { requests: number; tokens: number; cents: number }>();
  for (const r of emu.data.anthropic) {
    const day = r.date.slice(0, 10);
    if (r.actor.type !== "user_actor" || day < range.since || day > range.until) continue;
    const who = r.actor.email_address.trim().toLowerCase();
    const t = out.get(who) ?? { requests: 0, tokens: 0, cents: 0 };
    t.requests += r.core_metrics.num_sessions;
    for (const m of r.model_breakdown) {
      t.tokens += m.tokens.input + m.tokens.output + m.tokens.cache_read + m.tokens.cache_creation;
      t.cents += m.estimated_cost.amount;
    }
    out.set(who, t);
  }
  return out;
}

async function report(range: DayRange, env: Record<string, string> = emu.env, ...more: string[]) {
  const res = await runCli(args(range, ...more), env);
  expect(res.code).toBe(0);
  return { json: JSON.parse(res.stdout) as ReportJson, stderr: res.stderr };
}

const seatPart = (json: ReportJson, user: string) =>
  json.users.find((u) => u.user === user)?.platforms.find((p) => p.platform === "claude-enterprise");
const enterpriseRequests = () => emu.enterprise.requests.filter((r) => r.path.includes("/analytics/")).length;

function expectSeatTotals(json: ReportJson, records: readonly SeatRecord[], range: DayRange) {
  const want = expectedTotals(records, range, personOf);
  expect(want.size).toBeGreaterThan(3);
  for (const [who, t] of want) {
    const got = seatPart(json, who);
    expect([who, got?.requests, got?.tokens]).toEqual([who, t.requests, t.tokens]);
    expect(Math.round(got!.costUsd * 1e9)).toBe(t.costNanos);
  }
  const seatUsers = json.users.filter((u) => u.platforms.some((p) => p.platform === "claude-enterprise"));
  expect(seatUsers).toHaveLength(want.size);
}

describe("Claude Enterprise seats, end to end", () => {
  it("sums a person's seat and API-key usage, never doubling either", async () => {
    const { json } = await report(NOVEMBER, emu.env, "--no-store");
    expect(json.platforms.find((p) => p.platform === "claude-enterprise")?.status).toBe("ok");
    const api = claudeTotals(NOVEMBER);
    const seats = expectedTotals(emu.enterprise.records, NOVEMBER, personOf);
    const both = [...seats.keys()].filter((who) => api.has(who));
    expect(both.length).toBeGreaterThan(0);
    for (const who of both) {
      const user = json.users.find((u) => u.user === who)!;
      const a = api.get(who)!;
      const s = seats.get(who)!;
      expect(user.requests).toBe(
        user.platforms.reduce((n, p) => n + p.requests, 0), // the total is its parts
      );
      const claude = user.platforms.find((p) => p.platform === "claude")!;
      const seat = user.platforms.find((p) => p.platform === "claude-enterprise")!;
      expect([claude.requests, claude.tokens, seat.requests, seat.tokens]).toEqual([
        a.requests,
        a.tokens,
        s.requests,
        s.tokens,
      ]);
      const others = user.platforms.filter(
        (p) => p.platform !== "claude" && p.platform !== "claude-enterprise",
      );
      expect(user.requests).toBe(a.requests + s.requests + others.reduce((n, p) => n + p.requests, 0));
      expect((user as WithTools).tools).toEqual(expect.arrayContaining(["Claude", "Claude Ent"]));
    }
    // A deleted account has no email: kept under its user id, not dropped.
    expect(json.users.some((u) => u.user.startsWith("claude-user:user_01"))).toBe(true);
    expectSeatTotals(json, emu.enterprise.records, NOVEMBER);
  });

  it("keeps exact totals through the store; settled windows are not fetched again, open ones are", async () => {
    const store = join(tempDir(), "h.db");
    const before = enterpriseRequests();
    const first = await report(OCTOBER, emu.env, "--store", store);
    expectSeatTotals(first.json, emu.enterprise.records, OCTOBER);
    expect(enterpriseRequests() - before).toBe(2); // one 31-day window, one page of each report

    const again = enterpriseRequests();
    const second = await report(OCTOBER, emu.env, "--store", store);
    expect(enterpriseRequests()).toBe(again);
    expect(second.json).toEqual(first.json);

    const open = enterpriseRequests();
    await report(NOVEMBER, emu.env, "--store", store);
    await report(NOVEMBER, emu.env, "--store", store);
    expect(enterpriseRequests() - open).toBe(4); // unsettled until 2026-12-09: fetched each run
  });

  it("replaces a revised value after a store run instead of adding it (settle rule)", async () => {
    const store = join(tempDir(), "h.db");
    await report(NOVEMBER, emu.env, "--store", store);
    await report(OCTOBER, emu.env, "--store", store);
    const pick = (range: DayRange) =>
      emu.enterprise.records.find(
        (r) => r.product === "claude_code" && r.actor.email && r.day >= range.since && r.day <= range.until,
      )!;
    const open = pick(NOVEMBER);
    const closed = pick(OCTOBER);
    const oldOctober = structuredClone(emu.enterprise.records);
    emu.enterprise.refresh(() => {
      open.requests += 1000;
      open.amount += 5_000_000;
      closed.requests += 2000;
    });
    // The open window is fetched again and replaced: the new value once, not old + new.
    const nov = await report(NOVEMBER, emu.env, "--store", store);
    expectSeatTotals(nov.json, emu.enterprise.records, NOVEMBER);
    // The settled window is served from the store as it was; --refresh replaces it too.
    const oct = await report(OCTOBER, emu.env, "--store", store);
    expectSeatTotals(oct.json, oldOctober, OCTOBER);
    const refreshed = await report(OCTOBER, emu.env, "--store", store, "--refresh");
    expectSeatTotals(refreshed.json, emu.enterprise.records, OCTOBER);
  });

  it("says once, on stderr and in JSON, that a seat-based plan reports extra usage only", async () => {
    const { json, stderr } = await report(
      NOVEMBER,
      { ...emu.env, CLAUDE_ANALYTICS_PLAN: "seat-based" },
      "--no-store",
    );
    const entry = json.platforms.find((p) => p.platform === "claude-enterprise") as { notes?: string[] };
    expect(entry.notes).toEqual([expect.stringMatching(/^seat-based plan: .*extra usage/)]);
    expect(stderr.match(/extra usage/g)).toHaveLength(1);
    expect(stderr).toMatch(/^claude-enterprise: seat-based plan: tokens and cost cover extra usage/m);
    // A warm run reads settled days from the store without a request, and still says it.
    const store = join(tempDir(), "h.db");
    const seatEnv = { ...emu.env, CLAUDE_ANALYTICS_PLAN: "seat-based" };
    await report(OCTOBER, seatEnv, "--store", store);
    const before = enterpriseRequests();
    const warm = await report(OCTOBER, seatEnv, "--store", store);
    expect(enterpriseRequests()).toBe(before);
    const warmEntry = warm.json.platforms.find((p) => p.platform === "claude-enterprise") as {
      notes?: string[];
    };
    expect(warmEntry.notes).toEqual(entry.notes);
  });

  it("--demo shows Claude Ent rows", async () => {
    const res = await runCli(["--demo", "--days", "7", "--no-store"], { COLUMNS: "100" });
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/^\s+Claude Ent\s+[\d,]+\s+/m);
    const json = await runCli(["--demo", "--days", "7", "--json"], {});
    const parsed = JSON.parse(json.stdout) as ReportJson;
    expect(parsed.platforms.find((p) => p.platform === "claude-enterprise")?.status).toBe("ok");
    expect(parsed.users.some((u) => (u as WithTools).tools.includes("Claude Ent"))).toBe(true);
  });
});
