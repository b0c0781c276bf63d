import { afterEach, describe, expect, it } from "vitest";
import { cursorData, startCursorEmulator, type UsageEvent } from "../src/emulators/cursor/index.ts";
import { cursorSyntheticEvents } from "../src/emulators/cursor/source.ts";
import { generateOrg } from "../src/emulators/org.ts";

const KEY = "crsr_test";
const auth = (key = KEY) => `Basic ${Buffer.from(`${key}:`).toString("base64")}`;
const DAY = 86_400_000;
const day0 = Date.parse("2026-05-07T00:00:00Z");

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

const event = (ms: number, fields: Partial<UsageEvent> = {}): UsageEvent => ({
  timestamp: String(ms),
  userEmail: "dev@company.com",
  model: "gpt-5",
  kind: "Usage-based",
  maxMode: false,
  requestsCosts: 1,
  isTokenBasedCall: false,
  chargedCents: 4,
  ...fields,
});

async function start(options: Partial<Parameters<typeof startCursorEmulator>[0]> = {}) {
  const emu = await startCursorEmulator({ members: [], events: [], ...options });
  close = () => emu.close();
  const post = async (path: string, body: unknown, authorization = auth()) => {
    const res = await fetch(`${emu.url}${path}`, {
      method: "POST",
      headers: { authorization, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    // biome-ignore lint/suspicious/noExplicitAny: the tests read arbitrary JSON answers
    return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, any> };
  };
  return { emu, post };
}

describe("cursor emulator: auth", () => {
  it("accepts Basic base64(key + ':') and rejects the rest with the live 401 body", async () => {
    const { post } = await start();
    const body = { startDate: day0, endDate: day0 + DAY };
    expect((await post("/teams/filtered-usage-events", body)).status).toBe(200);
    const bad = [
      auth("crsr_wrong"),
      `Basic ${Buffer.from(KEY).toString("base64")}`, // forgot the colon: the classic mistake
      `Bearer ${KEY}`,
      "",
    ];
    for (const header of bad) {
      const res = await post("/teams/filtered-usage-events", body, header);
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ statusCode: 401, error: "Unauthorized", message: "Invalid API key" });
    }
  });

  it("answers 403 for a team without Enterprise access", async () => {
    const { post } = await start({ enterprise: false });
    const res = await post("/teams/filtered-usage-events", {});
    expect(res.status).toBe(403);
    expect(res.body).toEqual({ error: "Forbidden", message: "Enterprise access required" });
  });
});

describe("cursor emulator: filtered-usage-events", () => {
  const events = [
    event(day0 - 1),
    event(day0),
    event(day0 + 5_000, { userEmail: "Other@Company.com" }),
    event(day0 + 10_000, {
      isTokenBasedCall: true,
      tokenUsage: {
        inputTokens: 1,
        outputTokens: 2,
        cacheWriteTokens: 3,
        cacheReadTokens: 4,
        totalCents: 0.1,
      },
    }),
    event(day0 + DAY - 1),
    event(day0 + DAY),
  ];

  it("includes both bounds, sorts newest first and sends timestamps as strings", async () => {
    const { post } = await start({ events });
    const res = await post("/teams/filtered-usage-events", { startDate: day0, endDate: day0 + DAY - 1 });
    expect(res.body.totalUsageEventsCount).toBe(4);
    expect(res.body.usageEvents.map((e: UsageEvent) => e.timestamp)).toEqual(
      [day0 + DAY - 1, day0 + 10_000, day0 + 5_000, day0].map(String),
    );
    expect(res.body.period).toEqual({ startDate: day0, endDate: day0 + DAY - 1 });
    expect(res.body.usageEvents[0]).not.toHaveProperty("tokenUsage");
    expect(res.body.usageEvents[1].tokenUsage.cacheReadTokens).toBe(4);
  });

  it("pages with numPages = ceil(total / pageSize), default pageSize 100, and rejects pageSize > 1000", async () => {
    const { post } = await start({ events });
    const range = { startDate: day0 - DAY, endDate: day0 + 2 * DAY };
    const p2 = await post("/teams/filtered-usage-events", { ...range, page: 2, pageSize: 4 });
    expect(p2.body.pagination).toEqual({
      numPages: 2,
      currentPage: 2,
      pageSize: 4,
      hasNextPage: false,
      hasPreviousPage: true,
    });
    expect(p2.body.usageEvents.map((e: UsageEvent) => e.timestamp)).toEqual([String(day0), String(day0 - 1)]);
    const all = await post("/teams/filtered-usage-events", range);
    expect(all.body.pagination).toMatchObject({ numPages: 1, pageSize: 100, hasNextPage: false });
    const beyond = await post("/teams/filtered-usage-events", { ...range, page: 9, pageSize: 4 });
    expect(beyond.body.usageEvents).toEqual([]);
    const tooBig = await post("/teams/filtered-usage-events", { ...range, pageSize: 1001 });
    expect(tooBig.status).toBe(400);
    expect(tooBig.body).toEqual({ error: "Bad Request", message: "pageSize must be between 1 and 1000" });
  });

  it("AND-s the email and userId filters (email case-insensitive)", async () => {
    const members = [
      { id: "user_other", name: "O", email: "other@company.com", role: "member", isRemoved: false },
    ];
    const { post } = await start({ events, members });
    const range = { startDate: day0 - DAY, endDate: day0 + 2 * DAY };
    expect(
      (await post("/teams/filtered-usage-events", { ...range, email: "other@company.com" })).body
        .totalUsageEventsCount,
    ).toBe(1);
    expect(
      (await post("/teams/filtered-usage-events", { ...range, userId: "user_other" })).body
        .totalUsageEventsCount,
    ).toBe(1);
    const both = await post("/teams/filtered-usage-events", {
      ...range,
      userId: "user_other",
      email: "dev@company.com",
    });
    expect(both.body.totalUsageEventsCount).toBe(0);
  });

  it("does not serve events after its clock (they have not happened yet)", async () => {
    const { post } = await start({ events, now: () => new Date(day0 + 5_000) });
    const res = await post("/teams/filtered-usage-events", {
      startDate: day0 - DAY,
      endDate: day0 + 2 * DAY,
    });
    expect(res.body.totalUsageEventsCount).toBe(3);
    expect(res.body.period).toEqual({ startDate: day0 - DAY, endDate: day0 + 2 * DAY });
  });

  it("serves the synthetic source by page without generating everything", async () => {
    const source = cursorSyntheticEvents({
      count: 10_000,
      range: { since: "2026-05-01", until: "2026-05-10" },
      emails: ["a@company.com", "b@company.com"],
    });
    const { post } = await start({ events: source });
    const range = {
      startDate: Date.parse("2026-05-01T00:00:00Z"),
      endDate: Date.parse("2026-05-10T23:59:59.999Z"),
    };
    const page = await post("/teams/filtered-usage-events", { ...range, page: 7, pageSize: 1000 });
    expect(page.body.totalUsageEventsCount).toBe(10_000);
    expect(page.body.usageEvents).toHaveLength(1000);
    expect(page.body.usageEvents[0]).toEqual(JSON.parse(JSON.stringify(source.at(6000))));
  });
});

describe("cursor emulator: rate limits", () => {
  it("answers 429 with the documented body past the per-key limit, per route bucket", async () => {
    const { emu, post } = await start({
      rateLimit: { windowMs: 60_000, eventsPerWindow: 3, otherPerWindow: 1 },
      retryAfterHeader: true,
    });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await post("/teams/filtered-usage-events", {})).status);
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    const limited = await post("/teams/filtered-usage-events", {});
    expect(limited.body).toEqual({
      error: "Too Many Requests",
      message: "Rate limit exceeded. Please try again later.",
    });
    expect(limited.headers.get("retry-after")).toBe("60");
    // Other routes have their own, smaller budget.
    const members = () => fetch(`${emu.url}/teams/members`, { headers: { authorization: auth() } });
    expect((await members()).status).toBe(200);
    expect((await members()).status).toBe(429);
    expect(emu.rateLimited).toBe(4);
    expect(emu.requests.filter((r) => r.status === 429)).toHaveLength(4);
  });

  it("opens a new window once the old one is over", async () => {
    const { post } = await start({ rateLimit: { windowMs: 200, eventsPerWindow: 1 } });
    await post("/teams/filtered-usage-events", {});
    await new Promise((r) => setTimeout(r, 210));
    expect((await post("/teams/filtered-usage-events", {})).status).toBe(200);
  });
});

describe("cursor emulator: members and daily usage", () => {
  const org = generateOrg({ seed: 3, people: 12 });
  const data = cursorData(org, { since: "2026-04-01", until: "2026-05-15" });

  it("lists active members only (removed users vanish)", async () => {
    const { emu } = await start(data);
    const res = await fetch(`${emu.url}/teams/members`, { headers: { authorization: auth() } });
    const body = (await res.json()) as { teamMembers: { email: string; isRemoved: boolean }[] };
    expect(body.teamMembers.length).toBe(data.members.length - 1);
    expect(body.teamMembers.some((m) => m.isRemoved)).toBe(false);
  });

  it("refuses ranges over 30 days and returns one row per (user, day) with activity", async () => {
    const { post } = await start(data);
    const start0 = Date.parse("2026-04-01T00:00:00Z");
    const tooLong = await post("/teams/daily-usage-data", { startDate: start0, endDate: start0 + 31 * DAY });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body).toEqual({ error: "Bad Request", message: "Date range cannot exceed 30 days" });
    expect((await post("/teams/daily-usage-data", {})).status).toBe(400);

    const res = await post("/teams/daily-usage-data", { startDate: start0, endDate: start0 + 30 * DAY - 1 });
    expect(res.status).toBe(200);
    const rows = res.body.data as {
      email: string;
      day: string;
      composerRequests: number;
      chatRequests: number;
      agentRequests: number;
    }[];
    const keys = rows.map((r) => `${r.email} ${r.day}`);
    expect(new Set(keys).size).toBe(keys.length);
    const active = new Set(data.members.filter((m) => !m.isRemoved).map((m) => m.email));
    expect(rows.every((r) => active.has(r.email) && r.day >= "2026-04-01" && r.day <= "2026-04-30")).toBe(
      true,
    );
    // Request counts add up to the members' events in the range.
    const inRange = data.events.filter(
      (e) =>
        Number(e.timestamp) >= start0 &&
        Number(e.timestamp) < start0 + 30 * DAY &&
        e.userEmail &&
        active.has(e.userEmail.toLowerCase()) &&
        !e.serviceAccountId?.startsWith("sa_"),
    );
    const sum = rows.reduce((s, r) => s + r.composerRequests + r.chatRequests + r.agentRequests, 0);
    expect(sum).toBe(inRange.length);
    expect(res.body).not.toHaveProperty("pagination");
  });
});
