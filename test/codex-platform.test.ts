import { afterEach, describe, expect, it } from "vitest";
import {
  type CodexEmulatorOptions,
  type CodexRecord,
  type CodexUser,
  codexData,
  codexRecord,
  startCodexEmulator,
} from "../src/emulators/codex/index.ts";
import { generateOrg } from "../src/emulators/org.ts";
import type { EmulatorServer } from "../src/emulators/server.ts";
import { CodexSettingsError, usageWindows } from "../src/platforms/codex/client.ts";
import { codex } from "../src/platforms/codex/index.ts";
import { daysBetween } from "../src/usage/days.ts";
import { clientFor, collect, expectedCost, expectedIdentity, sumRecords, sumRows } from "./codex-helpers.ts";

const NOW = () => new Date("2026-08-20T09:00:00Z");
const RANGE = { since: "2026-07-20", until: "2026-08-08" }; // 20 days → windows of 7, 7, 6
const ORG = generateOrg({ seed: 7, people: 40 });
const DATA = codexData(ORG, RANGE);
const USERS = new Map(DATA.users.map((u) => [u.userId, u]));

let server: EmulatorServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});
async function start(opts: Partial<CodexEmulatorOptions> = {}) {
  server = await startCodexEmulator({ users: DATA.users, records: DATA.records, now: NOW, ...opts });
  return server;
}
const usageRequests = () => server!.requests.filter((r) => r.path.endsWith("/usage"));
const byPersonDay =
  (users = USERS, emails = true) =>
  (r: CodexRecord) =>
    `${r.day} ${expectedIdentity(users.get(r.userId), r.userId, emails)}`;

describe("codex platform over loopback", () => {
  it("reports exact per person-day totals at the default $0.04 a credit", async () => {
    await start();
    const { rows, batches, notes } = await collect(clientFor(server!.url), [RANGE]);
    // 0.04 USD = 40,000,000 nano-dollars a credit = 40 nano-dollars a micro-credit.
    const expected = expectedCost(sumRecords(DATA.records, byPersonDay()), 40);
    expect(sumRows(rows, (r) => `${r.day} ${r.identity}`)).toEqual(expected);
    expect(rows.every((r) => r.platform === "codex" && r.cacheWriteTokens === 0)).toBe(true);
    // Every cost is an estimate; rows that carry only turns have no cost to mark.
    expect(rows.every((r) => r.costEstimated === r.costNanos > 0)).toBe(true);
    expect(rows.filter((r) => r.costNanos === 0).every((r) => r.model === "codex (mixed)")).toBe(true);
    expect(batches.map((b) => b.days.length)).toEqual([7, 7, 6]);
    expect(batches.flatMap((b) => b.days)).toEqual(daysBetween(RANGE.since, RANGE.until));
    for (const b of batches) for (const r of b.rows) expect(b.days).toContain(r.day);
    expect(notes.notes).toEqual([]);
    expect(codex.notes?.({})).toEqual([
      "requests are Codex turns (a prompt and the agent's work on it), not model calls; cost is estimated at $0.04 a credit, the list-price equivalent (set AI_USAGE_CODEX_CREDIT_USD to your contract price) unless the API estimates it",
    ]);
    expect(notes.warnings).toEqual([]);
    // One request per window: every window fits one page of 500.
    expect(usageRequests()).toHaveLength(3);
    const q = new URLSearchParams(usageRequests()[0]!.query);
    expect(Object.fromEntries(q)).toEqual({
      start_time: String(Date.parse("2026-07-20T00:00:00Z") / 1000),
      end_time: String(Date.parse("2026-07-27T00:00:00Z") / 1000),
      group_by: "day",
      limit: "500",
    });
  });

  it("maps identities: lower-cased actor or top-level email, else codex-user:<id>", async () => {
    await start();
    const { rows } = await collect(clientFor(server!.url), [RANGE]);
    const identities = new Set(rows.map((r) => r.identity));
    const [upper, withheld, topLevel] = DATA.users;
    expect(identities).toContain(upper!.email!.toLowerCase());
    expect(identities).toContain(`codex-user:${withheld!.userId}`);
    expect(identities).toContain(topLevel!.email);
    for (const r of rows) expect(r.email).toBe(r.identity.startsWith("codex-user:") ? null : r.identity);
  });

  it("keeps each model's tokens and cost, and turns on the only model or on codex (mixed)", async () => {
    await start();
    const { rows } = await collect(clientFor(server!.url), [RANGE]);
    const byModel = sumRecords(DATA.records, (r) => r.model);
    const got = sumRows(rows, (r) => r.model);
    for (const [model, s] of byModel) {
      expect(got.get(model)?.input, model).toBe(s.input);
      expect(got.get(model)?.output, model).toBe(s.output);
      expect(got.get(model)?.nanos, model).toBe(s.micro * 40);
    }
    // Turns have no per-model split: a person-day with several models puts them on "codex (mixed)".
    const models = new Map<string, Set<string>>();
    for (const r of DATA.records) {
      const k = byPersonDay()(r);
      models.set(k, (models.get(k) ?? new Set()).add(r.model));
    }
    const mixedTurns = [...sumRecords(DATA.records, byPersonDay())]
      .filter(([k]) => models.get(k)!.size > 1)
      .reduce((n, [, s]) => n + s.requests, 0);
    expect(mixedTurns).toBeGreaterThan(0);
    expect(got.get("codex (mixed)")?.requests).toBe(mixedTurns);
    expect(got.get("codex (mixed)")?.input).toBe(0);
  });

  it("prices credits at AI_USAGE_CODEX_CREDIT_USD", async () => {
    await start();
    const env = {
      CODEX_WORKSPACE_ID: "7c0a3e52-4b1d-4e8f-9a6b-2f1d0c9e8b7a",
      AI_USAGE_CODEX_CREDIT_USD: "0.031",
    };
    const { rows } = await collect(clientFor(server!.url, { env }), [RANGE]);
    const total = DATA.records.reduce((n, r) => n + r.microCredits, 0);
    expect(rows.reduce((n, r) => n + r.costNanos, 0)).toBe(total * 31);
    expect(codex.notes?.(env).join("\n")).toContain(
      "cost is estimated at $0.031 a credit (AI_USAGE_CODEX_CREDIT_USD) unless",
    );
  });

  it.each(["abc", "-0.04", "0,04", "1e-2", "5000"])(
    "refuses AI_USAGE_CODEX_CREDIT_USD=%s before any request",
    async (value) => {
      await start();
      const env = {
        CODEX_WORKSPACE_ID: "7c0a3e52-4b1d-4e8f-9a6b-2f1d0c9e8b7a",
        AI_USAGE_CODEX_CREDIT_USD: value,
      };
      const err = await collect(clientFor(server!.url, { env }), [RANGE]).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(CodexSettingsError);
      expect((err as Error).message).toMatch(/^AI_USAGE_CODEX_CREDIT_USD /);
      expect(server!.requests).toHaveLength(0);
    },
  );

  it("refuses a key without CODEX_WORKSPACE_ID, naming it, before any request", async () => {
    await start();
    const err = await collect(clientFor(server!.url, { env: {} }), [RANGE]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CodexSettingsError);
    expect((err as Error).message).toMatch(/^CODEX_WORKSPACE_ID is not set/);
    expect(server!.requests).toHaveLength(0);
  });

  it("uses estimated_cost_usd when the API gives it, as numbers or as strings", async () => {
    for (const moneyAsStrings of [false, true]) {
      await start({ overageUsdPerCredit: "0.045", blocks: { moneyAsStrings } });
      const { rows } = await collect(clientFor(server!.url), [RANGE]);
      const expected = expectedCost(sumRecords(DATA.records, byPersonDay()), 45);
      expect(sumRows(rows, (r) => `${r.day} ${r.identity}`)).toEqual(expected);
      await server!.close();
    }
    server = undefined;
  });

  it("adds cost_usd (usage billed in dollars) on top of credits", async () => {
    const users: CodexUser[] = [{ userId: "user-x", email: "x@company.com", emailIn: "actor" }];
    const base = { day: "2026-08-01", userId: "user-x", client: "CODEX_CLI", model: "gpt-5.5" };
    const records = [
      codexRecord({ ...base, turns: 3, uncached: 200_000, cached: 1_800_000, output: 40_000 }),
      codexRecord({
        ...base,
        client: "CODEX_WEB",
        turns: 1,
        uncached: 1000,
        cached: 0,
        output: 1000,
        costUsdNanos: 1_234_567_891,
      }),
    ];
    await start({ users, records });
    const { rows } = await collect(clientFor(server!.url), [{ since: "2026-08-01", until: "2026-08-01" }]);
    // 77.5 credits (the reference example) + 0.875 credits, at $0.04, plus $1.234567891 billed in dollars.
    expect(rows).toEqual([
      {
        platform: "codex",
        day: "2026-08-01",
        identity: "x@company.com",
        email: "x@company.com",
        model: "gpt-5.5",
        requests: 4,
        inputTokens: 201_000,
        cacheReadTokens: 1_800_000,
        outputTokens: 41_000,
        cacheWriteTokens: 0,
        costNanos: 3_100_000_000 + 35_000_000 + 1_234_567_891,
        costEstimated: true,
      },
    ]);
  });
});

describe("codex platform: optional blocks", () => {
  const exact = async () => {
    const { rows, notes } = await collect(clientFor(server!.url), [RANGE]);
    return { rows, notes, sums: sumRows(rows, (r) => `${r.day} ${r.identity}`) };
  };

  it("without models[]: one row per person-day under model codex", async () => {
    await start({ blocks: { models: false } });
    const { rows, sums, notes } = await exact();
    expect(new Set(rows.map((r) => r.model))).toEqual(new Set(["codex"]));
    expect(sums).toEqual(expectedCost(sumRecords(DATA.records, byPersonDay()), 40));
    expect(notes.warnings).toEqual([]);
  });

  it("without token fields on totals: tokens summed from clients[]", async () => {
    await start({ blocks: { totalsTokens: false } });
    const { sums } = await exact();
    expect(sums).toEqual(expectedCost(sumRecords(DATA.records, byPersonDay()), 40));
  });

  it("without tokens on models[]: tokens stay on the person-day, never split by credits", async () => {
    await start({ blocks: { modelTokens: false } });
    const { rows, sums } = await exact();
    expect(sums).toEqual(expectedCost(sumRecords(DATA.records, byPersonDay()), 40));
    const mixed = rows.filter((r) => r.model === "codex (mixed)");
    expect(mixed.length).toBeGreaterThan(0);
    for (const r of rows)
      if (r.model !== "codex (mixed)" && r.inputTokens > 0)
        expect(mixed.some((m) => m.day === r.day && m.identity === r.identity)).toBe(false);
  });

  it("without tokens anywhere: 0 tokens and a warning, cost and turns still exact", async () => {
    await start({ blocks: { totalsTokens: false, clients: false, modelTokens: false } });
    const { rows, notes } = await exact();
    expect(rows.every((r) => r.inputTokens + r.cacheReadTokens + r.outputTokens === 0)).toBe(true);
    const personDays = sumRecords(DATA.records, byPersonDay()).size;
    expect(notes.warnings).toEqual([
      `codex: ${personDays} person-days came without token counts (not reported; shown as 0 tokens)`,
    ]);
    expect(rows.reduce((n, r) => n + r.requests, 0)).toBe(DATA.records.reduce((n, r) => n + r.turns, 0));
    expect(rows.reduce((n, r) => n + r.costNanos, 0)).toBe(
      DATA.records.reduce((n, r) => n + r.microCredits * 40, 0),
    );
  });

  it("without emails: every person keyed by codex-user:<user_id>", async () => {
    await start({ blocks: { emails: false } });
    const { rows, sums } = await exact();
    expect(rows.every((r) => r.identity.startsWith("codex-user:user-") && r.email === null)).toBe(true);
    expect(sums).toEqual(expectedCost(sumRecords(DATA.records, byPersonDay(USERS, false)), 40));
  });

  it("without clients[]: no client counters, totals unchanged", async () => {
    await start({ blocks: { clients: false } });
    const { rows, batches } = await collect(clientFor(server!.url), [RANGE]);
    expect(sumRows(rows, (r) => `${r.day} ${r.identity}`)).toEqual(
      expectedCost(sumRecords(DATA.records, byPersonDay()), 40),
    );
    expect(batches.every((b) => Object.keys(b.counters ?? {}).length === 0)).toBe(true);
  });

  it("counts turns per client and day as batch counters", async () => {
    await start();
    const { batches } = await collect(clientFor(server!.url), [RANGE]);
    const got: Record<string, number> = {};
    for (const b of batches)
      for (const [day, counters] of Object.entries(b.counters ?? {})) {
        expect(b.days).toContain(day);
        for (const [name, n] of Object.entries(counters)) got[name] = (got[name] ?? 0) + n;
      }
    const want: Record<string, number> = {};
    for (const r of DATA.records) want[`turns:${r.client}`] = (want[`turns:${r.client}`] ?? 0) + r.turns;
    expect(got).toEqual(want);
  });
});

describe("codex descriptor", () => {
  it("reads the organisation from CODEX_WORKSPACE_ID and settles days 48 h after they end", () => {
    expect(codex.organization?.({ CODEX_WORKSPACE_ID: " ws-1 " })).toBe("ws-1");
    expect(codex.organization?.({})).toBeNull();
    expect(codex.settledAfter("2026-08-01")).toBe(Date.parse("2026-08-04T00:00:00Z"));
    expect(codex.lookback).toEqual({ days: 90 });
    expect(codex.requiredEnv).toEqual([["CODEX_WORKSPACE_ID"]]);
  });

  it("splits ranges into contiguous windows of at most 7 days, without gaps or overlaps", () => {
    const windows = usageWindows([
      { since: "2026-07-10", until: "2026-07-20" },
      { since: "2026-07-01", until: "2026-07-03" },
      { since: "2026-07-19", until: "2026-07-21" },
    ]);
    expect(windows.map((w) => [w.days[0], w.days.length])).toEqual([
      ["2026-07-01", 3],
      ["2026-07-10", 7],
      ["2026-07-17", 5],
    ]);
    expect(windows[1]).toMatchObject({
      startTime: Date.parse("2026-07-10T00:00:00Z") / 1000,
      endTime: Date.parse("2026-07-17T00:00:00Z") / 1000,
    });
  });

  it("says which key is needed on 401 and 403", () => {
    for (const status of [401, 403]) {
      const advice = codex.advice?.(status, "") ?? "";
      expect(advice).toContain("Admin key");
      expect(advice).toContain("sk-admin-");
      expect(advice).toContain("codex.enterprise.analytics.read");
    }
    expect(codex.advice?.(404, "")).toContain("CODEX_WORKSPACE_ID");
  });

  it("reads FastAPI 422 details naming the parameter, and the other error shapes", () => {
    const detail = [
      { loc: ["query", "start_time"], msg: "Input should be a valid integer", type: "int_parsing" },
    ];
    expect(codex.errorMessage({ detail })).toBe("query start_time: Input should be a valid integer");
    expect(codex.errorMessage({ detail: "Not authenticated" })).toBe("Not authenticated");
    expect(codex.errorMessage({ error: { message: "Incorrect API key provided." } })).toBe(
      "Incorrect API key provided.",
    );
    expect(codex.errorMessage("<html>")).toBeUndefined();
  });
});
