#!/usr/bin/env node
import module from "node:module";
import { CommanderError } from "commander";
import type { Io } from "./cli/io.ts";
import { buildProgram, reportFlags, syncFlags } from "./cli/program.ts";
import { UsageError } from "./config/errors.ts";
import { AbortedError } from "./http/errors.ts";
import { redact } from "./http/redact.ts";
import { StoreError } from "./store/types.ts";

// Node 22.1+ caches compiled code between runs (Bun and Node 20 lack it): the command modules
// loaded below start faster from the second run on.
(module as { enableCompileCache?: () => unknown }).enableCompileCache?.();

/** Exit codes: 0 data shown, 1 every platform failed, 2 usage error, 130 interrupted. */
async function main(argv: string[]): Promise<number> {
  const controller = new AbortController();
  let interrupted = false;
  process.on("SIGINT", () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    controller.abort();
  });
  const io: Io = {
    env: process.env,
    cwd: process.cwd(),
    now: new Date(),
    signal: controller.signal,
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    stderrIsTTY: Boolean(process.stderr.isTTY),
    stdoutIsTTY: Boolean(process.stdout.isTTY),
    // A getter: the table reads the width when it is drawn, after any resize during the run.
    get columns() {
      return process.stdout.columns;
    },
  };

  const wantsHelp = argv.slice(2).some((a) => a === "-h" || a === "--help" || a === "help");
  const platforms = wantsHelp ? (await import("./platforms/registry.ts")).PLATFORMS : [];
  const { program, sync, store, storeCopy } = buildProgram(io.stdout, platforms);
  let run: (() => Promise<number>) | undefined;
  // Commands are loaded only when run, so `--help` and `--version` start without parsing the
  // clients, schemas and renderers (most of the bundle).
  program.action(() => {
    const flags = reportFlags(program);
    run = async () => (await import("./cli/report.ts")).runReport(flags, io);
  });
  sync.action(() => {
    const flags = syncFlags(program, sync);
    run = async () => (await import("./cli/sync.ts")).runSync(flags, io);
  });
  program.exitOverride();
  sync.exitOverride();
  // Commander echoes what was typed (`unknown option '--key=…'`), which may be a pasted key: the
  // value after `=` is never repeated.
  const output = {
    writeErr: (s: string) =>
      io.stderr(redact(s.replace(/^error: /, "ai-usage: ").replace(/'(--?[\w-]+)=[^']*'/g, "'$1=…'"))),
  };
  program.configureOutput(output);
  sync.configureOutput(output);
  storeCopy.action((from, to) => {
    run = async () => (await import("./cli/store-copy.ts")).runStoreCopy(from, to, io);
  });
  for (const cmd of [store, storeCopy]) cmd.exitOverride().configureOutput(output);
  try {
    io.now = clock(process.env.AI_USAGE_NOW);
    program.parse(argv);
    return run ? await run() : 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      return err.code === "commander.helpDisplayed" ||
        err.code === "commander.help" ||
        err.code === "commander.version" ||
        err.exitCode === 0
        ? 0
        : 2;
    }
    if (err instanceof AbortedError || controller.signal.aborted) {
      io.stderr("ai-usage: interrupted\n");
      return 130;
    }
    if (err instanceof StoreError) {
      io.stderr(`ai-usage: history store: ${redact(err.message)} (--no-store runs without it)\n`);
      return 1;
    }
    if (err instanceof UsageError) {
      io.stderr(`ai-usage: ${redact(err.message)}\n`);
      return 2;
    }
    // A bug of ours: say so in one line; the stack only with --verbose.
    const message = err instanceof Error ? err.message : String(err);
    io.stderr(`ai-usage: unexpected error: ${redact(message)}\n`);
    if (argv.includes("--verbose") && err instanceof Error && err.stack) io.stderr(`${redact(err.stack)}\n`);
    return 1;
  }
}

/** `AI_USAGE_NOW` (an ISO time) pins "today" so tests and golden files do not depend on the date. */
function clock(pinned: string | undefined): Date {
  const at = pinned ? new Date(pinned) : new Date();
  if (Number.isNaN(at.getTime())) throw new UsageError(`AI_USAGE_NOW is not a date: '${pinned}'`);
  return at;
}

main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  () => {
    process.exitCode = 1;
  },
);
