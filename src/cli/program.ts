import { Command, Option } from "@commander-js/extra-typings";
import { version } from "../version.ts";

/** Options shared by `report` (the default command) and `sync`. */
function windowOptions<T extends Command<[], Record<string, unknown>>>(cmd: T) {
  return cmd
    .option("--days <n>", "the n UTC days ending with --until (default: 30)")
    .option("--since <YYYY-MM-DD>", "first UTC day, inclusive (then --days is ignored)")
    .option("--until <YYYY-MM-DD>", "last UTC day, inclusive (default: today, UTC)")
    .option("--platform <list>", "comma list of claude, openai, cursor (default: all with a key)")
    .option(
      "--store <path>",
      "history store file (default: $AI_USAGE_STORE or $XDG_DATA_HOME/ai-usage/history.db)",
    )
    .option("--no-store", "purely live: read nothing from and write nothing to a store")
    .option("--refresh", "re-fetch every day of the window, even settled ones")
    .option(
      "--demo",
      "run against built-in emulated vendor APIs with a generated organisation; needs no keys",
    )
    .option("--verbose", "progress and request log on stderr (never a secret)");
}

export function buildProgram() {
  const program = windowOptions(
    new Command()
      .name("ai-usage")
      .description(
        "Leaderboard of AI coding tool usage per engineer: Claude Code, OpenAI and Cursor admin APIs.",
      )
      .version(version, "--version", "print the version")
      .helpOption("--help", "show this help"),
  )
    .addOption(new Option("--sort <key>", "requests, tokens or cost (descending)").default("requests"))
    .option("--format <fmt>", "table, json, csv or markdown (default: table)")
    .option("--json", "same as --format json")
    .option("--top <n>", "only the first n users")
    .showSuggestionAfterError(false)
    .allowExcessArguments(false)
    .enablePositionalOptions();

  const sync = windowOptions(new Command("sync"))
    .description("fetch and store usage without printing a report (for cron)")
    .helpOption("--help", "show this help")
    .showSuggestionAfterError(false)
    .allowExcessArguments(false);
  program.addCommand(sync);
  return { program, sync };
}
