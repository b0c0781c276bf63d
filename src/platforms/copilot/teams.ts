import { z } from "zod";
import { ResponseShapeError } from "../../http/errors.ts";
import { addDays, todayUtc } from "../../usage/days.ts";
import type { ClientOptions } from "../types.ts";
import { formatPath } from "../validate.ts";
import { downloadFile, fetchReportLinks } from "./client.ts";
import type { RateGate } from "./github.ts";
import { LoginResolver } from "./identity.ts";
import { copilotScope, ScopeError } from "./scope.ts";

/**
 * GitHub's team memberships for `--by team` (copilot.md §3.8): the user-teams report of the last
 * day in the window that has one, walking back a few days because the newest days come late.
 * Logins go through the same identity chain (and cache) as the usage rows, so a person is keyed
 * exactly as their usage is: the email, else `github:<login>`.
 */

/** How many days back from `until` a report is looked for. */
export const TEAM_DAYS_BACK = 4;

const teamRowSchema = z.object({ user_login: z.string(), slug: z.string(), day: z.string().optional() });
type TeamRow = z.infer<typeof teamRowSchema>;

export async function fetchCopilotTeams(
  client: ClientOptions,
  until: string,
): Promise<Map<string, string[]>> {
  const scope = copilotScope(client.env ?? {});
  if (!scope) throw new ScopeError("copilot: set COPILOT_ORG or COPILOT_ENTERPRISE");
  const gate: RateGate = { resumeAt: 0 };
  const now = client.now?.() ?? new Date();
  // The current day has no report yet: start from yesterday at the latest.
  const yesterday = addDays(todayUtc(now), -1);
  let day = until < yesterday ? until : yesterday;
  for (let i = 0; i < TEAM_DAYS_BACK; i++, day = addDays(day, -1)) {
    const links = await fetchReportLinks(client, gate, scope, day, "user-teams-1-day");
    if (links.length === 0) continue;
    const files = await Promise.all(links.map((link) => downloadFile(client, link)));
    const rows = files
      .flatMap((text, n) => parseTeamFile(text, day, n + 1))
      .filter((r) => (r.day ?? day) === day);
    const resolver = new LoginResolver(client, gate, scope, () => now.getTime());
    const emailOf = await resolver.resolve(rows.map((r) => r.user_login));
    const teams = new Map<string, string[]>();
    for (const r of rows) {
      const login = r.user_login.trim().toLowerCase();
      const slug = r.slug.trim();
      if (!login || !slug) continue;
      const person = emailOf(login) ?? `github:${login}`;
      const list = teams.get(person) ?? [];
      if (!list.includes(slug)) list.push(slug);
      teams.set(person, list);
    }
    return teams;
  }
  return new Map();
}

/** NDJSON, one (user, team) per line; anything else is an error naming the line and field. */
export function parseTeamFile(text: string, day: string, file: number): TeamRow[] {
  const rows: TeamRow[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === "") continue;
    const where = `user-teams-1-day ${day} file ${file} line ${i + 1}`;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      throw new ResponseShapeError("copilot", where, "not JSON");
    }
    const result = teamRowSchema.safeParse(json);
    if (!result.success) {
      const issue = result.error.issues[0]!;
      throw new ResponseShapeError("copilot", `${where}: ${formatPath(issue.path)}`, issue.message);
    }
    rows.push(result.data);
  }
  return rows;
}
