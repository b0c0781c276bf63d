import { afterEach, describe, expect, it } from "vitest";
import { tokenUsage } from "../src/emulators/cursor/data.ts";
import {
  type CursorEmulator,
  cursorData,
  startCursorEmulator,
  type UsageEvent,
} from "../src/emulators/cursor/index.ts";
import { cursorSyntheticEvents } from "../src/emulators/cursor/source.ts";
import { generateOrg } from "../src/emulators/org.ts";
import { AuthenticationError, PermissionDeniedError } from "../src/http/errors.ts";
import { type CursorTuning, createCursorPlatform } from "../src/platforms/cursor/index.ts";
import type { DayRange } from "../src/platforms/types.ts";
import type { UsageRow } from "../src/usage/types.ts";
import { fetchUsage, newNotes, type TestNotes } from "./batches.ts";

const KEY = "crsr_test";
const NOW = new Date("2026-06-01T00:00:00Z");
const RANGE: DayRange = { since: "2026-03-01", until: "2026-05-14" }; // 75 days

let emu: CursorEmulator | undefined;
afterEach(async () => {
  await emu?.close();
  emu = undefined;
});

async function run(server: CursorEmulator, ranges: DayRange[], tuning: CursorTuning = {}, apiKey = KEY) {
  const notes: TestNotes = newNotes();
  const progress: [number, number][] = [];
  const rows: UsageRow[] = [];
  const platform = createCursorPlatform({ requestsPerWindow: 1000, windowMs: 100, ...tuning });
  const options = {
    baseUrl: server.url,
    apiKey,
    fetch: globalThis.fetch,
    now: () => NOW,
    backoffScale: 0.001,
    onProgress: (done: number, total: number) => progress.push([done, total]),
  };
  for await (const row of fetchUsage(platform, options, ranges, notes)) rows.push(row);
  return { rows, notes, progress };
}

interface Totals {
  requests: number;
  tokens: number;
  costNanos: number;
}

/** The spec's arithmetic, written independently of src/platforms/cursor. */
function expected(events: readonly UsageEvent[]): { byUser: Map<string, Totals>; excluded: number } {
  const byUser = new Map<string, Totals>();
  let excluded = 0;
  for (const e of events) {
    if (e.kind.includes("Errored") || e.kind.includes("Aborted")) {
      excluded++;
      continue;
    }
    const who =
      e.serviceAccountId && e.serviceAccountId !== "null"
        ? `service-account:${e.serviceAccountName}`
        : (e.userEmail?.toLowerCase() ?? "(removed user)");
    const t = byUser.get(who) ?? { requests: 0, tokens: 0, costNanos: 0 };
    const u = e.tokenUsage;
    t.requests++;
    t.tokens += u ? u.inputTokens + u.outputTokens + u.cacheReadTokens + u.cacheWriteTokens : 0;
    t.costNanos +=
      e.chargedCents !== undefined
        ? Math.round(e.chargedCents * 1e7)
        : Math.round((u?.totalCents ?? 0) * 1e7) + Math.round((e.cursorTokenFee ?? 0) * 1e7);
    byUser.set(who, t);
  }
  return { byUser, excluded };
}

function actual(rows: readonly UsageRow[]): Map<string, Totals> {
  const byUser = new Map<string, Totals>();
  for (const r of rows) {
    const t = byUser.get(r.identity) ?? { requests: 0, tokens: 0, costNanos: 0 };
    t.requests += r.requests;
    t.tokens += r.inputTokens + r.outputTokens + r.cacheReadTokens + r.cacheWriteTokens;
    t.costNanos += r.costNanos;
    byUser.set(r.identity, t);
  }
  return byUser;
}

const org = generateOrg({ seed: 11, people: 30 });
const data = cursorData(org, RANGE);

describe("cursor platform against the emulator", () => {
  it("gives exact totals per identity over 75 days in 3 windows, one request each", async () => {
    emu = await startCursorEmulator(data);
    const { rows, notes, progress } = await run(emu, [RANGE]);
    const want = expected(data.events);
    expect(actual(rows)).toEqual(want.byUser);
    expect(notes.counters.excludedEvents).toBe(want.excluded);
    expect(want.excluded).toBeGreaterThan(0);
    expect(notes.warnings).toEqual([]);
    expect(want.byUser.has("(removed user)")).toBe(true);
    expect(want.byUser.has("service-account:Nightly CI Agent")).toBe(true);
    expect(data.events.some((e) => e.chargedCents === undefined)).toBe(true);
    expect(data.events.some((e) => e.serviceAccountId === "null")).toBe(true);
    expect(data.events.some((e) => e.userEmail && e.userEmail !== e.userEmail.toLowerCase())).toBe(true);
    // Rows are per (day, identity, model) and only emails have an email.
    const keys = rows.map((r) => `${r.day} ${r.identity} ${r.model}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(
      rows.every(
        (r) => r.platform === "cursor" && r.email === (r.identity.includes("@") ? r.identity : null),
      ),
    ).toBe(true);
    // 75 days = 3 non-overlapping windows with pageSize 1000: three requests.
    expect(emu.requests.map((r) => r.body)).toEqual([
      {
        startDate: Date.parse("2026-03-01T00:00:00Z"),
        endDate: Date.parse("2026-03-30T23:59:59.999Z"),
        page: 1,
        pageSize: 1000,
      },
      {
        startDate: Date.parse("2026-03-31T00:00:00Z"),
        endDate: Date.parse("2026-04-29T23:59:59.999Z"),
        page: 1,
        pageSize: 1000,
      },
      {
        startDate: Date.parse("2026-04-30T00:00:00Z"),
        endDate: Date.parse("2026-05-14T23:59:59.999Z"),
        page: 1,
        pageSize: 1000,
      },
    ]);
    expect(progress.at(-1)).toEqual([3, 3]);
  });

  it("computes a hand-made team exactly, including every kind of trap", async () => {
    const t = Date.parse("2026-05-10T12:00:00Z");
    const base = { model: "claude-4.5-sonnet", maxMode: false, requestsCosts: 1 };
    const events: UsageEvent[] = [
      // Alice (mixed case): token-based usage-based with discount + fee, and a not-token-based included call.
      {
        ...base,
        timestamp: String(t),
        userEmail: "Alice@Company.com",
        kind: "Usage-based",
        isTokenBasedCall: true,
        tokenUsage: tokenUsage(100, 200, 300, 400, 40.167),
        chargedCents: 37.3303,
        cursorTokenFee: 1.18,
      },
      {
        ...base,
        timestamp: String(t + 1),
        userEmail: "alice@company.com",
        kind: "Included in Business",
        isTokenBasedCall: false,
        chargedCents: 8,
      },
      // Errored and aborted: charged cents and tokens that must count nowhere.
      {
        ...base,
        timestamp: String(t + 2),
        userEmail: "alice@company.com",
        kind: "Errored, Not Charged",
        isTokenBasedCall: true,
        tokenUsage: tokenUsage(9, 9, 9, 9, 411.38804),
        chargedCents: 411.38804,
      },
      {
        ...base,
        timestamp: String(t + 3),
        userEmail: "alice@company.com",
        kind: "Aborted, Not Charged",
        isTokenBasedCall: false,
        chargedCents: 5,
      },
      // Older tenant: no chargedCents → totalCents + cursorTokenFee.
      {
        ...base,
        timestamp: String(t + 4),
        userEmail: "bob@company.com",
        kind: "Usage-based",
        isTokenBasedCall: true,
        tokenUsage: tokenUsage(10, 20, 0, 0, 20.18232),
        cursorTokenFee: 1.18,
      },
      // "null" string service account id: a normal user event.
      {
        ...base,
        timestamp: String(t + 5),
        userEmail: "bob@company.com",
        serviceAccountId: "null",
        kind: "Included in Business",
        isTokenBasedCall: true,
        tokenUsage: tokenUsage(1, 1, 1, 1, 31.781),
        chargedCents: 14.68865,
      },
      // A real service account, and a removed user without userEmail.
      {
        ...base,
        timestamp: String(t + 6),
        userEmail: "runner@company.com",
        serviceAccountId: "sa_1",
        serviceAccountName: "Nightly CI Agent",
        kind: "Usage-based",
        isTokenBasedCall: false,
        chargedCents: 2,
      },
      { ...base, timestamp: String(t + 7), kind: "Usage-based", isTokenBasedCall: false, chargedCents: 0.5 },
    ];
    emu = await startCursorEmulator({ members: [], events });
    const { rows, notes } = await run(emu, [{ since: "2026-05-10", until: "2026-05-10" }]);
    expect(actual(rows)).toEqual(
      new Map([
        ["(removed user)", { requests: 1, tokens: 0, costNanos: 5_000_000 }],
        ["service-account:Nightly CI Agent", { requests: 1, tokens: 0, costNanos: 20_000_000 }],
        ["bob@company.com", { requests: 2, tokens: 34, costNanos: 213_623_200 + 146_886_500 }],
        ["alice@company.com", { requests: 2, tokens: 1000, costNanos: 373_303_000 + 80_000_000 }],
      ]),
    );
    expect(notes.counters.excludedEvents).toBe(2);
  });

  it("pages a window concurrently and still counts every event once when pages shift mid-run", async () => {
    emu = await startCursorEmulator(data);
    const late: UsageEvent[] = [0, 1, 2, 3, 4].map((i) => ({
      timestamp: String(Date.parse("2026-05-14T23:59:00Z") + i * 7 + 3),
      userEmail: "late@company.com",
      model: "gpt-5",
      kind: "Usage-based",
      maxMode: false,
      requestsCosts: 1,
      isTokenBasedCall: false,
      chargedCents: 3,
    }));
    // Five events land at the head of the last window while its pages are being read.
    const server = emu;
    server.inject({
      path: "/teams/filtered-usage-events",
      skip: 4,
      times: 1,
      fault: {
        kind: "mutate",
        mutate: (body) => {
          server.insertEvents(late);
          return body;
        },
      },
    });
    const { rows, notes } = await run(emu, [{ since: "2026-04-30", until: "2026-05-14" }], { pageSize: 40 });
    const inWindow = data.events.filter((e) => Number(e.timestamp) >= Date.parse("2026-04-30T00:00:00Z"));
    const want = expected([...inWindow, ...late]);
    expect(actual(rows)).toEqual(want.byUser);
    expect(notes.counters.excludedEvents).toBe(want.excluded);
    expect(notes.warnings).toEqual([]);
    const pages = Math.ceil(inWindow.length / 40);
    expect(pages).toBeGreaterThan(6);
    // The shift was noticed: the window was re-read in order after the concurrent pass.
    expect(emu.requests.length).toBeGreaterThan(pages + 1);
  });

  it("retries 429, 500 and connection resets and ends with exact totals", async () => {
    emu = await startCursorEmulator(data);
    emu.inject({ path: "/teams/", times: 1, fault: { kind: "status", status: 429 } });
    emu.inject({ path: "/teams/", times: 1, fault: { kind: "status", status: 500 } });
    emu.inject({ path: "/teams/", times: 1, fault: { kind: "reset" } });
    emu.inject({ path: "/teams/", times: 1, fault: { kind: "truncate" } });
    const { rows, notes } = await run(emu, [RANGE], { pageSize: 200 });
    const want = expected(data.events);
    expect(actual(rows)).toEqual(want.byUser);
    expect(notes.counters.excludedEvents).toBe(want.excluded);
    expect(emu.requests.map((r) => r.status)).toEqual(expect.arrayContaining([429, 500, 0]));
  });

  it("fails with a clear 401 message that never shows the key", async () => {
    emu = await startCursorEmulator(data);
    const secret = "crsr_wrongkey0123456789";
    const error = await run(emu, [RANGE], {}, secret).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as Error).message).toBe("HTTP 401: Invalid API key");
    expect(JSON.stringify(error)).not.toContain(secret);
    // Not retried: one request per window at most.
    expect(emu.requests.length).toBeLessThanOrEqual(3);
  });

  it("fails with 403 when the team has no Enterprise access", async () => {
    emu = await startCursorEmulator({ ...data, enterprise: false });
    const error = await run(emu, [RANGE]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermissionDeniedError);
    expect((error as Error).message).toBe("HTTP 403: Enterprise access required");
  });

  it("reports a changed response shape by field", async () => {
    emu = await startCursorEmulator(data);
    emu.inject({
      path: "/teams/filtered-usage-events",
      fault: {
        kind: "mutate",
        mutate: (body) => {
          const b = body as { usageEvents: Record<string, unknown>[] };
          if (b.usageEvents[0]) b.usageEvents[0].chargedCents = "lots";
          return b;
        },
      },
    });
    const error = await run(emu, [{ since: "2026-05-01", until: "2026-05-01" }]).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/^unexpected response: usageEvents\[0\]\.chargedCents: /);
  });
});

describe("cursor platform: client-side rate limit", () => {
  const range: DayRange = { since: "2026-05-01", until: "2026-05-20" };
  const source = cursorSyntheticEvents({
    count: 14_500,
    range,
    emails: data.members.filter((m) => !m.isRemoved).map((m) => m.email),
  });
  const want = expected([...source]);

  it("stays under the server's limit: 15 pages at 5 per second, zero 429s", async () => {
    emu = await startCursorEmulator({
      members: data.members,
      events: source,
      rateLimit: { windowMs: 1000, eventsPerWindow: 5 },
    });
    const { rows, notes, progress } = await run(emu, [range], { requestsPerWindow: 5, windowMs: 1000 });
    expect(actual(rows)).toEqual(want.byUser);
    expect(notes.counters.excludedEvents).toBe(want.excluded);
    expect(emu.requests).toHaveLength(15);
    expect(emu.requests.filter((r) => r.status === 429)).toHaveLength(0);
    expect(emu.rateLimited).toBe(0);
    expect(progress.at(-1)).toEqual([15, 15]);
  });

  it.each([false, true])(
    "with a far too permissive limiter the server answers 429 and the client still ends exact (Retry-After: %s)",
    async (retryAfterHeader) => {
      emu = await startCursorEmulator({
        members: data.members,
        events: source,
        rateLimit: { windowMs: 1000, eventsPerWindow: 5 },
        retryAfterHeader,
      });
      const { rows, notes } = await run(emu, [range], { requestsPerWindow: 1000, windowMs: 1000 });
      expect(emu.rateLimited).toBeGreaterThan(0);
      expect(actual(rows)).toEqual(want.byUser);
      expect(notes.counters.excludedEvents).toBe(want.excluded);
    },
  );
});
