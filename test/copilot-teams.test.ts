import { afterEach, describe, expect, it } from "vitest";
import { type CopilotEmulator, TEAM_THRESHOLD, type UserTeamRecord } from "../src/emulators/copilot/index.ts";
import { ResponseShapeError } from "../src/http/errors.ts";
import { fetchCopilotTeams } from "../src/platforms/copilot/teams.ts";
import { clientFor, emulator, memoryCache, orgData, RANGE } from "./copilot-helpers.ts";

/** The emulator's user-teams-1-day route and the platform's reading of it, over loopback. */

let emu: CopilotEmulator | undefined;
afterEach(async () => {
  await emu?.close();
  emu = undefined;
});

const TOKEN = "ghp_EmulatorToken0000000000000000000000";
const headers = {
  authorization: `Bearer ${TOKEN}`,
  "user-agent": "test",
  accept: "application/vnd.github+json",
};

async function download(path: string) {
  const res = await fetch(`${emu!.url}${path}`, { headers });
  const body = (await res.json()) as { download_links: string[]; report_day: string };
  const rows: UserTeamRecord[] = [];
  for (const link of body.download_links)
    for (const line of (await (await fetch(link)).text()).split("\n"))
      if (line.trim()) rows.push(JSON.parse(line) as UserTeamRecord);
  return { status: res.status, body, rows };
}

describe("user-teams-1-day (emulator)", () => {
  it("org scope: one row per (user, team) of each team at the threshold, on signed links", async () => {
    emu = await emulator({ data: orgData(20) });
    const { status, body, rows } = await download(
      `/orgs/acme-corp/copilot/metrics/reports/user-teams-1-day?day=${RANGE.until}`,
    );
    expect(status).toBe(200);
    expect(body.report_day).toBe(RANGE.until);
    expect(body.download_links.every((l) => l.startsWith(emu!.files.url))).toBe(true);
    const served = emu.state.teams.filter((t) => t.logins.length >= TEAM_THRESHOLD);
    expect(served.length).toBeLessThan(emu.state.teams.length);
    const want = served.flatMap((t) => t.logins.map((l) => `${l} ${t.slug} ${t.team_id}`)).sort();
    expect(rows.map((r) => `${r.user_login} ${r.slug} ${r.team_id}`).sort()).toEqual(want);
    for (const r of rows) {
      expect(r.day).toBe(RANGE.until);
      expect(r.organization_id).toBeDefined();
      expect(r.enterprise_id).toBeUndefined();
      expect(r.user_id).toBe(emu.state.data.users.find((u) => u.login === r.user_login)!.userId);
    }
  });

  it("enterprise scope carries enterprise_id; a day without data has no links", async () => {
    emu = await emulator({ data: orgData(20) });
    const { rows } = await download(
      `/enterprises/acme/copilot/metrics/reports/user-teams-1-day?day=${RANGE.since}`,
    );
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.enterprise_id !== undefined && r.organization_id === undefined)).toBe(true);
    const empty = await download("/orgs/acme-corp/copilot/metrics/reports/user-teams-1-day?day=2026-06-25");
    expect(empty.body.download_links).toEqual([]);
  });
});

describe("fetchCopilotTeams", () => {
  it("walks back to the last day with data and keys people as their usage is", async () => {
    emu = await emulator({ data: orgData(20) });
    const cache = memoryCache();
    const teams = await fetchCopilotTeams(clientFor(emu, { cache }), "2026-06-25");
    const reports = emu.requests.filter((r) => r.path.includes("/user-teams-1-day"));
    expect(reports.map((r) => r.query)).toEqual(["25", "24", "23", "22"].map((d) => `?day=2026-06-${d}`));
    const want = new Map<string, string[]>();
    for (const t of emu.state.teams.filter((x) => x.logins.length >= TEAM_THRESHOLD))
      for (const login of t.logins) {
        const u = emu.state.data.users.find((x) => x.login === login)!;
        const key = u.via === "none" ? `github:${login}` : u.email;
        want.set(key, [...(want.get(key) ?? []), t.slug]);
      }
    expect(teams).toEqual(want);
    // The logins went through the cached identity chain: a second read asks no identity question.
    expect(cache.sets).toBeGreaterThan(0);
    emu.requests.length = 0;
    await fetchCopilotTeams(clientFor(emu, { cache }), RANGE.until);
    expect(emu.requests.map((r) => r.path).filter((p) => !p.includes("/user-teams-1-day"))).toEqual([]);
  });

  it("no report in the days looked at is no teams; a malformed row names the field", async () => {
    emu = await emulator({ data: orgData(20) });
    expect(await fetchCopilotTeams(clientFor(emu), "2026-06-29")).toEqual(new Map());
    const bad = emu.files.publish(
      "bad-teams",
      '{"user_login":"a","slug":"x"}\n{"user_login":5,"slug":"x"}\n',
    );
    emu.inject({
      path: "/user-teams-1-day",
      fault: { kind: "mutate", mutate: (body) => ({ ...(body as object), download_links: [bad] }) },
    });
    const err = await fetchCopilotTeams(clientFor(emu), RANGE.until).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ResponseShapeError);
    expect((err as Error).message).toMatch(/user-teams-1-day 2026-06-22 file 1 line 2: user_login/);
  });
});
