import { homedir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { claude } from "../src/platforms/claude/index.ts";
import { defaultStorePath } from "../src/store/index.ts";
import { daysToFetch, oldestLiveDay } from "../src/sync/plan.ts";

const H = 3_600_000;
const at = (iso: string) => Date.parse(iso);
const days = ["2025-03-01", "2025-03-02", "2025-03-03", "2025-03-04"];
const now = new Date("2025-03-05T12:00:00Z");

describe("daysToFetch", () => {
  const settledAfter = claude.settledAfter;
  it("fetches days never fetched", () => {
    expect(daysToFetch({ days, fetched: new Map(), now, settledAfter })).toEqual(days);
  });

  it("settles a Claude Code day 48 h after it ends, to the millisecond", () => {
    // 2025-03-01 ends at 03-02T00:00Z; settled from 03-04T00:00Z on.
    expect(settledAfter("2025-03-01")).toBe(at("2025-03-04T00:00:00.000Z"));
    const one = (fetchedAt: number, rule = settledAfter) =>
      daysToFetch({
        days: ["2025-03-01"],
        fetched: new Map([["2025-03-01", fetchedAt]]),
        now,
        settledAfter: rule,
      });
    expect(one(at("2025-03-04T00:00:00.000Z"))).toEqual([]);
    expect(one(at("2025-03-03T23:59:59.999Z"))).toEqual(["2025-03-01"]);
    expect(one(at("2025-03-02T01:00:00Z"), (d) => Date.parse(`${d}T00:00:00Z`) + 25 * H)).toEqual([]);
  });

  it("re-fetches days fetched before they settled and keeps settled ones", () => {
    const fetched = new Map([
      ["2025-03-01", at("2025-03-04T00:00:00Z")], // settled exactly
      ["2025-03-02", at("2025-03-04T10:00:00Z")], // 34 h after the day ended: not yet
      ["2025-03-03", at("2025-03-03T12:00:00Z")], // fetched while the day was running
    ]);
    expect(daysToFetch({ days, fetched, now, settledAfter })).toEqual([
      "2025-03-02",
      "2025-03-03",
      "2025-03-04",
    ]);
    const atDayEnd = (d: string) => Date.parse(`${d}T00:00:00Z`) + 24 * H;
    expect(daysToFetch({ days, fetched, now, settledAfter: atDayEnd })).toEqual(["2025-03-03", "2025-03-04"]);
  });

  it("refresh fetches every day", () => {
    const fetched = new Map(days.map((d) => [d, at("2025-04-01T00:00:00Z")]));
    const later = new Date("2025-04-02T00:00:00Z");
    expect(daysToFetch({ days, fetched, now: later, settledAfter })).toEqual([]);
    expect(daysToFetch({ days, fetched, now: later, settledAfter, refresh: true })).toEqual(days);
  });

  it("does not trust a record dated after now (the clock went back)", () => {
    const fetched = new Map([["2025-03-01", at("2025-04-01T00:00:00Z")]]);
    expect(daysToFetch({ days: ["2025-03-01"], fetched, now, settledAfter })).toEqual(["2025-03-01"]);
  });
});

describe("oldestLiveDay", () => {
  it("takes the later of a day count and a first day", () => {
    const today = new Date("2026-11-24T12:00:00Z");
    expect(oldestLiveDay(undefined, today)).toBeUndefined();
    expect(oldestLiveDay({ days: 90 }, today)).toBe("2026-08-27");
    expect(oldestLiveDay({ earliest: "2025-12-12" }, today)).toBe("2025-12-12");
    expect(oldestLiveDay({ days: 365, earliest: "2025-12-12" }, today)).toBe("2025-12-12");
    expect(oldestLiveDay({ days: 30, earliest: "2025-12-12" }, today)).toBe("2026-10-26");
  });
});

describe("defaultStorePath", () => {
  it("prefers AI_USAGE_STORE, then XDG_DATA_HOME, then ~/.local/share", () => {
    expect(defaultStorePath({ AI_USAGE_STORE: "/x/h.db", XDG_DATA_HOME: "/data" })).toBe("/x/h.db");
    expect(defaultStorePath({ XDG_DATA_HOME: "/data" })).toBe(join("/data", "ai-usage", "history.db"));
    const fallback = join(homedir(), ".local", "share", "ai-usage", "history.db");
    expect(defaultStorePath({})).toBe(fallback);
    expect(defaultStorePath({ AI_USAGE_STORE: "", XDG_DATA_HOME: "" })).toBe(fallback);
    // A relative XDG_DATA_HOME is invalid per the XDG spec.
    expect(defaultStorePath({ XDG_DATA_HOME: "rel/data" })).toBe(fallback);
  });
});
