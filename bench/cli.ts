import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

export const ROOT = resolve(import.meta.dirname, "..");
export const CLI = join(ROOT, "dist", "index.js");

export interface ChildRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** performance.now() when spawned and when it exited. */
  startedAt: number;
  endedAt: number;
  /** Date.now() at spawn, to compare with the emulators' request log. */
  startedEpoch: number;
  wallMs: number;
  /** The child's user + system CPU time and peak RSS, from getrusage at its exit. */
  cpuMs: number;
  maxRssMb: number;
}

const RUSAGE = join(ROOT, "bench", "rusage.cjs");

/**
 * Runs `node <args>` in an empty temporary directory (so no .env is read) with only the variables
 * given plus PATH, and collects its output.
 */
export function runNode(args: readonly string[], env: Record<string, string>): Promise<ChildRun> {
  const cwd = mkdtempSync(join(tmpdir(), "ai-usage-bench-"));
  const usageFile = join(cwd, "rusage.json");
  const childEnv: Record<string, string> = {
    PATH: process.env.PATH ?? "",
    HOME: cwd,
    XDG_DATA_HOME: cwd,
    NO_COLOR: "1",
    TZ: "UTC",
    ...env,
    BENCH_RUSAGE: usageFile,
  };
  return new Promise((done, fail) => {
    const startedEpoch = Date.now();
    const startedAt = performance.now();
    const child = spawn(process.execPath, ["--require", RUSAGE, ...args], {
      cwd,
      env: childEnv,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (b: Buffer) => out.push(b));
    child.stderr.on("data", (b: Buffer) => err.push(b));
    child.on("error", fail);
    child.on("close", (code) => {
      const endedAt = performance.now();
      let usage: NodeJS.ResourceUsage | undefined;
      try {
        usage = JSON.parse(readFileSync(usageFile, "utf8")) as NodeJS.ResourceUsage;
      } catch {}
      rmSync(cwd, { recursive: true, force: true });
      done({
        code,
        stdout: Buffer.concat(out).toString("utf8"),
        stderr: Buffer.concat(err).toString("utf8"),
        startedAt,
        endedAt,
        startedEpoch,
        wallMs: endedAt - startedAt,
        cpuMs: usage ? (usage.userCPUTime + usage.systemCPUTime) / 1000 : Number.NaN,
        maxRssMb: usage ? usage.maxRSS / 1024 : Number.NaN,
      });
    });
  });
}

/** The CLI's JSON report, after checking the run worked; a failed run would make its timing meaningless. */
export function parseReport(run: ChildRun, what: string): CliReport {
  if (run.code !== 0) throw new Error(`${what}: exit ${run.code}\n${run.stderr}`);
  const report = JSON.parse(run.stdout) as CliReport;
  const bad = report.platforms.filter((p) => p.status !== "ok");
  if (bad.length > 0) throw new Error(`${what}: ${JSON.stringify(bad)}\n${run.stderr}`);
  return report;
}

export interface CliReport {
  platforms: Array<{ platform: string; status: string; message: string | null }>;
  users: unknown[];
  totals: { requests: number; tokens: number; costUsd: number };
}
