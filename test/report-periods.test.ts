import { describe, expect, it } from "vitest";
import { isoWeek, periodsOf, previousWindow } from "../src/report/periods.ts";

describe("report periods", () => {
  it("keys ISO weeks YYYY-Www with weeks starting on Monday and the Thursday deciding the year", () => {
    // Checked against Python's date.isocalendar().
    const cases: Record<string, string> = {
      "2026-11-23": "2026-W48", // a Monday
      "2026-11-22": "2026-W47", // the Sunday before
      "2027-01-01": "2026-W53",
      "2026-12-31": "2026-W53",
      "2024-12-30": "2025-W01",
      "2025-12-29": "2026-W01",
      "2026-01-01": "2026-W01",
      "2021-01-03": "2020-W53",
    };
    for (const [day, week] of Object.entries(cases)) expect(isoWeek(day), day).toBe(week);
  });

  it("lists every period touching the window once, in time order", () => {
    expect(periodsOf("day", "2026-02-27", "2026-03-02")).toEqual([
      "2026-02-27",
      "2026-02-28",
      "2026-03-01",
      "2026-03-02",
    ]);
    // Sun 2026-11-22 … Tue 2026-12-01: a partial week at each end.
    expect(periodsOf("week", "2026-11-22", "2026-12-01")).toEqual(["2026-W47", "2026-W48", "2026-W49"]);
    expect(periodsOf("month", "2026-11-30", "2027-01-01")).toEqual(["2026-11", "2026-12", "2027-01"]);
  });

  it("puts the previous window right before --since with the same length", () => {
    expect(previousWindow({ since: "2026-11-01", days: 7 })).toEqual({
      since: "2026-10-25",
      until: "2026-10-31",
      days: 7,
    });
    expect(previousWindow({ since: "2026-03-01", days: 1 })).toEqual({
      since: "2026-02-28",
      until: "2026-02-28",
      days: 1,
    });
  });
});
