import type { Org } from "./org.ts";

/** Team names of the generated organisation. */
export const ORG_TEAMS = ["Payments", "Mobile", "Data", "Web"] as const;

/**
 * A teams file for the generated organisation (`{ "team": ["email", …] }`, DESIGN §2), so `--demo
 * --by team` shows teams: people go round the four teams in turn, every fifth person is in none
 * (shown as "(no team)") and the second person is in two teams (counted in both rows, once in totals).
 */
export function orgTeamsFile(org: Org): Record<string, string[]> {
  const file: Record<string, string[]> = Object.fromEntries(ORG_TEAMS.map((t) => [t, []]));
  org.people.forEach((person, i) => {
    if (i % 5 === 4) return;
    file[ORG_TEAMS[i % 5]!]!.push(person.email);
    if (i === 1) file[ORG_TEAMS[2]]!.push(person.email);
  });
  return file;
}
