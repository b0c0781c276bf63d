import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

/** Helpers for end-to-end tests: run the real CLI from source in a clean environment. */

export const ROOT = resolve(import.meta.dirname, "..");
const TSX = pathToFileURL(join(ROOT, "node_modules/tsx/dist/loader.mjs")).href;
const ENTRY = join(ROOT, "src/index.ts");

/** Pinned clock and the golden-file conditions: fixed width, no colour, UTC. */
export const NOW = "2026-11-24T12:00:00Z";

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export function tempDir(prefix = "ai-usage-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export interface RunOptions {
  cwd?: string;
  /** Called once the process is running (for interrupt tests). */
  onSpawn?: (child: ReturnType<typeof spawn>) => void;
  timeoutMs?: number;
}

/**
 * Runs `ai-usage ARGS` with only the variables given (plus PATH), so the developer's own keys and
 * .env never leak into a test, and in an empty working directory unless `cwd` is set.
 */
export function runCli(
  args: string[],
  env: Record<string, string | undefined> = {},
  options: RunOptions = {},
) {
  const cwd = options.cwd ?? tempDir();
  return new Promise<CliResult>((done, fail) => {
    const child = spawn(process.execPath, ["--import", TSX, ENTRY, ...args], {
      cwd,
      env: {
        PATH: process.env.PATH,
        HOME: cwd,
        XDG_DATA_HOME: join(cwd, "data"),
        XDG_CONFIG_HOME: join(cwd, "config"),
        TZ: "UTC",
        NO_COLOR: "1",
        COLUMNS: "80",
        AI_USAGE_NOW: NOW,
        ...env,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => {
      stdout += d;
    });
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 60_000);
    child.on("error", fail);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      done({ code, signal, stdout, stderr });
    });
    options.onSpawn?.(child);
  });
}

/** The parts of `--json` output the end-to-end tests read. */
export interface ReportJson {
  window: { since: string; until: string; days: number };
  platforms: Array<{ platform: string; status: string; message: string | null; excludedEvents?: number }>;
  users: Array<{
    user: string;
    requests: number;
    tokens: number;
    costUsd: number;
    platforms: Array<{ platform: string; requests: number; tokens: number; costUsd: number }>;
  }>;
  totals: { requests: number; tokens: number; costUsd: number };
}

/** One platform's requests and tokens, summed over every user of a JSON report. */
export function platformSums(json: ReportJson, platform: string) {
  const sum = { requests: 0, tokens: 0 };
  for (const u of json.users)
    for (const p of u.platforms)
      if (p.platform === platform) {
        sum.requests += p.requests;
        sum.tokens += p.tokens;
      }
  return sum;
}

/** One platform's cost in dollars, summed over every user of a JSON report. */
export function platformCostUsd(json: ReportJson, platform: string): number {
  let cost = 0;
  for (const u of json.users) for (const p of u.platforms) if (p.platform === platform) cost += p.costUsd;
  return cost;
}
