/**
 * History store: SQLite against PostgreSQL (a real server from Debian's binaries, started like the
 * tests do, test/pg-server.ts). "Sync" stores an organisation's days one replace per day, as a sync
 * commits each completed day; "report" reads every row of the window back through `readRows` (one
 * snapshot) and sums the cost, which must equal the generated total to the nano-dollar.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { openStore, type Source } from "../src/store/index.ts";
import { addDays, daysBetween } from "../src/usage/days.ts";
import type { UsageRow } from "../src/usage/types.ts";
import { type PgServer, pgBinDir, startPg } from "../test/pg-server.ts";
import { median, say, seconds } from "./stats.ts";

export interface StoreTiming {
  engine: "sqlite" | "postgres";
  people: number;
  days: number;
  rows: number;
  /** Storing every day (one replace per day); null when not measured. */
  syncMs: number | null;
  /** Reading the window back (median of the runs). */
  reportMs: number;
  reportRuns: number[];
  /** CPU (user + system) of this process for the median report run: the client's share. */
  reportCpuMs: number;
}

export interface StoreResult {
  timings: StoreTiming[];
  /** 1-minute load average when the measurements started (the machine is shared). */
  load: number;
  /** Why PostgreSQL was not measured, when it was not. */
  skipped?: string;
}

const SOURCE: Source = { platform: "claude", org: "org:bench" };
const MODELS = ["claude-sonnet-4-5", "claude-opus-4-1", "claude-haiku-4-5"];
const LAST_DAY = "2026-06-30";

function dayRows(day: string, people: number): UsageRow[] {
  const rows: UsageRow[] = [];
  for (let p = 0; p < people; p++)
    for (let m = 0; m < MODELS.length; m++) {
      const email = `person${p}@company.com`;
      rows.push({
        platform: "claude",
        day,
        identity: email,
        email,
        model: MODELS[m]!,
        requests: 1 + ((p + m) % 40),
        inputTokens: 10_000 + p,
        outputTokens: 2_000 + m,
        cacheReadTokens: 50_000,
        cacheWriteTokens: 1_000,
        costNanos: 123_456_789 + p * 1_000 + m,
        costEstimated: false,
      });
    }
  return rows;
}

async function measure(
  engine: StoreTiming["engine"],
  location: string,
  people: number,
  days: number,
  runs: number,
  timeSync: boolean,
): Promise<StoreTiming> {
  const window = daysBetween(addDays(LAST_DAY, 1 - days), LAST_DAY);
  const store = await openStore(location);
  let expected = 0;
  const started = performance.now();
  for (const day of window) {
    const rows = dayRows(day, people);
    for (const r of rows) expected += r.costNanos;
    await store.replaceDays(SOURCE, [day], rows, Date.parse("2026-07-10T00:00:00Z"));
  }
  const syncMs = performance.now() - started;
  const reportRuns: number[] = [];
  const cpuRuns: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    const cpu = process.cpuUsage();
    let cost = 0;
    let rows = 0;
    for await (const r of store.readRows([SOURCE], window[0]!, LAST_DAY)) {
      cost += r.costNanos;
      rows++;
    }
    reportRuns.push(performance.now() - t);
    const used = process.cpuUsage(cpu);
    cpuRuns.push((used.user + used.system) / 1000);
    if (cost !== expected || rows !== people * days * MODELS.length)
      throw new Error(`${engine} read ${rows} rows costing ${cost}, stored ${expected}`);
  }
  await store.close();
  const timing: StoreTiming = {
    engine,
    people,
    days,
    rows: people * days * MODELS.length,
    syncMs: timeSync ? syncMs : null,
    reportMs: median(reportRuns),
    reportRuns,
    reportCpuMs: median(cpuRuns),
  };
  say(
    `store ${engine} ${people}×${days}: sync ${seconds(syncMs)} s, report ${reportRuns.map((ms) => seconds(ms)).join(", ")} s`,
  );
  return timing;
}

export async function storeTimings(runs: number): Promise<StoreResult> {
  const configs: [number, number, boolean][] = [
    [200, 90, true],
    [2000, 90, true],
    // The issue's read target: a year of a large organisation.
    [2000, 365, false],
  ];
  const result: StoreResult = { timings: [], load: loadavg()[0]! };
  const dir = mkdtempSync(join(tmpdir(), "ai-usage-bench-store-"));
  let pg: PgServer | undefined;
  try {
    if (pgBinDir()) pg = await startPg();
    else result.skipped = "no PostgreSQL binaries (apt-get install postgresql)";
    for (const [people, days, timeSync] of configs) {
      const file = join(dir, `h-${people}-${days}.db`);
      result.timings.push(await measure("sqlite", file, people, days, runs, timeSync));
      if (pg)
        result.timings.push(
          await measure("postgres", await pg.createDatabase(), people, days, runs, timeSync),
        );
    }
  } finally {
    await pg?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  return result;
}

export function storeSection(r: StoreResult): string[] {
  const lines = [
    "## History store: SQLite and PostgreSQL",
    "",
    "In-process, through the `Store` interface: **sync** stores the window one replace per day (as a",
    "sync commits each completed day; 3 models per person per day); **report** reads the window back",
    "through `readRows` in one snapshot and sums the cost, checked against the stored total.",
    "PostgreSQL 15 runs locally (Debian's binaries, fsync off as in the tests), so no network latency.",
    `Wall times depend on the machine's load (1-minute load average ${r.load.toFixed(1)} at the start);`,
    "\"client CPU\" is this process's user + system time for the median read (the server's is not in it).",
    r.skipped ? `\nPostgreSQL not measured: ${r.skipped}.` : "",
    "",
    "| Engine | People × days | Rows | Sync | Report (median) | Report runs | Client CPU | Read < 1 s |",
    "|---|---|---:|---:|---:|---|---:|---|",
  ];
  for (const t of r.timings)
    lines.push(
      `| ${t.engine} | ${t.people.toLocaleString("en-US")} × ${t.days} | ${t.rows.toLocaleString("en-US")} | ${t.syncMs === null ? "–" : `${seconds(t.syncMs)} s`} | ${seconds(t.reportMs)} s | ${t.reportRuns.map((ms) => seconds(ms)).join(", ")} | ${seconds(t.reportCpuMs)} s | ${t.days === 365 ? (t.reportMs < 1000 ? "yes" : "**no**") : ""} |`,
    );
  lines.push("");
  return lines;
}
