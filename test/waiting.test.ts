import { afterEach, describe, expect, it } from "vitest";
import { progressLine } from "../src/cli/progress.ts";
import { cursorData, startCursorEmulator } from "../src/emulators/cursor/index.ts";
import { generateOrg } from "../src/emulators/org.ts";
import { createCursorPlatform } from "../src/platforms/cursor/index.ts";
import { fetchUsage } from "./batches.ts";

/** Waiting on a vendor: honour the wait it names, and say on the progress line that we wait. */

const NOW = new Date("2026-06-01T00:00:00Z");
const RANGE = { since: "2026-05-01", until: "2026-05-14" };
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

async function timedRun(headers: Record<string, string> | undefined, windowMs: number) {
  const org = generateOrg({ seed: 3, people: 4 });
  const emu = await startCursorEmulator({ ...cursorData(org, RANGE) });
  closers.push(() => emu.close());
  emu.inject({ path: "/filtered-usage-events", times: 1, fault: { kind: "status", status: 429, headers } });
  const waits: Array<[number, string]> = [];
  const started = Date.now();
  const platform = createCursorPlatform({ requestsPerWindow: 60, windowMs });
  const client = {
    baseUrl: emu.url,
    apiKey: "crsr_test",
    fetch: globalThis.fetch,
    now: () => NOW,
    onWait: (ms: number, why: string) => waits.push([ms, why]),
  };
  let rows = 0;
  for await (const _ of fetchUsage(platform, client, [RANGE])) rows++;
  return { ms: Date.now() - started, waits, rows };
}

describe("waiting on Cursor's rate limit", () => {
  it("a 429 that names its wait (Retry-After: 1) is retried after about that, not a whole minute", async () => {
    const run = await timedRun({ "retry-after": "1" }, 60_000);
    expect(run.rows).toBeGreaterThan(0);
    expect(run.waits).toEqual([[1000, "rate limited"]]);
    expect(run.ms).toBeGreaterThanOrEqual(1000);
    expect(run.ms).toBeLessThan(10_000);
  });

  it("a 429 that names no wait keeps the cautious whole window", async () => {
    const run = await timedRun(undefined, 1_500);
    expect(run.rows).toBeGreaterThan(0);
    expect(run.ms).toBeGreaterThanOrEqual(1_500);
  });
});

describe("the progress line", () => {
  it("says a platform is waiting and counts down, then shows progress again", () => {
    const waiting = new Map([
      ["cursor", { done: 3, total: 9, waiting: { why: "rate limited", until: 42_000 } }],
    ]);
    expect(progressLine(waiting, 5_000, 0)).toBe("cursor: rate limited, resuming in 42 s");
    expect(progressLine(waiting, 5_000, 41_500)).toBe("cursor: rate limited, resuming in 1 s");
    expect(progressLine(waiting, 6_000, 42_000)).toBe("cursor: 3/9 pages, about 12s left");
  });
});
