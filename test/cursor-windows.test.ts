import { describe, expect, it } from "vitest";
import { cursorWindows, END_LAG_MS, windowDays } from "../src/platforms/cursor/windows.ts";

const ms = (iso: string) => Date.parse(iso);
const now = new Date("2026-06-01T12:00:00Z");

describe("cursorWindows", () => {
  it("covers one day as [00:00:00.000, 23:59:59.999]", () => {
    expect(cursorWindows([{ since: "2026-05-07", until: "2026-05-07" }], now)).toEqual([
      { startMs: ms("2026-05-07T00:00:00.000Z"), endMs: ms("2026-05-07T23:59:59.999Z") },
    ]);
  });

  it("splits 75 days into 30 + 30 + 15, each ending on the last millisecond before the next", () => {
    const windows = cursorWindows([{ since: "2026-03-01", until: "2026-05-14" }], now);
    expect(windows.map(windowDays)).toEqual([30, 30, 15]);
    expect(windows[0]).toEqual({
      startMs: ms("2026-03-01T00:00:00Z"),
      endMs: ms("2026-03-30T23:59:59.999Z"),
    });
    expect(windows[1]!.startMs).toBe(windows[0]!.endMs + 1);
    expect(windows[2]!.startMs).toBe(windows[1]!.endMs + 1);
    expect(windows[2]!.endMs).toBe(ms("2026-05-14T23:59:59.999Z"));
  });

  it("30 days is one window, 31 are two", () => {
    expect(cursorWindows([{ since: "2026-04-01", until: "2026-04-30" }], now)).toHaveLength(1);
    expect(cursorWindows([{ since: "2026-04-01", until: "2026-05-01" }], now)).toHaveLength(2);
  });

  it("ends the window containing now at a fixed instant in the past, and drops future days", () => {
    const windows = cursorWindows([{ since: "2026-05-31", until: "2026-06-03" }], now);
    expect(windows).toEqual([{ startMs: ms("2026-05-31T00:00:00Z"), endMs: now.getTime() - END_LAG_MS }]);
  });

  it("merges touching or overlapping ranges and keeps gaps apart", () => {
    const windows = cursorWindows(
      [
        { since: "2026-05-01", until: "2026-05-03" },
        { since: "2026-05-04", until: "2026-05-05" },
        { since: "2026-05-02", until: "2026-05-02" },
        { since: "2026-05-10", until: "2026-05-10" },
      ],
      now,
    );
    expect(windows).toEqual([
      { startMs: ms("2026-05-01T00:00:00Z"), endMs: ms("2026-05-05T23:59:59.999Z") },
      { startMs: ms("2026-05-10T00:00:00Z"), endMs: ms("2026-05-10T23:59:59.999Z") },
    ]);
  });

  it("returns nothing for no days", () => {
    expect(cursorWindows([], now)).toEqual([]);
  });
});
