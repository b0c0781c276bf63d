import { describe, expect, it } from "vitest";
import { NO_TEAM } from "../src/report/group.ts";
import {
  aggregate,
  build,
  CURRENT_RECORDS,
  openaiRow,
  PREVIOUS,
  PREVIOUS_RECORDS,
  sums,
} from "./report-fixture.ts";

const OPENAI = openaiRow("2026-11-03", "alice@co.com", 7);
const openaiTokens = OPENAI.inputTokens;
const of = (email: string) =>
  CURRENT_RECORDS.filter((r) => "email_address" in r.actor && r.actor.email_address === email);
const onDays = (...days: string[]) => CURRENT_RECORDS.filter((r) => days.includes(r.date.slice(0, 10)));

describe("--by", () => {
  it("user (default) keeps the leaderboard shape with per-platform rows", () => {
    const report = build(aggregate());
    expect(report.by).toBeUndefined();
    expect(report.groups).toBeUndefined();
    expect(report.users.map((u) => [u.rank, u.user, u.requests])).toEqual([
      [1, "alice@co.com", sums(of("alice@co.com")).requests + OPENAI.requests],
      [2, "carol@co.com", sums(of("carol@co.com")).requests],
      [3, "bob@co.com", sums(of("bob@co.com")).requests],
    ]);
    expect(report.users[0]!.tools).toEqual(["Claude", "OpenAI"]);
    expect(report.users[0]!.platforms.map((p) => p.platform)).toEqual(["claude", "openai"]);
  });

  it("model ranks models like users, counting distinct people", () => {
    const report = build(aggregate(), { by: "model" });
    expect(report.by).toBe("model");
    expect(report.users).toEqual([]);
    const sonnet = CURRENT_RECORDS.filter((r) => r.model_breakdown[0]!.model === "claude-sonnet-5");
    const opus = CURRENT_RECORDS.filter((r) => r.model_breakdown[0]!.model === "claude-opus-4-8");
    expect(report.groups!.map((g) => [g.rank, g.key, g.requests, g.tokens, g.users])).toEqual([
      [1, "claude-haiku-4-5-20251001", 9, sums(onDays("2026-11-15")).tokens, 1],
      [2, "claude-sonnet-5", sums(sonnet).requests, sums(sonnet).tokens, 2],
      [3, "claude-opus-4-8", sums(opus).requests, sums(opus).tokens, 2],
      [4, "gpt-5", OPENAI.requests, openaiTokens, 1],
    ]);
    const all = sums(CURRENT_RECORDS);
    expect(report.totals).toMatchObject({
      requests: all.requests + OPENAI.requests,
      tokens: all.tokens + openaiTokens,
      costNanos: all.costNanos + OPENAI.costNanos,
      costEstimated: true,
    });
  });

  it("platform ranks platforms; --sort and --top apply", () => {
    const report = build(aggregate(), { by: "platform", sort: "tokens", top: 1 });
    expect(report.groups!.map((g) => [g.key, g.tokens, g.users])).toEqual([
      ["claude", sums(CURRENT_RECORDS).tokens, 3],
    ]);
    // --top trims rows, never the totals.
    expect(report.totals.tokens).toBe(sums(CURRENT_RECORDS).tokens + openaiTokens);
  });

  it("day lists every day of the window in time order, zeros included", () => {
    const report = build(aggregate(), { by: "day", sort: "cost" });
    const groups = report.groups!;
    expect(groups).toHaveLength(14);
    expect(groups.map((g) => g.key)).toEqual([...groups.map((g) => g.key)].sort());
    expect(groups.map((g) => g.rank)).toEqual(groups.map((_, i) => i + 1));
    const day = (key: string) => groups.find((g) => g.key === key)!;
    expect(day("2026-11-08")).toMatchObject({
      requests: 0,
      tokens: 0,
      costNanos: 0,
      users: 0,
      platforms: [],
    });
    expect(day("2026-11-03")).toMatchObject({
      requests: sums(onDays("2026-11-03")).requests + OPENAI.requests,
      users: 2,
      tools: ["Claude", "OpenAI"],
    });
  });

  it("day with --top keeps the highest days, still in time order", () => {
    const report = build(aggregate(), { by: "day", top: 2 });
    // Requests: 11-03 has 3 + 4 + 7 = 14, 11-15 has 9, 11-02 has 5.
    expect(report.groups!.map((g) => [g.rank, g.key])).toEqual([
      [1, "2026-11-03"],
      [2, "2026-11-15"],
    ]);
  });

  it("week keys ISO weeks (Monday first) and month keys YYYY-MM", () => {
    const weeks = build(aggregate(), { by: "week" }).groups!;
    expect(weeks.map((g) => [g.key, g.requests])).toEqual([
      ["2026-W45", sums(onDays("2026-11-02", "2026-11-03")).requests + OPENAI.requests],
      ["2026-W46", sums(onDays("2026-11-10", "2026-11-15")).requests],
    ]);
    const months = build(aggregate(), { by: "month" }).groups!;
    expect(months.map((g) => [g.key, g.requests])).toEqual([
      ["2026-11", sums(CURRENT_RECORDS).requests + OPENAI.requests],
    ]);
  });

  it("team counts a person in two teams in both rows and once in the totals, with a note", () => {
    const teams = new Map([
      ["alice@co.com", ["Platform", "Mobile"]],
      ["bob@co.com", ["Platform"]],
    ]);
    const report = build(aggregate(teams), { by: "team" });
    const alice = sums(of("alice@co.com")).requests + OPENAI.requests;
    const bob = sums(of("bob@co.com")).requests;
    const carol = sums(of("carol@co.com")).requests;
    expect(report.groups!.map((g) => [g.key, g.requests, g.users])).toEqual([
      ["Platform", alice + bob, 2],
      ["Mobile", alice, 1],
      [NO_TEAM, carol, 1],
    ]);
    expect(report.totals.requests).toBe(alice + bob + carol);
    expect(report.notes).toEqual([
      "1 person is in more than one team (alice@co.com): counted in each team's row, once in the totals",
    ]);
  });

  it("team without a teams file puts everyone under (no team) and says so", () => {
    const report = build(aggregate(), { by: "team" });
    expect(report.groups!.map((g) => [g.key, g.users])).toEqual([[NO_TEAM, 3]]);
    expect(report.notes?.[0]).toMatch(/no teams are defined/);
  });
});

describe("--compare", () => {
  it("gives each row and the totals the previous window's figures, zeros when none", () => {
    const report = build(aggregate(new Map(), true), { previousWindow: PREVIOUS });
    expect(report.previousWindow).toEqual(PREVIOUS);
    const aliceBefore = sums(PREVIOUS_RECORDS.slice(0, 1));
    const daveBefore = sums(PREVIOUS_RECORDS.slice(1));
    const user = (name: string) => report.users.find((u) => u.user === name)!;
    expect(user("alice@co.com").previous).toEqual(aliceBefore);
    expect(user("bob@co.com").previous).toEqual({ requests: 0, tokens: 0, costNanos: 0 });
    // Dave used nothing this time: a row at the bottom, so "−100%" is visible.
    const dave = user("dave@co.com");
    expect(dave).toMatchObject({ rank: 4, requests: 0, tokens: 0, platforms: [], previous: daveBefore });
    expect(report.totals.previous).toEqual(sums(PREVIOUS_RECORDS));
  });

  it("aligns time rows: a day's previous is the same day one window earlier", () => {
    const report = build(aggregate(new Map(), true), { by: "day", previousWindow: PREVIOUS });
    const day = (key: string) => report.groups!.find((g) => g.key === key)!;
    // 2026-10-19 + 14 days = 2026-11-02; 2026-10-27 + 14 = 2026-11-10.
    expect(day("2026-11-02").previous).toEqual(sums(PREVIOUS_RECORDS.slice(0, 1)));
    expect(day("2026-11-10").previous).toEqual(sums(PREVIOUS_RECORDS.slice(1)));
    expect(day("2026-11-03").previous).toEqual({ requests: 0, tokens: 0, costNanos: 0 });
    expect(report.groups).toHaveLength(14);
  });

  it("leaves previous out without --compare", () => {
    const report = build(aggregate(new Map(), true));
    expect(report.previousWindow).toBeUndefined();
    expect(report.users.every((u) => u.previous === undefined)).toBe(true);
    expect(report.users.map((u) => u.user)).not.toContain("dave@co.com");
  });
});
