import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CLI, ROOT } from "./cli.ts";
import { median, say } from "./stats.ts";

export interface StartupCase {
  label: string;
  ms: number;
  /** Median of the ratios to `node -e 0` measured right before it. */
  ratio: number;
}

export interface StartupResult {
  runs: number;
  nodeMs: number;
  helpMs: number;
  ratio: number;
  /** Reference programs that show where the floor is. */
  references: StartupCase[];
}

function time(args: readonly string[]): number {
  const started = performance.now();
  const child = spawnSync(process.execPath, args, {
    stdio: ["ignore", "pipe", "pipe"],
    env: { PATH: process.env.PATH ?? "" },
  });
  const ms = performance.now() - started;
  if (child.status !== 0) throw new Error(`node ${args.join(" ")}: exit ${child.status}\n${child.stderr}`);
  return ms;
}

/** Two tiny programs: the least any ESM CLI pays, and the least a commander-based one pays. */
function references(): Array<{ label: string; args: string[] }> {
  const dir = join(ROOT, "bench", ".tmp");
  mkdirSync(dir, { recursive: true });
  const hello = join(dir, "esm-hello.mjs");
  writeFileSync(hello, 'process.stdout.write("usage: hello\\n");\n');
  const commander = join(dir, "commander-help.mjs");
  writeFileSync(
    commander,
    'import { Command } from "commander";\nnew Command().name("x").option("--days <n>").parse(["node", "x", "--help"]);\n',
  );
  return [
    { label: "ESM file that prints one line", args: [hello] },
    { label: "ESM file: bare commander program, `--help`", args: [commander] },
  ];
}

/**
 * `ai-usage --help` against a bare `node -e 0`, alternating so both see the same machine load;
 * the figure is the median of the pairwise ratios. Two reference programs are timed the same way.
 */
export function startup(runs: number): StartupResult {
  const cases = [{ label: "ai-usage --help", args: [CLI, "--help"] }, ...references()];
  for (const c of cases) time(c.args); // warm the file cache
  const node: number[] = [];
  const times = cases.map(() => [] as number[]);
  const ratios = cases.map(() => [] as number[]);
  for (let i = 0; i < runs; i++) {
    cases.forEach((c, k) => {
      const base = time(["-e", "0"]);
      const ms = time(c.args);
      if (k === 0) node.push(base);
      times[k]!.push(ms);
      ratios[k]!.push(ms / base);
    });
  }
  const [help, ...refs] = cases.map((c, k) => ({
    label: c.label,
    ms: median(times[k]!),
    ratio: median(ratios[k]!),
  }));
  const result = { runs, nodeMs: median(node), helpMs: help!.ms, ratio: help!.ratio, references: refs };
  say(
    `start-up: node -e 0 ${result.nodeMs.toFixed(0)} ms, --help ${result.helpMs.toFixed(0)} ms (×${result.ratio.toFixed(2)})`,
  );
  return result;
}
