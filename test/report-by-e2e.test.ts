import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EmulatorSet } from "../src/emulators/index.ts";
import { runCli, tempDir } from "./cli.ts";
import {
  CURRENT,
  type Group,
  golden,
  inWindow,
  json,
  pick,
  RANGE,
  startReportEmulators,
  sumBy,
} from "./report-e2e.ts";

let emu: EmulatorSet;
beforeAll(async () => {
  emu = await startReportEmulators();
});
afterAll(() => emu.close());

describe("--by against the emulators", () => {
  it("platform: one row per platform with exactly what each vendor holds (golden table)", async () => {
    const report = await json(emu, [...RANGE, "--by", "platform"]);
    const want = sumBy(CURRENT(emu), (f) => f.platform);
    expect(report.by).toBe("platform");
    expect(report.groups.map((g) => [g.key, pick(g)])).toEqual(
      [...want].sort((a, b) => b[1].requests - a[1].requests).map(([k, v]) => [k, v]),
    );
    const res = await runCli([...RANGE, "--by", "platform"], emu.env);
    golden("by-platform.txt", res.stdout);
  });

  it("day: every day of the window, in time order (golden table)", async () => {
    const report = await json(emu, [...RANGE, "--by", "day", "--sort", "tokens"]);
    const want = sumBy(CURRENT(emu), (f) => f.day);
    const days = ["01", "02", "03", "04", "05", "06", "07"].map((d) => `2026-11-${d}`);
    expect(report.groups.map((g) => g.key)).toEqual(days);
    for (const g of report.groups)
      expect(pick(g), g.key).toEqual(want.get(g.key) ?? { requests: 0, tokens: 0 });
    golden("by-day.txt", (await runCli([...RANGE, "--by", "day"], emu.env)).stdout);
  });

  it("week: ISO weeks starting Monday (golden table)", async () => {
    const report = await json(emu, [...RANGE, "--by", "week"]);
    // 2026-11-01 is a Sunday (the end of W44); 11-02 … 11-07 are in W45.
    const want = sumBy(CURRENT(emu), (f) => (f.day === "2026-11-01" ? "2026-W44" : "2026-W45"));
    expect(report.groups.map((g) => [g.key, pick(g)])).toEqual([
      ["2026-W44", want.get("2026-W44")],
      ["2026-W45", want.get("2026-W45")],
    ]);
    golden("by-week.txt", (await runCli([...RANGE, "--by", "week"], emu.env)).stdout);
  });

  it("month: YYYY-MM, every month the window touches (golden table)", async () => {
    const report = await json(emu, [
      "--since",
      "2026-10-25",
      "--until",
      "2026-11-07",
      "--no-store",
      "--by",
      "month",
    ]);
    const want = sumBy(inWindow(emu, "2026-10-25", "2026-11-07"), (f) => f.day.slice(0, 7));
    expect(report.groups.map((g) => [g.key, pick(g)])).toEqual([
      ["2026-10", want.get("2026-10")],
      ["2026-11", want.get("2026-11")],
    ]);
    golden("by-month.txt", (await runCli([...RANGE, "--by", "month"], emu.env)).stdout);
  });

  it("model: tokens per model as the vendors report them (golden table)", async () => {
    const report = await json(emu, [...RANGE, "--by", "model", "--sort", "tokens"]);
    const want = sumBy(
      CURRENT(emu).filter((f) => f.tokens > 0 || f.model),
      (f) => f.model,
    );
    want.delete("");
    const got = new Map(report.groups.map((g) => [g.key, g.tokens]));
    for (const [model, s] of want) if (s.tokens > 0) expect(got.get(model), model).toBe(s.tokens);
    const tokens = report.groups.map((g) => g.tokens);
    expect(tokens).toEqual([...tokens].sort((a, b) => b - a));
    expect(report.totals.requests).toBe(CURRENT(emu).reduce((s, f) => s + f.requests, 0));
    golden("by-model.txt", (await runCli([...RANGE, "--by", "model"], emu.env)).stdout);
  });

  it("team: a teams file groups people; two teams count in both, once in totals (golden table)", async () => {
    const people = emu.org.people.filter((p) => p.tools.includes("claude") || p.tools.includes("cursor"));
    const [a, b, c] = people;
    const file = join(tempDir(), "teams.json");
    writeFileSync(
      file,
      JSON.stringify({ Core: [a!.email, b!.email], Apps: [b!.email.toUpperCase(), c!.email] }),
    );
    const args = [...RANGE, "--platform", "claude,cursor", "--by", "team"];
    const report = await json(emu, args, { AI_USAGE_TEAMS: file });
    const current = CURRENT(emu).filter((f) => f.platform === "claude" || f.platform === "cursor");
    const person = sumBy(current, (f) => f.person);
    const zero = { requests: 0, tokens: 0 };
    const add = (...ps: { email: string }[]) =>
      ps.reduce(
        (s, p) => {
          const v = person.get(p.email) ?? zero;
          return { requests: s.requests + v.requests, tokens: s.tokens + v.tokens };
        },
        { ...zero },
      );
    const groups = new Map(report.groups.map((g) => [g.key, pick(g)]));
    expect(groups.get("Core")).toEqual(add(a!, b!));
    expect(groups.get("Apps")).toEqual(add(b!, c!));
    const all = add(...[...person.keys()].map((email) => ({ email })));
    const rest = add(
      ...[...person.keys()].filter((e) => ![a, b, c].some((p) => p!.email === e)).map((email) => ({ email })),
    );
    expect(groups.get("(no team)")).toEqual(rest);
    expect(pick(report.totals as Group)).toEqual(all);
    expect(report.notes).toEqual([
      `1 person is in more than one team (${b!.email}): counted in each team's row, once in the totals`,
    ]);
    golden("by-team.txt", (await runCli(args, { ...emu.env, AI_USAGE_TEAMS: file })).stdout);
  });

  it("team: a malformed teams file is one line naming it, exit 2", async () => {
    const file = join(tempDir(), "teams.json");
    writeFileSync(file, '{"Core": "alice@company.com"}');
    const res = await runCli([...RANGE, "--by", "team"], { ...emu.env, AI_USAGE_TEAMS: file });
    expect(res.code).toBe(2);
    expect(res.stdout).toBe("");
    expect(res.stderr).toBe(`ai-usage: teams file ${file}: Core: expected a list of emails\n`);
  });

  it("refuses an unknown dimension naming the flag", async () => {
    const res = await runCli([...RANGE, "--by", "project"], emu.env);
    expect(res.code).toBe(2);
    expect(res.stderr).toBe(
      "ai-usage: --by must be one of user, team, model, platform, day, week, month; got 'project'\n",
    );
  });
});
