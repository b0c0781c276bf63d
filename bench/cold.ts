import { DEFAULT_CURSOR_KEY, type EmulatorSet, startEmulators } from "../src/emulators/index.ts";
import type { LoggedRequest } from "../src/emulators/server.ts";
import { createCursorPlatform } from "../src/platforms/cursor/index.ts";
import type {} from "../src/platforms/types.ts";
import { addDays } from "../src/usage/days.ts";
import { fetchUsage, newNotes, type TestNotes } from "../test/batches.ts";
import { type Bound, claudeBound, cursorBound, openaiBound, type RateLimit, type Window } from "./bounds.ts";
import { CLI, parseReport, runNode } from "./cli.ts";

/** The platforms this benchmark measures. */
type PlatformId = "claude" | "openai" | "cursor";

import { median, say } from "./stats.ts";

/** The last day of every benchmark window, and the pinned clock: late on that day, UTC. */
export const UNTIL = "2026-06-30";
export const NOW = new Date(`${UNTIL}T23:30:00Z`);
export const LATENCY_MS = 100;
export const SEED = 7;
/** Cursor's documented limit on the events route. */
export const CURSOR_LIMIT: RateLimit = { requests: 60, windowMs: 60_000 };

export interface ColdConfig {
  people: number;
  days: number;
}

export interface PlatformFigure {
  bound: Bound;
  /** Requests the emulator answered, per run (they should all be equal). */
  requests: number[];
  /** Rate-limit answers (429) the emulator sent, summed over runs. */
  rejected: number;
  /** Median time from spawn to the platform's last answer. */
  doneMs: number;
}

export interface ColdResult {
  config: ColdConfig;
  /** Platforms the CLI fetched (all three unless Cursor is measured separately). */
  cliPlatforms: PlatformId[];
  wallMs: number;
  wallRuns: number[];
  /** Median CPU time of the CLI process, and of this process (the emulators) during the run. */
  cliCpuMs: number;
  emulatorCpuMs: number;
  /** Median time from spawn to the first answer of any emulator (start-up + one latency). */
  firstAnswerMs: number;
  /** Lower bounds of all three platforms under the real limits. */
  bounds: Record<PlatformId, Bound>;
  /** Bound of the CLI run: platforms run in parallel, so the largest of theirs. */
  boundMs: number;
  platforms: Partial<Record<PlatformId, PlatformFigure>>;
  /** Cursor measured in-process with a time-scaled rate limit (when its real limit would take minutes). */
  cursorScaled?: ScaledCursor;
}

export interface ScaledCursor {
  limit: RateLimit;
  bound: Bound;
  requests: number[];
  rejected: number;
  wallMs: number;
  wallRuns: number[];
}

const logs = (set: EmulatorSet): Record<PlatformId, LoggedRequest[]> => ({
  claude: set.anthropic.requests,
  openai: set.openai.requests,
  cursor: set.cursor.requests,
});

const windowOf = (days: number): Window => ({ since: addDays(UNTIL, -(days - 1)), until: UNTIL, now: NOW });

function start(config: ColdConfig, cursorWindowMs: number) {
  const w = windowOf(config.days);
  return startEmulators({
    since: w.since,
    until: w.until,
    seed: SEED,
    people: config.people,
    now: () => NOW,
    latencyMs: LATENCY_MS,
    cursorRateLimit: { windowMs: cursorWindowMs },
  });
}

function bounds(set: EmulatorSet, w: Window, limit: RateLimit): Record<PlatformId, Bound> {
  return {
    claude: claudeBound(set.data.anthropic, w, LATENCY_MS),
    openai: openaiBound(set.data.openai, w, LATENCY_MS),
    cursor: cursorBound(set.data.cursor.events, w, LATENCY_MS, limit),
  };
}

/**
 * Cold runs of the built CLI (`--no-store --json`) against fresh emulators with 100 ms latency and
 * Cursor's real rate limit. When Cursor needs more requests than one rate window allows and `full`
 * is off, each run would wait out whole minutes: Cursor is then left out of the CLI run and measured
 * in-process instead, with the limit's window divided by `scale` in both emulator and client.
 */
export async function coldRuns(
  config: ColdConfig,
  runs: number,
  options: { full: boolean; scale: number },
): Promise<ColdResult> {
  const w = windowOf(config.days);
  const figures: Partial<Record<PlatformId, PlatformFigure & { done: number[] }>> = {};
  const wallRuns: number[] = [];
  const firstRuns: number[] = [];
  const cliCpu: number[] = [];
  const emulatorCpu: number[] = [];
  let allBounds: Record<PlatformId, Bound> | undefined;
  let cliPlatforms: PlatformId[] = ["claude", "openai", "cursor"];
  let scaled = false;
  for (let run = 0; run < runs; run++) {
    const set = await start(config, CURSOR_LIMIT.windowMs);
    try {
      const b = bounds(set, w, CURSOR_LIMIT);
      allBounds = b;
      if (run === 0 && !options.full && b.cursor.requests > CURSOR_LIMIT.requests) {
        scaled = true;
        cliPlatforms = ["claude", "openai"];
      }
      const cpu = process.cpuUsage();
      const child = await runNode(
        [CLI, "--days", String(config.days), "--platform", cliPlatforms.join(","), "--no-store", "--json"],
        { ...set.env, AI_USAGE_NOW: NOW.toISOString() },
      );
      const served = process.cpuUsage(cpu);
      parseReport(child, `${config.people} people, ${config.days} days`);
      wallRuns.push(child.wallMs);
      cliCpu.push(child.cpuMs);
      emulatorCpu.push((served.user + served.system) / 1000);
      const first = cliPlatforms.flatMap((id) => logs(set)[id].map((r) => r.at));
      firstRuns.push(Math.min(...first) - child.startedEpoch);
      for (const id of cliPlatforms) {
        const log = logs(set)[id];
        figures[id] ??= { bound: b[id], requests: [], rejected: 0, doneMs: 0, done: [] };
        const f = figures[id];
        f.requests.push(log.length);
        f.rejected += log.filter((r) => r.status === 429).length;
        f.done.push(Math.max(...log.map((r) => r.at)) - child.startedEpoch);
      }
    } finally {
      await set.close();
    }
  }
  const platforms: ColdResult["platforms"] = {};
  for (const [id, f] of Object.entries(figures) as Array<[PlatformId, PlatformFigure & { done: number[] }]>)
    platforms[id] = { bound: f.bound, requests: f.requests, rejected: f.rejected, doneMs: median(f.done) };
  const result: ColdResult = {
    config,
    cliPlatforms,
    wallMs: median(wallRuns),
    wallRuns,
    firstAnswerMs: median(firstRuns),
    cliCpuMs: median(cliCpu),
    emulatorCpuMs: median(emulatorCpu),
    bounds: allBounds!,
    boundMs: Math.max(...cliPlatforms.map((id) => platforms[id]!.bound.ms)),
    platforms,
  };
  say(
    `${config.people} people × ${config.days} days: CLI (${cliPlatforms.join(", ")}) ${(result.wallMs / 1000).toFixed(2)} s, bound ${(result.boundMs / 1000).toFixed(2)} s`,
  );
  if (scaled) result.cursorScaled = await scaledCursor(config, runs, options.scale);
  return result;
}

/** Cursor alone, in this process, with the rate-limit window divided by `scale` on both sides. */
async function scaledCursor(config: ColdConfig, runs: number, scale: number): Promise<ScaledCursor> {
  const w = windowOf(config.days);
  const limit: RateLimit = { requests: CURSOR_LIMIT.requests, windowMs: CURSOR_LIMIT.windowMs / scale };
  const platform = createCursorPlatform({ requestsPerWindow: limit.requests, windowMs: limit.windowMs });
  const out: ScaledCursor = {
    limit,
    bound: { requests: 0, ms: 0, detail: "" },
    requests: [],
    rejected: 0,
    wallMs: 0,
    wallRuns: [],
  };
  for (let run = 0; run < runs; run++) {
    const set = await start(config, limit.windowMs);
    try {
      out.bound = cursorBound(set.data.cursor.events, w, LATENCY_MS, limit);
      const notes: TestNotes = newNotes();
      const client = {
        baseUrl: set.cursor.url,
        apiKey: DEFAULT_CURSOR_KEY,
        fetch: globalThis.fetch,
        now: () => NOW,
      };
      const started = performance.now();
      let rows = 0;
      for await (const _ of fetchUsage(platform, client, [{ since: w.since, until: w.until }], notes)) rows++;
      out.wallRuns.push(performance.now() - started);
      if (rows === 0 || notes.warnings.length > 0)
        throw new Error(`cursor in-process: ${rows} rows, ${notes.warnings.join("; ")}`);
      out.requests.push(set.cursor.requests.length);
      out.rejected += set.cursor.rateLimited;
    } finally {
      await set.close();
    }
  }
  out.wallMs = median(out.wallRuns);
  say(
    `${config.people} people × ${config.days} days: Cursor in-process ${(out.wallMs / 1000).toFixed(2)} s (bound ${(out.bound.ms / 1000).toFixed(2)} s, window ÷${scale})`,
  );
  return out;
}
