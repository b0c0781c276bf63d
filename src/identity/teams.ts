import { UsageError } from "../config/errors.ts";
import { configFile, readJsonFile } from "../config/files.ts";
import type { Aliases } from "./aliases.ts";
import { canonicalIdentity } from "./email.ts";

/**
 * Teams for `--by team`: person → the teams they are in, in the file's order. Read from
 * $AI_USAGE_TEAMS or $XDG_CONFIG_HOME/ai-usage/teams.json (~/.config/… when unset), shaped
 * `{ "Platform": ["alice@company.com", "bob@company.com"], "Mobile": ["carol@company.com"] }`.
 * Applied after aliases: a member listed under an address that an alias maps to someone is that
 * someone, so the team file and the aliases file never disagree about who a person is.
 */
export type Teams = ReadonlyMap<string, readonly string[]>;

const RESERVED = "(no team)";

export function loadTeams(env: NodeJS.ProcessEnv, aliases: Aliases = new Map()): Teams {
  const file = configFile(env, "AI_USAGE_TEAMS", "teams.json");
  const json = readJsonFile(file, "teams file");
  if (json === undefined) return new Map();
  return parseTeams(json, file.path, aliases);
}

/** Validates a parsed teams file; any problem is one UsageError line naming the file. */
export function parseTeams(json: unknown, path: string, aliases: Aliases = new Map()): Teams {
  const fail = (problem: string) => new UsageError(`teams file ${path}: ${problem}`);
  if (!json || typeof json !== "object" || Array.isArray(json))
    throw fail(`expected an object like {"Platform": ["alice@company.com"]}`);
  const teams = new Map<string, string[]>();
  for (const [rawName, members] of Object.entries(json)) {
    const name = rawName.trim();
    if (!name) throw fail("a team name is empty");
    if (name === RESERVED) throw fail(`"${RESERVED}" is reserved for people in no team`);
    if (!Array.isArray(members)) throw fail(`${name}: expected a list of emails`);
    for (const member of members) {
      if (typeof member !== "string" || !member.trim())
        throw fail(`${name}: expected a list of non-empty strings`);
      const id = canonicalIdentity(member);
      const person = aliases.get(id) ?? id;
      const list = teams.get(person) ?? [];
      if (!list.includes(name)) list.push(name);
      teams.set(person, list);
    }
  }
  return teams;
}
