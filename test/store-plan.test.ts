import { homedir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  DEFAULT_SETTLE_MS,
  daysToFetch,
  defaultStorePath,
  isSettled,
  uncoveredDays,
} from "../src/store/index.ts";

const H = 3_600_000;
const at = (iso: string) => Date.parse(iso);
const days = ["2025-03-01", "2025-03-02", "2025-03-03", "2025-03-04"];
const now = new Date("2025-03-05T12:00:00Z");

describe("daysToFetch", () => {
  it("fetches days never fetched", () => {
    expect(daysToFetch({ days, fetched: new Map(), now })).toEqual(days);
  });

  it("settles a day 48 h after it ends, to the millisecond", () => {
    expect(DEFAULT_SETTLE_MS).toBe(48 * H);
    // 2025-03-01 ends at 03-02T00:00Z; settled from 03-04T00:00Z on.
    expect(isSettled("2025-03-01", at("2025-03-04T00:00:00.000Z"))).toBe(true);
    expect(isSettled("2025-03-01", at("2025-03-03T23:59:59.999Z"))).toBe(false);
    expect(isSettled("2025-03-01", at("2025-03-02T01:00:00Z"), 1 * H)).toBe(true);
  });

  it("re-fetches days fetched before they settled and keeps settled ones", () => {
    const fetched = new Map([
      ["2025-03-01", at("2025-03-04T00:00:00Z")], // settled exactly
      ["2025-03-02", at("2025-03-04T10:00:00Z")], // 34 h after the day ended: not yet
      ["2025-03-03", at("2025-03-03T12:00:00Z")], // fetched while the day was running
    ]);
    expect(daysToFetch({ days, fetched, now })).toEqual(["2025-03-02", "2025-03-03", "2025-03-04"]);
    expect(daysToFetch({ days, fetched, now, settleMs: 0 })).toEqual(["2025-03-03", "2025-03-04"]);
  });

  it("refresh fetches every day", () => {
    const fetched = new Map(days.map((d) => [d, at("2025-04-01T00:00:00Z")]));
    expect(daysToFetch({ days, fetched, now: new Date("2025-04-02T00:00:00Z") })).toEqual([]);
    expect(daysToFetch({ days, fetched, now: new Date("2025-04-02T00:00:00Z"), refresh: true })).toEqual(
      days,
    );
  });

  it("does not trust a record dated after now (the clock went back)", () => {
    const fetched = new Map([["2025-03-01", at("2025-04-01T00:00:00Z")]]);
    expect(daysToFetch({ days: ["2025-03-01"], fetched, now })).toEqual(["2025-03-01"]);
  });
});

describe("uncoveredDays", () => {
  it("lists the days the store never fetched", () => {
    const fetched = new Map([["2025-03-02", 1]]);
    expect(uncoveredDays(["2025-03-01", "2025-03-02", "2025-03-03"], fetched)).toEqual([
      "2025-03-01",
      "2025-03-03",
    ]);
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
