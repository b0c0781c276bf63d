import { describe, expect, it } from "vitest";
import type { Io } from "../src/cli/context.ts";
import { createProgress, progressLine } from "../src/cli/progress.ts";

/** Issue 11: the progress line's wording (item 10) and what it says while a platform waits (item 12). */

describe("progress line", () => {
  it("puts the unit in the right number", () => {
    expect(progressLine(new Map([["claude", { done: 0, total: 1 }]]), 5_000)).toBe("claude: 0/1 day");
    expect(progressLine(new Map([["claude", { done: 1, total: 2 }]]), 5_000)).toBe(
      "claude: 1/2 days, about 5s left",
    );
  });

  it("shows a countdown instead of a frozen estimate while a platform waits", () => {
    const state = new Map([
      ["cursor", { done: 3, total: 10 }],
      ["claude", { done: 3, total: 30 }],
    ]);
    const waits = new Map([["cursor", { until: 1_042_000, why: "rate limited" }]]);
    expect(progressLine(state, 9_000, waits, 1_000_000)).toBe(
      "cursor: rate limited, resuming in 42 s  claude: 3/30 days, about 1m 21s left",
    );
    // Once the wait is over, the estimate comes back.
    expect(progressLine(state, 9_000, waits, 1_042_001)).toMatch(/^cursor: 3\/10 pages, about 21s left/);
    expect(
      progressLine(new Map(), 0, new Map([["cursor", { until: 95_000, why: "retrying after HTTP 503" }]]), 0),
    ).toBe("cursor: retrying after HTTP 503, resuming in 1 min 35 s");
  });

  it("without a terminal, a long wait is one plain line on stderr; short ones stay quiet", () => {
    const lines: string[] = [];
    const io = { stderrIsTTY: false, stderr: (s: string) => lines.push(s) } as unknown as Io;
    const progress = createProgress(io, false);
    progress.wait("cursor", 1_000, "retrying after HTTP 503");
    progress.wait("cursor", 42_000, "rate limited");
    progress.stop();
    expect(lines).toEqual(["cursor: rate limited, resuming in 42 s\n"]);
    const quiet: string[] = [];
    const verbose = createProgress(
      { stderrIsTTY: false, stderr: (s: string) => quiet.push(s) } as unknown as Io,
      true,
    );
    verbose.wait("cursor", 42_000, "rate limited");
    expect(quiet).toEqual([]);
  });
});
