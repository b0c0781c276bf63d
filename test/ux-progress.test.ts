import { describe, expect, it } from "vitest";
import { progressLine } from "../src/cli/progress.ts";

/** Issue 11 item 10 on the progress line: the unit follows the total. */

describe("progress line", () => {
  it("puts the unit in the right number", () => {
    expect(progressLine(new Map([["claude", { done: 0, total: 1 }]]), 5_000)).toBe("claude: 0/1 day");
    expect(progressLine(new Map([["claude", { done: 1, total: 2 }]]), 5_000)).toBe(
      "claude: 1/2 days, about 5s left",
    );
  });
});
