import { redact } from "../http/redact.ts";
import type { Aliases } from "../identity/aliases.ts";
import { canonicalIdentity } from "../identity/email.ts";
import type { Teams } from "../identity/teams.ts";
import type { Logger } from "../log.ts";
import type { Platform } from "../platforms/types.ts";
import type { Store } from "../store/types.ts";
import { clientFor } from "../sync/client.ts";
import { platformKey, sourceOf } from "../sync/source.ts";

export interface PlatformTeamsInput {
  platforms: readonly Platform[];
  env: NodeJS.ProcessEnv;
  fetch: typeof globalThis.fetch;
  log: Logger;
  store: Store | null;
  now: Date;
  until: string;
  aliases: Aliases;
  signal?: AbortSignal;
}

/**
 * Adds the teams vendors know (Copilot's user-teams report) to the user's teams file for
 * `--by team`: a person the file names keeps the file's teams, everyone else gets the vendors'.
 * A vendor that cannot say is one warning; the report goes on with what is known.
 */
export async function withPlatformTeams(fileTeams: Teams, input: PlatformTeamsInput): Promise<Teams> {
  const merged = new Map<string, string[]>();
  for (const [person, names] of fileTeams) merged.set(person, [...names]);
  for (const platform of input.platforms) {
    const apiKey = platformKey(platform, input.env);
    if (!platform.teams || !apiKey) continue;
    let found: Map<string, string[]>;
    try {
      found = await platform.teams(
        clientFor(platform, input, apiKey, sourceOf(platform, input.env, apiKey)),
        input.until,
      );
    } catch (err) {
      if (input.signal?.aborted) throw err;
      input.log.warn(
        redact(
          `${platform.id}: its teams could not be read (${err instanceof Error ? err.message : String(err)}); grouping by the teams file only`,
        ),
      );
      continue;
    }
    for (const [identity, names] of found) {
      const id = canonicalIdentity(identity);
      const person = input.aliases.get(id) ?? id;
      if (fileTeams.has(person)) continue;
      const list = merged.get(person) ?? [];
      for (const name of names) if (!list.includes(name)) list.push(name);
      merged.set(person, list);
    }
  }
  return merged;
}
