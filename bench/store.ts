/**
 * History store: SQLite against PostgreSQL (a real server from Debian's binaries, started like the
 * tests do, test/pg-server.ts). "Sync" stores an organisation's days one replace per day, as a sync
 * commits each completed day; "report" reads the window summed per person and model
 * (`readTotals`) and merges and ranks it as a report does; "every row" reads the window's rows
 * through `readRows`, as reports split by time do; at a year, the built CLI reports from the store.
 * Each read's cost must equal the generated total to the nano-dollar.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { platformById } from "../src/platforms/registry.ts";
import { Aggregator } from "../src/report/aggregate.ts";
import { openStore, type Source } from "../src/store/index.ts";
import { sourceOf } from "../src/sync/source.ts";
import { addDays, daysBetween } from "../src/usage/days.ts";
import type { UsageRow } from "../src/usage/types.ts";
import { type PgServer, pgBinDir, startPg } from "../test/pg-server.ts";
import { CLI, runNode } from "./cli.ts";
import { median, say, seconds } from "./stats.ts";

export interface StoreTiming {
  engine: "sqlite" | "postgres";
  people: number;
  days: number;
  rows: number;
  /** Storing every day (one replace per day); null when not measured. */
  syncMs: number | null;
  /**
   * A report that does not split by time (people, teams, models, platforms): `readTotals` plus
   * merging and ranking, median of the runs.
   */
  reportMs: number;
  reportRuns: number[];
  /** CPU (user + system) of this process, median of the report runs: the client's share. */
  reportCpuMs: number;
  /** Every stored row of the window through `readRows`, as the HTML report and --by day|week|month read. */
  daysMs: number;
  /** The built CLI end to end (`node dist/index.js --json`) reporting from this store; null when not run. */
  cliMs: number | null;
}

export interface StoreResult {
  timings: StoreTiming[];
  /** 1-minute load average when the measurements started (the machine is shared). */
  load: number;
  /** Why PostgreSQL was not measured, when it was not. */
  skipped?: string;
}

/** The CLI reads the source its key names; the key is a made-up one and no request is made. */
const CLI_ENV = {
  ANTHROPIC_ADMIN_API_KEY: "sk-ant-admin01-bench-0000000000000000000000000000",
  // Nothing listens there: every day of the window is stored and settled, so nothing is asked.
  ANTHROPIC_ADMIN_BASE_URL: "http://127.0.0.1:9",
};
const SOURCE: Source = sourceOf(platformById("claude")!, CLI_ENV, CLI_ENV.ANTHROPIC_ADMIN_API_KEY);
const MODELS = ["claude-sonnet-4-5", "claude-opus-4-1", "claude-haiku-4-5"];
/** Mid-month, as a window ending today usually is: a year then has two partial months. */
const LAST_DAY = "2026-06-15";

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

/** Runs `f` `runs` times: wall times and this process's CPU time of each. */
async function timed(runs: number, f: () => Promise<void>): Promise<{ wall: number[]; cpu: number[] }> {
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    const before = process.cpuUsage();
    await f();
    wall.push(performance.now() - t);
    const used = process.cpuUsage(before);
    cpu.push((used.user + used.system) / 1000);
  }
  return { wall, cpu };
}

async function measure(
  engine: StoreTiming["engine"],
  location: string,
  people: number,
  days: number,
  runs: number,
  timeSync: boolean,
  timeCli: boolean,
): Promise<StoreTiming> {
  const window = daysBetween(addDays(LAST_DAY, 1 - days), LAST_DAY);
  const since = window[0]!;
  const store = await openStore(location);
  let expected = 0;
  const started = performance.now();
  for (const day of window) {
    const rows = dayRows(day, people);
    for (const r of rows) expected += r.costNanos;
    await store.replaceDays(SOURCE, [day], rows, Date.parse("2026-06-25T00:00:00Z"));
  }
  const syncMs = performance.now() - started;
  const check = (what: string, rows: number, cost: number, wantRows: number) => {
    if (cost !== expected || rows !== wantRows)
      throw new Error(`${engine} ${what}: ${rows} rows costing ${cost}, stored ${expected}`);
  };

  const report = await timed(runs, async () => {
    const aggregator = new Aggregator();
    for (const r of await store.readTotals([SOURCE], since, LAST_DAY)) aggregator.add(r);
    const built = aggregator.build({
      window: { since, until: LAST_DAY, days },
      windowMode: "range",
      sort: "cost",
      top: null,
      platforms: [],
      demo: false,
      unpricedModels: [],
    });
    check("report", built.users.length, built.totals.costNanos, people);
  });
  const daysRead = await timed(Math.min(runs, days > 90 ? 1 : runs), async () => {
    let cost = 0;
    let rows = 0;
    for await (const r of store.readRows([SOURCE], since, LAST_DAY)) {
      cost += r.costNanos;
      rows++;
    }
    check("readRows", rows, cost, people * days * MODELS.length);
  });
  await store.close();

  let cliMs: number | null = null;
  if (timeCli) {
    const run = await runNode(
      [CLI, "--since", since, "--until", LAST_DAY, "--json", "--store", location],
      CLI_ENV,
    );
    if (run.code !== 0) throw new Error(`${engine} CLI report exited ${run.code}: ${run.stderr}`);
    const json = JSON.parse(run.stdout) as { users: unknown[] };
    if (json.users.length !== people) throw new Error(`${engine} CLI report has ${json.users.length} people`);
    cliMs = run.wallMs;
  }

  const reportRuns = report.wall;
  const timing: StoreTiming = {
    engine,
    people,
    days,
    rows: people * days * MODELS.length,
    syncMs: timeSync ? syncMs : null,
    reportMs: median(reportRuns),
    reportRuns,
    reportCpuMs: median(report.cpu),
    daysMs: median(daysRead.wall),
    cliMs,
  };
  say(
    `store ${engine} ${people}×${days}: sync ${seconds(syncMs)} s, report ${reportRuns.map((ms) => seconds(ms)).join(", ")} s, every row ${seconds(timing.daysMs)} s${cliMs === null ? "" : `, CLI ${seconds(cliMs)} s`}`,
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
      const timeCli = days === 365;
      result.timings.push(await measure("sqlite", file, people, days, runs, timeSync, timeCli));
      if (pg)
        result.timings.push(
          await measure("postgres", await pg.createDatabase(), people, days, runs, timeSync, timeCli),
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
    "sync commits each completed day; 3 models per person per day); **report** is what a report that",
    "does not split by time reads (`readTotals`: the window summed per person and model in SQL), merged",
    "and ranked by the report's own code; **every row** reads the window's rows through `readRows` (the",
    "HTML report and `--by day|week|month` need days); at 365 days **CLI** is the built tool, spawned,",
    "reporting the year from that store as JSON (`node dist/index.js --since … --until … --json --store …`,",
    "no request made). Each read's cost is checked against the stored total.",
    "PostgreSQL 15 runs locally (Debian's binaries, fsync off as in the tests), so no network latency.",
    `Wall times depend on the machine's load (1-minute load average ${r.load.toFixed(1)} at the start);`,
    "\"client CPU\" is this process's user + system time for the report (the server's is not in it).",
    r.skipped ? `\nPostgreSQL not measured: ${r.skipped}.` : "",
    "",
    "| Engine | People × days | Rows | Sync | Report (median) | Report runs | Client CPU | Every row | CLI | Report < 1 s |",
    "|---|---|---:|---:|---:|---|---:|---:|---:|---|",
  ];
  const s = (ms: number | null) => (ms === null ? "–" : `${seconds(ms)} s`);
  for (const t of r.timings)
    lines.push(
      `| ${t.engine} | ${t.people.toLocaleString("en-US")} × ${t.days} | ${t.rows.toLocaleString("en-US")} | ${s(t.syncMs)} | ${s(t.reportMs)} | ${t.reportRuns.map((ms) => seconds(ms)).join(", ")} | ${s(t.reportCpuMs)} | ${s(t.daysMs)} | ${s(t.cliMs)} | ${t.days === 365 ? (t.reportMs < 1000 ? "yes" : "**no**") : ""} |`,
    );
  lines.push("");
  return lines;
}
