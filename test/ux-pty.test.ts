import { spawn, spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type EmulatorSet, startEmulators } from "../src/emulators/index.ts";
import { NOW, ROOT, tempDir } from "./cli.ts";

/**
 * Issue 11 items 11 and 7 in a real pseudo-terminal (util-linux `script`), where the progress
 * spinner really shows and the terminal can be resized while the CLI runs. The emulators answer
 * slowly so the run lasts long enough for the spinner (shown after 2 s) and a resize.
 */

const hasScript = spawnSync("script", ["--version"]).status === 0;
const TSX = pathToFileURL(join(ROOT, "node_modules/tsx/dist/loader.mjs")).href;
const ENTRY = join(ROOT, "src/index.ts");

let emu: EmulatorSet;
beforeAll(async () => {
  emu = await startEmulators({
    since: "2026-11-01",
    until: "2026-11-24",
    seed: 5,
    people: 8,
    now: () => new Date(NOW),
    latencyMs: 900,
  });
});
afterAll(() => emu?.close());

const quote = (s: string) => `'${s.replace(/'/g, "'\\''")}'`;

interface PtyRun {
  code: number | null;
  output: string;
}

/**
 * Runs `shellPrefix`, then `ai-usage ARGS`, inside `script`, so stdin, stdout and stderr are a terminal.
 * `onOutput` sees the output so far and may type into the terminal.
 */
function runInPty(
  shellPrefix: string,
  args: string[],
  onOutput: (output: string, type: (text: string) => void) => void = () => {},
): Promise<PtyRun> {
  const cli = [process.execPath, "--import", TSX, ENTRY, ...args].map(quote).join(" ");
  const child = spawn("script", ["-qec", `${shellPrefix}\nexec ${cli}`, "/dev/null"], {
    cwd: tempDir(),
    env: {
      PATH: process.env.PATH,
      HOME: tempDir(),
      TERM: "xterm-256color",
      TZ: "UTC",
      AI_USAGE_NOW: NOW,
      ...emu.env,
    },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let output = "";
  const type = (text: string) => child.stdin.write(text);
  child.stdout.on("data", (d) => {
    output += d;
    onOutput(output, type);
  });
  child.stderr.on("data", (d) => {
    output += d;
  });
  const timer = setTimeout(() => child.kill("SIGKILL"), 50_000);
  return new Promise((done) => {
    child.on("close", (code) => {
      clearTimeout(timer);
      done({ code, output });
    });
  });
}

describe.skipIf(!hasScript)("in a terminal", () => {
  it("item 11: Ctrl-C while the spinner shows aborts, closes the store, says so, exits 130", async () => {
    const dir = tempDir();
    let typed = false;
    const res = await runInPty(
      "stty cols 100 rows 40",
      ["--days", "20", "--store", join(dir, "history.db")],
      (output, type) => {
        // The spinner's progress line is up: now interrupt, as a user would.
        if (!typed && /claude: \d+\/20 days/.test(output)) {
          typed = true;
          type("\u0003");
        }
      },
    );
    expect(typed).toBe(true);
    expect(res.output).toContain("ai-usage: interrupted");
    expect(res.code).toBe(130);
    // Closed cleanly: SQLite leaves no -wal or -shm file behind.
    expect(readdirSync(dir).sort()).toEqual(["history.db"]);
    // The cursor the spinner hid is shown again.
    expect(res.output).toContain("\u001b[?25h");
  });

  it("item 7: the table is drawn at the width the terminal has when it is drawn", async () => {
    // 60 columns at start, 150 a second in (stty on the terminal sends SIGWINCH, as a resize does).
    const res = await runInPty("stty cols 60 rows 40; (sleep 1; stty cols 150 </dev/tty) &", [
      "--days",
      "16",
      "--no-store",
    ]);
    expect(res.code).toBe(0);
    const lines = res.output.split(/\r?\n/);
    const rule = lines.find((l) => /^(\u001b\[[0-9;]*m)*═+/.test(l)) ?? "";
    const width = rule.replace(/\u001b\[[0-9;]*m/g, "").length;
    expect(width).toBeGreaterThan(60);
    expect(res.output).toContain("Tools");
  });
});
