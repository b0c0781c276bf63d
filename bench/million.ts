import { join } from "node:path";
import { build } from "tsdown";
import { cursorSyntheticEvents, startCursorEmulator } from "../src/emulators/cursor/index.ts";
import { DEFAULT_CURSOR_KEY } from "../src/emulators/index.ts";
import { generateOrg } from "../src/emulators/org.ts";
import { CURSOR_PAGE_SIZE } from "../src/platforms/cursor/client.ts";
import { isExcluded } from "../src/platforms/cursor/normalize.ts";
import { addDays } from "../src/usage/days.ts";
import cliConfig from "../tsdown.config.ts";
import { type CliReport, ROOT, runNode } from "./cli.ts";
import { median, say } from "./stats.ts";

export const EVENTS = 1_000_000;
const UNTIL = "2026-06-30";
const DAYS = 30;
/** Just after the last day, so the one 30-day window holds every event. */
const NOW = new Date(`${addDays(UNTIL, 1)}T00:30:00Z`);
const OUT_DIR = join(ROOT, "bench", ".tmp");

export interface MillionResult {
  events: number;
  days: number;
  people: number;
  requests: number;
  requestBound: number;
  cpuMs: number;
  cpuRuns: number[];
  peakRssMb: number;
  rssRuns: number[];
  wallMs: number;
  /** The report's total requests, and the non-excluded events it should equal. */
  counted: number;
  expected: number;
}

/** Bundles bench/million-child.ts the way dist/ is bundled (same config, other entry). */
async function bundleChild(): Promise<string> {
  const base = Array.isArray(cliConfig) ? cliConfig[0] : cliConfig;
  await build({
    ...(base as object),
    config: false,
    entry: [join(ROOT, "bench", "million-child.ts")],
    outDir: OUT_DIR,
    logLevel: "warn",
  });
  return join(OUT_DIR, "million-child.js");
}

/**
 * One million Cursor events over 30 days (one window, 1,000 pages) from the emulator's lazy source,
 * no latency and no rate limit, read by a child process; its CPU time and peak RSS are what count.
 */
export async function millionEvents(runs: number, people = 200): Promise<MillionResult> {
  const child = await bundleChild();
  const since = addDays(UNTIL, -(DAYS - 1));
  const org = generateOrg({ seed: 7, people });
  const emails = org.people.filter((p) => p.tools.includes("cursor")).map((p) => p.email);
  const source = cursorSyntheticEvents({ count: EVENTS, range: { since, until: UNTIL }, emails });
  let expected = 0;
  for (const event of source) if (!isExcluded(event)) expected++;
  const members = org.people.map((p) => ({
    id: p.cursorUserId,
    name: p.name,
    email: p.email,
    role: "member",
    isRemoved: false,
  }));

  const cpuRuns: number[] = [];
  const rssRuns: number[] = [];
  const wallRuns: number[] = [];
  let requests = 0;
  let counted = 0;
  for (let run = 0; run < runs; run++) {
    const emulator = await startCursorEmulator({ members, events: source, rateLimit: false, latencyMs: 0 });
    try {
      const result = await runNode([child], {
        CURSOR_ADMIN_API_KEY: DEFAULT_CURSOR_KEY,
        CURSOR_ADMIN_BASE_URL: emulator.url,
        AI_USAGE_NOW: NOW.toISOString(),
        BENCH_SINCE: since,
        BENCH_UNTIL: UNTIL,
      });
      if (result.code !== 0) throw new Error(`million events: exit ${result.code}\n${result.stderr}`);
      cpuRuns.push(result.cpuMs);
      rssRuns.push(result.maxRssMb);
      wallRuns.push(result.wallMs);
      requests = emulator.requests.length;
      counted = (JSON.parse(result.stdout) as CliReport).totals.requests;
      if (counted !== expected) throw new Error(`million events: counted ${counted}, expected ${expected}`);
      say(
        `1M events run ${run + 1}: ${(cpuRuns.at(-1)! / 1000).toFixed(2)} s CPU, ${rssRuns.at(-1)!.toFixed(0)} MB peak RSS`,
      );
    } finally {
      await emulator.close();
    }
  }
  return {
    events: EVENTS,
    days: DAYS,
    people,
    requests,
    requestBound: Math.ceil(EVENTS / CURSOR_PAGE_SIZE),
    cpuMs: median(cpuRuns),
    cpuRuns,
    peakRssMb: median(rssRuns),
    rssRuns,
    wallMs: median(wallRuns),
    counted,
    expected,
  };
}
