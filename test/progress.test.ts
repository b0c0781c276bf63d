import { describe, expect, it } from "vitest";
import { progressLine } from "../src/cli/progress.ts";

describe("progressLine", () => {
  it("extrapolates the time left from the pace so far", () => {
    const state = new Map([
      ["cursor", { done: 12, total: 340 }],
      ["claude", { done: 3, total: 30 }],
    ] as const);
    // 12 pages in 12 s → 328 pages left at 1 page/s.
    expect(progressLine(state, 12_000)).toBe(
      "cursor: 12/340 pages, about 5m 28s left  claude: 3/30 days, about 1m 48s left",
    );
  });

  it("gives no estimate before the first page or after the last", () => {
    expect(progressLine(new Map([["cursor", { done: 0, total: 9 }]]), 5_000)).toBe("cursor: 0/9 pages");
    expect(progressLine(new Map([["cursor", { done: 9, total: 9 }]]), 5_000)).toBe("cursor: 9/9 pages");
    expect(progressLine(new Map([["cursor", { done: 1, total: 3 }]]), 2_500)).toBe(
      "cursor: 1/3 pages, about 5s left",
    );
  });
});
