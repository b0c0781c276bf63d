import type { CopilotUser } from "./data.ts";

/**
 * Team memberships of the synthetic org's Copilot users (copilot.md §3.8), fixed by each user's
 * place in the list so the demo and the tests see the same teams: everyone is in `platform` or
 * `product`, every third user is in `security` too (a person in two teams), and the first three
 * users form `design`, a team under the 5-user threshold that the report leaves out.
 */

export interface CopilotTeam {
  team_id: number;
  slug: string;
  logins: string[];
}

/** GitHub leaves out teams with fewer seated Copilot users than this on the day. */
export const TEAM_THRESHOLD = 5;

export function copilotTeams(users: readonly CopilotUser[]): CopilotTeam[] {
  const teams: CopilotTeam[] = [
    { team_id: 501, slug: "platform", logins: [] },
    { team_id: 502, slug: "product", logins: [] },
    { team_id: 503, slug: "security", logins: [] },
    { team_id: 504, slug: "design", logins: [] },
  ];
  users.forEach((u, i) => {
    teams[i % 2]!.logins.push(u.login);
    if (i % 3 === 0) teams[2]!.logins.push(u.login);
    if (i < 3) teams[3]!.logins.push(u.login);
  });
  return teams;
}

/** One user-teams-1-day object, as GitHub serves it. */
export interface UserTeamRecord {
  user_id: number;
  user_login: string;
  day: string;
  organization_id?: string;
  enterprise_id?: string;
  team_id: number;
  slug: string;
}

/** The day's rows for one scope: one per (user, team), teams under the threshold left out. */
export function userTeamRows(
  users: readonly CopilotUser[],
  teams: readonly CopilotTeam[],
  day: string,
  kind: "org" | "enterprise",
): UserTeamRecord[] {
  const idOf = new Map(users.map((u) => [u.login, u.userId]));
  const entity = kind === "org" ? { organization_id: "100000001" } : { enterprise_id: "200001" };
  return teams
    .filter((t) => t.logins.length >= TEAM_THRESHOLD)
    .flatMap((t) =>
      t.logins.map((login) => ({
        user_id: idOf.get(login)!,
        user_login: login,
        day,
        ...entity,
        team_id: t.team_id,
        slug: t.slug,
      })),
    );
}
