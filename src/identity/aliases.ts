import { UsageError } from "../config/errors.ts";
import { configFile, readJsonFile } from "../config/files.ts";
import { canonicalIdentity } from "./email.ts";

/**
 * Identity aliases, applied when the report merges people (never stored): vendor ids and labels
 * that no API ties to an email, or a person's second address, mapped to one identity, e.g.
 * `{ "user-AbC123": "alice@company.com", "api-key:ci-pipeline": "bob@company.com",
 *    "alice.old@company.com": "alice@company.com" }`.
 * Read from $AI_USAGE_ALIASES or $XDG_CONFIG_HOME/ai-usage/aliases.json (~/.config/… when unset).
 */
export type Aliases = ReadonlyMap<string, string>;

export function loadAliases(env: NodeJS.ProcessEnv): Aliases {
  const file = configFile(env, "AI_USAGE_ALIASES", "aliases.json");
  const json = readJsonFile(file, "aliases file");
  const aliases = new Map<string, string>();
  if (json === undefined) return aliases;
  if (!json || typeof json !== "object" || Array.isArray(json)) {
    throw new UsageError(
      `aliases file ${file.path}: expected an object like {"user-abc": "alice@company.com"}`,
    );
  }
  for (const [from, to] of Object.entries(json)) {
    if (typeof to !== "string" || !to.trim()) {
      throw new UsageError(`aliases file ${file.path}: ${from}: expected a non-empty string`);
    }
    aliases.set(canonicalIdentity(from), canonicalIdentity(to));
  }
  return aliases;
}
