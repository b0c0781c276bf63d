import { describe, expect, it } from "vitest";
import { tokenUsage } from "../src/emulators/cursor/data.ts";
import { WindowAggregator } from "../src/platforms/cursor/aggregate.ts";
import { HashSet52, hash52 } from "../src/platforms/cursor/dedupe.ts";
import { eventCostNanos, identityOf, isExcluded, REMOVED_USER } from "../src/platforms/cursor/normalize.ts";
import { type CursorEvent, eventMs, parseEventsPage } from "../src/platforms/cursor/schema.ts";

const T = Date.parse("2026-05-07T10:00:00Z");
const ev = (fields: Record<string, unknown>): CursorEvent =>
  parseEventsPage({
    totalUsageEventsCount: 1,
    usageEvents: [{ timestamp: String(T), model: "gpt-5", kind: "Usage-based", ...fields }],
  }).usageEvents[0]!;
const window = {
  startMs: Date.parse("2026-05-07T00:00:00Z"),
  endMs: Date.parse("2026-05-08T23:59:59.999Z"),
};

describe("event classification", () => {
  it("excludes errored and aborted kinds, whatever their case", () => {
    expect(isExcluded(ev({ kind: "Errored, Not Charged" }))).toBe(true);
    expect(isExcluded(ev({ kind: "Aborted, Not Charged" }))).toBe(true);
    expect(isExcluded(ev({ kind: "errored, no charge" }))).toBe(true);
    expect(isExcluded(ev({ kind: "Included in Business" }))).toBe(false);
    expect(isExcluded(ev({ kind: "Usage-based" }))).toBe(false);
  });

  it("names users by lower-cased, trimmed email", () => {
    expect(identityOf(ev({ userEmail: "  Alice.Smith@Company.COM " }))).toEqual({
      identity: "alice.smith@company.com",
      email: "alice.smith@company.com",
    });
  });

  it("keeps service accounts apart, even when they carry a runner's email", () => {
    const sa = ev({
      serviceAccountId: "sa_abc123",
      serviceAccountName: "Nightly CI Agent",
      userEmail: "r@x.com",
    });
    expect(identityOf(sa)).toEqual({ identity: "service-account:Nightly CI Agent", email: null });
    expect(identityOf(ev({ serviceAccountId: "sa_abc123" }))).toEqual({
      identity: "service-account:sa_abc123",
      email: null,
    });
  });

  it('treats serviceAccountId "null" (a string) as a normal user event', () => {
    expect(identityOf(ev({ serviceAccountId: "null", userEmail: "bob@x.com" })).identity).toBe("bob@x.com");
    expect(identityOf(ev({ serviceAccountId: null, userEmail: "bob@x.com" })).identity).toBe("bob@x.com");
  });

  it("labels events without userEmail as a removed user", () => {
    expect(identityOf(ev({}))).toEqual({ identity: REMOVED_USER, email: null });
  });

  it("costs chargedCents, else totalCents + cursorTokenFee (older tenants)", () => {
    expect(eventCostNanos(ev({ chargedCents: 21.36232, tokenUsage: tokenUsage(1, 1, 1, 1, 20.18232) }))).toBe(
      213_623_200,
    );
    expect(eventCostNanos(ev({ tokenUsage: tokenUsage(1, 1, 1, 1, 40.167), cursorTokenFee: 1.18 }))).toBe(
      413_470_000,
    );
    expect(eventCostNanos(ev({ tokenUsage: tokenUsage(1, 1, 1, 1, 0.5) }))).toBe(5_000_000);
    expect(eventCostNanos(ev({ chargedCents: 8 }))).toBe(80_000_000);
    expect(eventCostNanos(ev({}))).toBe(0);
  });

  it("reads timestamps given as strings or numbers, and rejects other shapes", () => {
    expect(eventMs(ev({ timestamp: "1750979225854" }))).toBe(1750979225854);
    expect(eventMs(ev({ timestamp: 1750979225854 }))).toBe(1750979225854);
    expect(eventMs(ev({ timestamp: "0000000000000007" }))).toBe(7);
    expect(() => ev({ timestamp: "yesterday" })).toThrow("usageEvents[0].timestamp: Invalid input");
  });
});

describe("fingerprints", () => {
  /** How many of `events` the aggregator took for repeats of an earlier one. */
  const repeats = (...events: CursorEvent[]) => {
    const agg = new WindowAggregator(window);
    agg.add(events);
    return agg.repeated;
  };

  it("are equal for equal events and differ when any identifying field differs", () => {
    const base = {
      userEmail: "a@x.com",
      chargedCents: 1.5,
      conversationId: "c1",
      tokenUsage: tokenUsage(1, 2, 3, 4, 1),
    };
    expect(repeats(ev(base), ev({ ...base }))).toBe(1);
    // A timestamp given as a number is the same instant as its string.
    expect(repeats(ev(base), ev({ ...base, timestamp: T }))).toBe(1);
    for (const change of [
      { timestamp: String(T + 1) },
      { userEmail: "b@x.com" },
      { userEmail: "A@x.com" },
      { serviceAccountId: "sa_1" },
      { model: "default" },
      { kind: "Included in Business" },
      { chargedCents: 1.500001 },
      { conversationId: "c2" },
      { tokenUsage: tokenUsage(1, 2, 3, 5, 1) },
      { tokenUsage: tokenUsage(1, 2, 3, 4, 1.1) },
    ])
      expect(repeats(ev(base), ev({ ...base, ...change })), JSON.stringify(change)).toBe(0);
  });

  it("are 52-bit positive integers", () => {
    for (const s of ["", "a", "hello world", "x".repeat(1000)]) {
      const h = hash52(s);
      expect(Number.isSafeInteger(h) && h > 0 && h < 2 ** 52).toBe(true);
    }
  });

  it("HashSet52 adds, finds and grows without losing members", () => {
    const set = new HashSet52();
    for (let i = 1; i <= 5000; i++) expect(set.add(i * 7919)).toBe(true);
    for (let i = 1; i <= 5000; i++) expect(set.add(i * 7919)).toBe(false);
    expect(set.size).toBe(5000);
    expect(set.has(7919 * 4999)).toBe(true);
    expect(set.has(3)).toBe(false);
  });
});

describe("WindowAggregator", () => {
  const a = ev({ userEmail: "A@x.com", chargedCents: 10, tokenUsage: tokenUsage(1, 2, 3, 4, 9) });
  const b = ev({ userEmail: "a@x.com", timestamp: String(T + 1), chargedCents: 0.5 });
  const errored = ev({
    userEmail: "a@x.com",
    timestamp: String(T + 2),
    kind: "Errored, Not Charged",
    chargedCents: 7,
  });
  const nextDay = ev({ userEmail: "a@x.com", timestamp: String(T + 86_400_000), chargedCents: 1 });

  it("folds events into (day, identity, model) rows and counts excluded events apart", () => {
    const agg = new WindowAggregator(window);
    agg.add([a, b, errored, nextDay]);
    const rows = agg.finish(false);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({
      day: "2026-05-07",
      identity: "a@x.com",
      email: "a@x.com",
      model: "gpt-5",
      requests: 2,
      inputTokens: 1,
      outputTokens: 2,
      cacheWriteTokens: 3,
      cacheReadTokens: 4,
      costNanos: 105_000_000,
      costEstimated: false,
    });
    expect(rows[1]).toMatchObject({ day: "2026-05-08", requests: 1, costNanos: 10_000_000 });
    expect(agg.excluded).toBe(1);
    expect(agg.unique).toBe(4);
  });

  it("drops repeats when the pages shifted, and counts them when they did not", () => {
    const shifted = new WindowAggregator(window);
    shifted.add([a, b, errored]);
    shifted.add([b, errored]);
    expect(shifted.finish(true)[0]).toMatchObject({ requests: 2, costNanos: 105_000_000 });
    expect(shifted.excluded).toBe(1);

    const stable = new WindowAggregator(window);
    stable.add([a, b, errored]);
    stable.add([b, errored]);
    expect(stable.finish(false)[0]).toMatchObject({ requests: 3, costNanos: 110_000_000 });
    expect(stable.excluded).toBe(2);
  });

  it("joins spellings of one identity or model into one row, and keeps service accounts apart", () => {
    const at = (i: number) => String(T + i);
    const agg = new WindowAggregator(window);
    agg.add([
      ev({ timestamp: at(0), userEmail: "a@x.com", chargedCents: 1 }),
      ev({ timestamp: at(1), userEmail: " A@X.com ", model: " gpt-5 ", chargedCents: 2 }),
      ev({ timestamp: at(2), userEmail: "a@x.com", serviceAccountId: "null", chargedCents: 4 }),
      ev({
        timestamp: at(3),
        userEmail: "a@x.com",
        serviceAccountId: "sa_1",
        serviceAccountName: "CI",
        chargedCents: 8,
      }),
      ev({ timestamp: at(4), serviceAccountId: "sa_1", serviceAccountName: " CI ", chargedCents: 16 }),
      ev({ timestamp: at(5), userEmail: "a@x.com", model: null, chargedCents: 32 }),
      ev({ timestamp: at(6), userEmail: "a@x.com", model: "  ", chargedCents: 64 }),
      ev({ timestamp: at(7), chargedCents: 128 }),
    ]);
    const rows = agg
      .finish(false)
      .map((r) => [r.identity, r.email, r.model, r.requests, r.costNanos / 10_000_000]);
    expect(rows).toEqual([
      ["a@x.com", "a@x.com", "gpt-5", 3, 7],
      ["service-account:CI", null, "gpt-5", 2, 24],
      ["a@x.com", "a@x.com", "(none)", 2, 96],
      [REMOVED_USER, null, "gpt-5", 1, 128],
    ]);
  });

  it("ignores events outside the window", () => {
    const agg = new WindowAggregator(window);
    agg.add([ev({ userEmail: "a@x.com", timestamp: String(window.endMs + 1) })]);
    expect(agg.finish(false)).toEqual([]);
    expect(agg.outside).toBe(1);
  });
});
