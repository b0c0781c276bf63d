import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { UsageError } from "../src/config/errors.ts";
import { loadTeams } from "../src/identity/teams.ts";
import { tempDir } from "./cli.ts";

function teamsFile(content: string): string {
  const file = join(tempDir(), "teams.json");
  writeFileSync(file, content);
  return file;
}

describe("teams file", () => {
  it("maps each person to their teams, emails compared case-insensitively, after aliases", () => {
    const file = teamsFile(
      JSON.stringify({
        Platform: [" Alice@Co.com", "bob@co.com"],
        Mobile: ["alice@co.com", "old-bob@co.com"],
      }),
    );
    const aliases = new Map([["old-bob@co.com", "bob@co.com"]]);
    const teams = loadTeams({ AI_USAGE_TEAMS: file }, aliases);
    expect(teams.get("alice@co.com")).toEqual(["Platform", "Mobile"]);
    expect(teams.get("bob@co.com")).toEqual(["Platform", "Mobile"]);
    expect(teams.size).toBe(2);
  });

  it("reads ~/.config/ai-usage/teams.json by default and is empty when it is absent", () => {
    const config = tempDir();
    expect(loadTeams({ XDG_CONFIG_HOME: config }).size).toBe(0);
  });

  it.each([
    ["[]", /expected an object/],
    ['{"Platform": "alice@co.com"}', /Platform: expected a list of emails/],
    ['{"Platform": ["alice@co.com", 3]}', /Platform: expected a list of non-empty strings/],
    ['{" ": ["alice@co.com"]}', /a team name is empty/],
    ['{"(no team)": ["alice@co.com"]}', /reserved/],
    ['{"Platform": [', /invalid JSON/],
  ])("refuses %s with one line naming the file and the problem", (content, problem) => {
    const file = teamsFile(content);
    let error: unknown;
    try {
      loadTeams({ AI_USAGE_TEAMS: file });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(UsageError);
    const message = (error as Error).message;
    expect(message).toContain(`teams file ${file}: `);
    expect(message).toMatch(problem);
    expect(message).not.toContain("\n");
  });

  it("names a missing file given in AI_USAGE_TEAMS", () => {
    expect(() => loadTeams({ AI_USAGE_TEAMS: "/nonexistent/teams.json" })).toThrow(
      "teams file /nonexistent/teams.json: not found",
    );
  });
});
