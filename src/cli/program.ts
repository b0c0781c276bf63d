import { Command, CommanderError, Option } from "@commander-js/extra-typings";
import { UsageError } from "../config/errors.ts";
import type { RawFlags } from "../config/options.ts";
import type { Platform } from "../platforms/types.ts";
import { version } from "../version.ts";

/** Options shared by `report` (the default command) and `sync`. */
function windowOptions<T extends Command<[], Record<string, unknown>>>(cmd: T) {
  return cmd
    .option("--days <n>", "the n UTC days ending with --until (default: 30)")
    .option("--since <date>", "first UTC day, inclusive, YYYY-MM-DD or YYYYMMDD (then --days is ignored)")
    .option("--until <date>", "last UTC day, inclusive, YYYY-MM-DD or YYYYMMDD (default: today, UTC)")
    .option("--platform <list>", "comma list of platform ids (default: all with a key)")
    .option(
      "--store <path-or-url>",
      "history store: an SQLite file or a postgres:// URL (default: $AI_USAGE_STORE or $XDG_DATA_HOME/ai-usage/history.db)",
    )
    .option("--no-store", "purely live: read nothing from and write nothing to a store")
    .option("--refresh", "re-fetch every day of the window, even settled ones")
    .option("--activity", "add what the AI produced: lines, commits, pull requests, accepted suggestions")
    .option(
      "--demo",
      "run against built-in emulated vendor APIs with a generated organisation; needs no keys",
    )
    .option("--verbose", "progress and request log on stderr (never a secret)");
}

/** Options of the report only: given with `sync` (before or after it) they are a usage error. */
const REPORT_ONLY = ["sort", "format", "output", "json", "top", "by", "compare"] as const;

const EXIT_CODES = `
Exit codes:
  0    the report (or sync) has data from at least one platform
  1    every selected platform failed (each is named on stderr)
  2    usage error: a bad flag, value, date or .env/config file (one line names it)
  130  interrupted (Ctrl-C)`;

/** What `--help` says of each platform: id, what it covers, what to set; then the base URL variables. */
type PlatformHelp = Pick<Platform, "id" | "help" | "baseUrlEnv">;

function platformHelp(platforms: readonly PlatformHelp[]): string {
  const lines = platforms.map((p) => `  ${p.id.padEnd(28)} ${p.help}`);
  const urls = platforms.map((p) => p.baseUrlEnv).join(", ");
  return [...lines, `  ${"*_BASE_URL".padEnd(28)} ${urls}`].join("\n");
}

/**
 * The commander program. `platforms` feeds the help's Environment section; the entry loads the
 * registry (every platform's code) only when help is asked for, so a normal start stays fast.
 */
export function buildProgram(print: (text: string) => void, platforms: readonly PlatformHelp[] = []) {
  const program = windowOptions(
    new Command()
      .name("ai-usage")
      .description("Leaderboard of AI coding tool usage per engineer, from the vendors' admin APIs.")
      .version(version, "-V, --version", "print the version")
      .helpOption("-h, --help", "show this help"),
  )
    .option("--sort <key>", "requests, tokens or cost, descending (default: requests)")
    .option("--format <fmt>", "table, json, csv, markdown or html (default: table)")
    .option("--output <file>", "write the report to a file instead of stdout")
    .option("--json", "same as --format json")
    .option("--top <n>", "only the first n users")
    .option("--by <dim>", "what a row is: user, team, model, platform, day, week or month (default: user)")
    .option("--compare", "add the previous period of the same length and the change")
    // `-v` prints the version too, as many tools accept it; hidden to keep the help short.
    .addOption(new Option("-v").hideHelp())
    // The default command takes no operands: a word that is not a command is refused in
    // `operandsOf` with a suggestion, instead of commander's "too many arguments".
    .allowExcessArguments(true)
    .showSuggestionAfterError(false)
    // Our own help command, so `help snyc` is an unknown command like `snyc`, not the main help.
    .helpCommand(false)
    .addHelpText(
      "after",
      `
Commands run the report unless one is named; every option means the same before or after it.

Environment (also read from ./.env):
${platformHelp(platforms)}
  AI_USAGE_STORE               history store: an SQLite file or a postgres:// URL
  AI_USAGE_PRICES              price overrides file (default ~/.config/ai-usage/prices.json)
  AI_USAGE_ALIASES             identity aliases file (default ~/.config/ai-usage/aliases.json)
  AI_USAGE_TEAMS               teams file for --by team (default ~/.config/ai-usage/teams.json)
  HTTPS_PROXY, NO_PROXY        a proxy for every vendor call
${EXIT_CODES}

Examples:
  ai-usage --demo                       try it without keys
  ai-usage --days 7 --sort cost         last 7 UTC days by cost
  ai-usage --by team --compare          teams, against the previous 30 days
  ai-usage --since 2026-10-01 --until 2026-10-31 --format csv > october.csv
  ai-usage sync --days 3                for cron: fetch into the history store`,
    );
  program.on("option:v", () => {
    print(`${version}\n`);
    throw new CommanderError(0, "commander.version", version);
  });

  const sync = windowOptions(new Command("sync"))
    .description("fetch and store usage without printing a report (for cron)")
    .helpOption("-h, --help", "show this help")
    .showSuggestionAfterError(false)
    .allowExcessArguments(false)
    .addHelpText("after", EXIT_CODES);
  program.addCommand(sync);

  const storeCopy = new Command("copy")
    .description("copy every source's history from one store into another (SQLite file or postgres:// URL)")
    .argument("<from>", "the store to read")
    .argument("<to>", "the store to write (created if new)")
    .helpOption("-h, --help", "show this help")
    .showSuggestionAfterError(false)
    .allowExcessArguments(false);
  const store = new Command("store")
    .description("manage the history store")
    .helpOption("-h, --help", "show this help")
    .showSuggestionAfterError(false)
    .addCommand(storeCopy);
  program.addCommand(store);
  program
    .command("help [command]")
    .description("show help for a command")
    .helpOption(false)
    .action((name: string | undefined) => {
      const found = name === undefined ? program : program.commands.find((c) => c.name() === name);
      if (!found) throw unknownCommand(name ?? "");
      (found.name() === "help" ? program : found).outputHelp();
      throw new CommanderError(0, "commander.help", "(outputHelp)");
    });
  return { program, sync, store, storeCopy };
}

/** The report's flags; a stray word is an unknown command (with the closest one as a hint). */
export function reportFlags(program: Command<[], Record<string, unknown>>): RawFlags {
  const [word] = program.args;
  if (word !== undefined) throw unknownCommand(word);
  return program.opts() as RawFlags;
}

function unknownCommand(word: string): UsageError {
  // Only a plain word is repeated: anything else may be a key pasted in the wrong place.
  if (!/^[A-Za-z][A-Za-z-]{0,19}$/.test(word))
    return new UsageError("unknown command '…' (the commands are sync, store and help)");
  const hint = closest(word, ["sync", "help"]);
  return new UsageError(`unknown command '${word}'${hint ? ` (did you mean ${hint}?)` : ""}`);
}

/**
 * The flags of `sync`: those given before the subcommand (parsed by the program) and after it, the
 * later winning, so `ai-usage --days 2 sync` and `ai-usage sync --days 2` are the same run.
 */
export function syncFlags(
  program: Command<[], Record<string, unknown>>,
  sync: Command<[], Record<string, unknown>>,
): RawFlags {
  for (const name of REPORT_ONLY) {
    if (program.getOptionValueSource(name) === "cli") {
      throw new UsageError(`--${name} is an option of the report, not of sync`);
    }
  }
  const merged: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(program.opts())) {
    if (program.getOptionValueSource(name) === "cli") merged[name] = value;
  }
  for (const [name, value] of Object.entries(sync.opts())) {
    if (sync.getOptionValueSource(name) === "cli") merged[name] = value;
  }
  return merged as RawFlags;
}

/** The candidate within two edits of `word` (Levenshtein with adjacent swaps), if any. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const c of candidates) {
    const d = distance(word.toLowerCase(), c);
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

function distance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}
