/**
 * `npm run bench`: builds dist/, then measures request counts, cold wall time, a million Cursor
 * events and start-up, and writes bench/RESULTS.md. Flags: --runs N (default 3), --full (Cursor
 * at its real 60/min in every CLI run: about ten minutes more), --only cold,million,startup,store,
 * --out PATH.
 */
import { spawnSync } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { cursorBreakdown } from "./breakdown.ts";
import { CLI, ROOT } from "./cli.ts";
import { type ColdConfig, coldRuns } from "./cold.ts";
import { millionEvents } from "./million.ts";
import { type Results, renderResults } from "./results.ts";
import { startup } from "./startup.ts";
import { machine, say } from "./stats.ts";
import { storeTimings } from "./store.ts";

const CONFIGS: ColdConfig[] = [10, 200, 2000].flatMap((people) => [30, 90].map((days) => ({ people, days })));
/** Cursor's 60-s rate-limit window is divided by this where it would otherwise take minutes. */
const SCALE = 10;
const STARTUP_PAIRS = 15;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      runs: { type: "string", default: "3" },
      full: { type: "boolean", default: false },
      only: { type: "string" },
      out: { type: "string", default: join(ROOT, "bench", "RESULTS.md") },
    },
  });
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1) throw new Error("--runs must be a positive integer");
  const only = new Set((values.only ?? "cold,million,startup,store").split(","));
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first`);

  const started = performance.now();
  const results: Results = {
    machine: machine(),
    runs,
    full: values.full,
    scale: SCALE,
    totalMs: 0,
    cold: [],
  };
  if (only.has("startup")) results.startup = startup(STARTUP_PAIRS);
  if (only.has("cold"))
    for (const config of CONFIGS)
      results.cold.push(await coldRuns(config, runs, { full: values.full, scale: SCALE }));
  if (only.has("million")) {
    results.million = await millionEvents(runs);
    results.breakdown = await cursorBreakdown();
  }
  if (only.has("store")) results.store = await storeTimings(runs);
  results.totalMs = performance.now() - started;
  writeFileSync(values.out, renderResults(results));
  // Aligns the tables the way `npm run lint` expects, so the committed file stays clean.
  spawnSync(join(ROOT, "node_modules", ".bin", "biome"), ["format", "--write", values.out], {
    stdio: "ignore",
  });
  say(`wrote ${values.out} in ${(results.totalMs / 1000).toFixed(0)} s`);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
