import { Command } from "@commander-js/extra-typings";
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
    .option("--activity", "add what the AI produced: lines, commits, pull requests, accepted suggestions")
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
    .option("--sort <key>", "requests, tokens or cost, descending (default: requests)")
    .option("--format <fmt>", "table, json, csv or markdown (default: table)")
    .option("--json", "same as --format json")
    .option("--top <n>", "only the first n users")
    .option("--by <dim>", "what a row is: user, team, model, platform, day, week or month (default: user)")
    .option("--compare", "add the previous period of the same length and the change")
    .showSuggestionAfterError(false)
    .allowExcessArguments(false)
    .enablePositionalOptions()
    .addHelpText(
      "after",
      `
Environment (also read from ./.env):
  ANTHROPIC_ADMIN_API_KEY      Anthropic Admin API key (sk-ant-admin…)
  OPENAI_ORG_API_KEY           OpenAI Admin API key (sk-admin-…); also OPENAI_ADMIN_KEY
  CURSOR_ADMIN_API_KEY         Cursor team admin API key
  *_BASE_URL                   ANTHROPIC_ADMIN_BASE_URL, OPENAI_ADMIN_BASE_URL, CURSOR_ADMIN_BASE_URL
  AI_USAGE_STORE               history store file
  AI_USAGE_PRICES              price overrides file (default ~/.config/ai-usage/prices.json)
  AI_USAGE_ALIASES             identity aliases file (default ~/.config/ai-usage/aliases.json)
  AI_USAGE_TEAMS               teams file for --by team (default ~/.config/ai-usage/teams.json)

Examples:
  ai-usage --demo                       try it without keys
  ai-usage --days 7 --sort cost         last 7 UTC days by cost
  ai-usage --by team --compare          teams, against the previous 30 days
  ai-usage --since 2026-10-01 --until 2026-10-31 --format csv > october.csv
  ai-usage sync --days 3                for cron: fetch into the history store`,
    );

  const sync = windowOptions(new Command("sync"))
    .description("fetch and store usage without printing a report (for cron)")
    .helpOption("--help", "show this help")
    .showSuggestionAfterError(false)
    .allowExcessArguments(false);
  program.addCommand(sync);
  return { program, sync };
}
