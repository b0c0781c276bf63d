import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEAM_THRESHOLD } from "../src/emulators/copilot/index.ts";
import { type EmulatorSet, startEmulators } from "../src/emulators/index.ts";
import { NOW, runCli, tempDir } from "./cli.ts";
import { recordSums } from "./copilot-helpers.ts";

/** `--by team` with Copilot's user-teams report, through the real CLI against the emulator. */

const SINCE = "2026-11-01";
const UNTIL = "2026-11-07";
const ARGS = ["--json", "--no-store", "--since", SINCE, "--until", UNTIL, "--platform", "copilot"];
let emu: EmulatorSet;

beforeAll(async () => {
  emu = await startEmulators({
    since: SINCE,
    until: UNTIL,
    seed: 7,
    people: 20,
    now: () => new Date(NOW),
    copilot: true,
  });
});
afterAll(() => emu.close());

interface Group {
  key: string;
  requests: number;
  tokens: number;
}
interface TeamReport {
  groups: Group[];
  totals: { requests: number; tokens: number };
  notes?: string[];
}

const teamRequests = () => emu.copilot.requests.filter((r) => r.path.includes("/user-teams-1-day"));

/** Each Copilot person (as the report names them) → requests and tokens, from the emulator's records. */
function personSums() {
  const data = emu.data.copilot;
  const nameOf = new Map(data.users.map((u) => [u.login, u.via === "none" ? `github:${u.login}` : u.email]));
  const sums = new Map<string, { requests: number; tokens: number }>();
  for (const r of data.records) {
    const s = recordSums(r);
    const key = nameOf.get(r.user_login)!;
    const v = sums.get(key) ?? { requests: 0, tokens: 0 };
    sums.set(key, { requests: v.requests + s.requests, tokens: v.tokens + s.inputTokens + s.outputTokens });
  }
  return { sums, nameOf };
}

/** Team → members as the emulator serves them: teams under the threshold are left out. */
function servedTeams() {
  return emu.copilot.state.teams.filter((t) => t.logins.length >= TEAM_THRESHOLD);
}

function add(people: Iterable<string>, sums: Map<string, { requests: number; tokens: number }>) {
  const out = { requests: 0, tokens: 0 };
  for (const p of people) {
    out.requests += sums.get(p)?.requests ?? 0;
    out.tokens += sums.get(p)?.tokens ?? 0;
  }
  return out;
}

async function report(args: string[], env: Record<string, string> = {}) {
  const res = await runCli(args, { ...emu.env, ...env });
  expect(res.code, res.stderr).toBe(0);
  return { json: JSON.parse(res.stdout) as TeamReport, stderr: res.stderr };
}

describe("copilot teams for --by team", () => {
  it("with no teams file, people are grouped exactly as Copilot's user-teams report says", async () => {
    emu.copilot.requests.length = 0;
    const { json } = await report([...ARGS, "--by", "team"]);
    const { sums, nameOf } = personSums();
    const served = servedTeams();
    // The emulator's set-up this test relies on: a person in two teams, a team left out.
    expect(emu.copilot.state.teams.some((t) => t.logins.length < TEAM_THRESHOLD)).toBe(true);
    const want = new Map(
      served.map((t) => [t.slug, add(new Set(t.logins.map((l) => nameOf.get(l)!)), sums)] as const),
    );
    const inTeam = new Set(served.flatMap((t) => t.logins.map((l) => nameOf.get(l)!)));
    const rest = add(
      [...sums.keys()].filter((p) => !inTeam.has(p)),
      sums,
    );
    if (rest.requests + rest.tokens > 0) want.set("(no team)", rest);
    const got = new Map(json.groups.map((g) => [g.key, { requests: g.requests, tokens: g.tokens }]));
    expect(got).toEqual(want);
    // Totals count a person in two teams once.
    expect(json.totals).toMatchObject(add(sums.keys(), sums));
    const twice = served.flatMap((t) => t.logins).filter((l, i, all) => all.indexOf(l) !== i);
    expect(twice.length).toBeGreaterThan(0);
    expect(json.notes?.join("\n")).toMatch(/in more than one team/);
    // One report request: the last day of the window has data.
    expect(teamRequests().map((r) => r.query)).toEqual([`?day=${UNTIL}`]);
  });

  it("the teams file wins for the people it names; Copilot fills in the others", async () => {
    const { sums, nameOf } = personSums();
    const served = servedTeams();
    const multi = served.flatMap((t) => t.logins).find((l, i, all) => all.indexOf(l) !== i)!;
    const named = nameOf.get(multi)!;
    expect(named).toContain("@");
    const file = join(tempDir(), "teams.json");
    writeFileSync(file, JSON.stringify({ Core: [named.toUpperCase()] }));
    const { json } = await report([...ARGS, "--by", "team"], { AI_USAGE_TEAMS: file });
    const got = new Map(json.groups.map((g) => [g.key, { requests: g.requests, tokens: g.tokens }]));
    expect(got.get("Core")).toEqual(add([named], sums));
    for (const t of served) {
      const members = new Set(t.logins.map((l) => nameOf.get(l)!).filter((p) => p !== named));
      expect(got.get(t.slug), t.slug).toEqual(add(members, sums));
    }
    expect(json.totals).toMatchObject(add(sums.keys(), sums));
  });

  it("no user-teams request without --by team", async () => {
    emu.copilot.requests.length = 0;
    for (const by of [[], ["--by", "platform"], ["--by", "user"]]) await report([...ARGS, ...by]);
    expect(emu.copilot.requests.length).toBeGreaterThan(0);
    expect(teamRequests()).toHaveLength(0);
  });

  it("a failing teams report is one warning naming copilot; the report goes on", async () => {
    emu.copilot.inject({ fault: { kind: "status", status: 404 }, path: "/user-teams-1-day" });
    try {
      const { json, stderr } = await report([...ARGS, "--by", "team"]);
      const warnings = stderr.split("\n").filter((l) => /teams could not be read/.test(l));
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(/^copilot: /);
      const { sums } = personSums();
      expect(json.groups.map((g) => g.key)).toEqual(["(no team)"]);
      expect(json.totals).toMatchObject(add(sums.keys(), sums));
    } finally {
      emu.copilot.clearFaults();
    }
  });
});
