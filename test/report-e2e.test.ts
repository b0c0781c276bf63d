import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type EmulatorSet, startEmulators } from "../src/emulators/index.ts";
import { NOW, ROOT, runCli, tempDir } from "./cli.ts";

/**
 * --by, --compare and --activity end to end: the real CLI, spawned, against the emulators. Expected
 * figures are summed here from the records the emulators serve. Goldens: UPDATE_GOLDEN=1 rewrites them.
 */

const WINDOW = ["--since", "2026-11-01", "--until", "2026-11-07"];
const RANGE = [...WINDOW, "--no-store"];
let emu: EmulatorSet;

beforeAll(async () => {
  // The data reaches back over the previous window (2026-10-25 … 2026-10-31) for --compare.
  emu = await startEmulators({
    since: "2026-10-25",
    until: "2026-11-07",
    seed: 7,
    people: 12,
    now: () => new Date(NOW),
  });
});
afterAll(() => emu.close());

function golden(name: string, actual: string) {
  const file = join(ROOT, "test/golden", name);
  if (process.env.UPDATE_GOLDEN || !existsSync(file)) {
    mkdirSync(join(ROOT, "test/golden"), { recursive: true });
    writeFileSync(file, actual);
  }
  expect(actual).toBe(readFileSync(file, "utf8"));
}

/** One vendor fact: requests, tokens and cents of a platform, UTC day, person and model. */
interface Fact {
  platform: string;
  day: string;
  person: string;
  model: string;
  requests: number;
  tokens: number;
}

/** Every usage fact the emulators serve, read from their records without the CLI's code. */
function facts(): Fact[] {
  const out: Fact[] = [];
  for (const r of emu.data.anthropic) {
    const day = r.date.slice(0, 10);
    const person =
      r.actor.type === "user_actor"
        ? r.actor.email_address.trim().toLowerCase()
        : `api-key:${r.actor.api_key_name}`;
    // Sessions are per record, not per model: kept on a model-less fact.
    out.push({
      platform: "claude",
      day,
      person,
      model: "",
      requests: r.core_metrics.num_sessions,
      tokens: 0,
    });
    for (const m of r.model_breakdown) {
      const t = m.tokens;
      const tokens = t.input + t.output + t.cache_read + t.cache_creation;
      out.push({ platform: "claude", day, person, model: m.model, requests: 0, tokens });
    }
  }
  for (const { day, result } of emu.data.openai.results) {
    out.push({
      platform: "openai",
      day,
      person: result.user_id ?? "(unattributed)",
      model: result.model ?? "",
      requests: result.num_model_requests,
      // input_tokens already holds the cached and cache-write tokens.
      tokens: result.input_tokens + result.output_tokens,
    });
  }
  for (const e of emu.data.cursor.events) {
    if (/errored|aborted/i.test(e.kind)) continue;
    const t = e.tokenUsage;
    out.push({
      platform: "cursor",
      day: new Date(Number(e.timestamp)).toISOString().slice(0, 10),
      person: e.serviceAccountId
        ? `sa:${e.serviceAccountId}`
        : (e.userEmail?.trim().toLowerCase() ?? "(removed)"),
      model: e.model,
      requests: 1,
      tokens: t ? t.inputTokens + t.outputTokens + t.cacheReadTokens + t.cacheWriteTokens : 0,
    });
  }
  return out;
}

function sumBy(list: Fact[], key: (f: Fact) => string) {
  const out = new Map<string, { requests: number; tokens: number }>();
  for (const f of list) {
    const s = out.get(key(f)) ?? { requests: 0, tokens: 0 };
    s.requests += f.requests;
    s.tokens += f.tokens;
    out.set(key(f), s);
  }
  return out;
}

const inWindow = (since: string, until: string) => facts().filter((f) => f.day >= since && f.day <= until);
const CURRENT = () => inWindow("2026-11-01", "2026-11-07");
const PREVIOUS = () => inWindow("2026-10-25", "2026-10-31");

interface Group {
  rank: number;
  key: string;
  requests: number;
  tokens: number;
  users: number;
  previous?: { requests: number; tokens: number; costUsd: number };
  activity?: Record<string, number | null>;
}
interface GroupJson {
  by: string;
  groups: Group[];
  totals: { requests: number; tokens: number; previous?: { requests: number; tokens: number } };
}

async function json(args: string[], env: Record<string, string> = {}) {
  const res = await runCli([...args, "--json"], { ...emu.env, ...env });
  expect(res.code, res.stderr).toBe(0);
  return JSON.parse(res.stdout) as GroupJson & Record<string, unknown>;
}

const pick = (g: Group) => ({ requests: g.requests, tokens: g.tokens });

describe("--by against the emulators", () => {
  it("platform: one row per platform with exactly what each vendor holds (golden table)", async () => {
    const report = await json([...RANGE, "--by", "platform"]);
    const want = sumBy(CURRENT(), (f) => f.platform);
    expect(report.by).toBe("platform");
    expect(report.groups.map((g) => [g.key, pick(g)])).toEqual(
      [...want].sort((a, b) => b[1].requests - a[1].requests).map(([k, v]) => [k, v]),
    );
    const res = await runCli([...RANGE, "--by", "platform"], emu.env);
    golden("by-platform.txt", res.stdout);
  });

  it("day: every day of the window, in time order (golden table)", async () => {
    const report = await json([...RANGE, "--by", "day", "--sort", "tokens"]);
    const want = sumBy(CURRENT(), (f) => f.day);
    const days = ["01", "02", "03", "04", "05", "06", "07"].map((d) => `2026-11-${d}`);
    expect(report.groups.map((g) => g.key)).toEqual(days);
    for (const g of report.groups)
      expect(pick(g), g.key).toEqual(want.get(g.key) ?? { requests: 0, tokens: 0 });
    golden("by-day.txt", (await runCli([...RANGE, "--by", "day"], emu.env)).stdout);
  });

  it("week: ISO weeks starting Monday (golden table)", async () => {
    const report = await json([...RANGE, "--by", "week"]);
    // 2026-11-01 is a Sunday (the end of W44); 11-02 … 11-07 are in W45.
    const want = sumBy(CURRENT(), (f) => (f.day === "2026-11-01" ? "2026-W44" : "2026-W45"));
    expect(report.groups.map((g) => [g.key, pick(g)])).toEqual([
      ["2026-W44", want.get("2026-W44")],
      ["2026-W45", want.get("2026-W45")],
    ]);
    golden("by-week.txt", (await runCli([...RANGE, "--by", "week"], emu.env)).stdout);
  });

  it("month: YYYY-MM, every month the window touches (golden table)", async () => {
    const report = await json([
      "--since",
      "2026-10-25",
      "--until",
      "2026-11-07",
      "--no-store",
      "--by",
      "month",
    ]);
    const want = sumBy(inWindow("2026-10-25", "2026-11-07"), (f) => f.day.slice(0, 7));
    expect(report.groups.map((g) => [g.key, pick(g)])).toEqual([
      ["2026-10", want.get("2026-10")],
      ["2026-11", want.get("2026-11")],
    ]);
    golden("by-month.txt", (await runCli([...RANGE, "--by", "month"], emu.env)).stdout);
  });

  it("model: tokens per model as the vendors report them (golden table)", async () => {
    const report = await json([...RANGE, "--by", "model", "--sort", "tokens"]);
    const want = sumBy(
      CURRENT().filter((f) => f.tokens > 0 || f.model),
      (f) => f.model,
    );
    want.delete("");
    const got = new Map(report.groups.map((g) => [g.key, g.tokens]));
    for (const [model, s] of want) if (s.tokens > 0) expect(got.get(model), model).toBe(s.tokens);
    const tokens = report.groups.map((g) => g.tokens);
    expect(tokens).toEqual([...tokens].sort((a, b) => b - a));
    expect(report.totals.requests).toBe(CURRENT().reduce((s, f) => s + f.requests, 0));
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
    const report = await json(args, { AI_USAGE_TEAMS: file });
    const current = CURRENT().filter((f) => f.platform !== "openai");
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

describe("--compare against the emulators", () => {
  it("adds the previous window, per row and in totals (golden table)", async () => {
    const report = await json([...RANGE, "--compare", "--by", "platform"]);
    expect(report.previousWindow).toEqual({ since: "2026-10-25", until: "2026-10-31", days: 7 });
    const before = sumBy(PREVIOUS(), (f) => f.platform);
    for (const g of report.groups)
      expect({ requests: g.previous!.requests, tokens: g.previous!.tokens }, g.key).toEqual(
        before.get(g.key),
      );
    const all = PREVIOUS().reduce(
      (s, f) => ({ requests: s.requests + f.requests, tokens: s.tokens + f.tokens }),
      {
        requests: 0,
        tokens: 0,
      },
    );
    expect({ requests: report.totals.previous!.requests, tokens: report.totals.previous!.tokens }).toEqual(
      all,
    );
    golden("compare.txt", (await runCli([...RANGE, "--compare"], { ...emu.env, COLUMNS: "100" })).stdout);
  });

  it("with a store, a repeat run asks the vendors for nothing new", async () => {
    const store = join(tempDir(), "history.db");
    const args = [...WINDOW, "--compare", "--store", store, "--json"];
    const first = await runCli(args, emu.env);
    expect(first.code, first.stderr).toBe(0);
    for (const s of [emu.anthropic, emu.openai, emu.cursor]) s.requests.length = 0;
    const second = await runCli(args, emu.env);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toBe(first.stdout);
    expect([emu.anthropic, emu.openai, emu.cursor].map((s) => s.requests.length)).toEqual([0, 0, 0]);
  });
});

describe("--activity against the emulators", () => {
  /** What the AI produced per platform, from the Claude records and Cursor's daily rows. */
  async function produced(since: string, until: string) {
    const claude = { linesAdded: 0, linesRemoved: 0, commits: 0, pullRequests: 0, accepted: 0, rejected: 0 };
    for (const r of emu.data.anthropic) {
      const day = r.date.slice(0, 10);
      if (day < since || day > until) continue;
      claude.linesAdded += r.core_metrics.lines_of_code.added;
      claude.linesRemoved += r.core_metrics.lines_of_code.removed;
      claude.commits += r.core_metrics.commits_by_claude_code;
      claude.pullRequests += r.core_metrics.pull_requests_by_claude_code;
      for (const a of Object.values(r.tool_actions)) {
        claude.accepted += a.accepted;
        claude.rejected += a.rejected;
      }
    }
    // Cursor's daily rows as its emulator serves them (one call covers the 7 days).
    const res = await fetch(`${emu.cursor.url}/teams/daily-usage-data`, {
      method: "POST",
      headers: {
        authorization: `Basic ${Buffer.from(`${emu.env.CURSOR_ADMIN_API_KEY}:`).toString("base64")}`,
        "content-type": "application/json",
      },
      body: JSON.stringify({
        startDate: Date.parse(`${since}T00:00:00Z`),
        endDate: Date.parse(`${until}T23:59:59.999Z`),
      }),
    });
    const rows = ((await res.json()) as { data: Record<string, number>[] }).data;
    const sum = (f: string) => rows.reduce((s, r) => s + r[f]!, 0);
    const cursor = {
      linesAdded: sum("acceptedLinesAdded"),
      linesRemoved: sum("acceptedLinesDeleted"),
      accepted: sum("totalAccepts"),
      rejected: sum("totalRejects"),
    };
    return { claude, cursor };
  }

  it("sums lines, commits, PRs and suggestions per platform and in totals; OpenAI reports none (golden table)", async () => {
    const want = await produced("2026-11-01", "2026-11-07");
    emu.cursor.requests.length = 0;
    const report = await json([...RANGE, "--activity", "--by", "platform"]);
    const daily = emu.cursor.requests.filter((r) => r.path === "/teams/daily-usage-data");
    expect(daily).toHaveLength(1);
    const g = new Map(report.groups.map((x) => [x.key, x.activity]));
    expect(g.get("claude")).toEqual({
      linesAdded: want.claude.linesAdded,
      linesRemoved: want.claude.linesRemoved,
      commits: want.claude.commits,
      pullRequests: want.claude.pullRequests,
      suggestionsAccepted: want.claude.accepted,
      suggestionsRejected: want.claude.rejected,
    });
    expect(g.get("cursor")).toEqual({
      linesAdded: want.cursor.linesAdded,
      linesRemoved: want.cursor.linesRemoved,
      commits: null,
      pullRequests: null,
      suggestionsAccepted: want.cursor.accepted,
      suggestionsRejected: want.cursor.rejected,
    });
    expect(g.get("openai")).toEqual({
      linesAdded: null,
      linesRemoved: null,
      commits: null,
      pullRequests: null,
      suggestionsAccepted: null,
      suggestionsRejected: null,
    });
    expect((report.totals as Record<string, unknown>).activity).toEqual({
      linesAdded: want.claude.linesAdded + want.cursor.linesAdded,
      linesRemoved: want.claude.linesRemoved + want.cursor.linesRemoved,
      commits: want.claude.commits,
      pullRequests: want.claude.pullRequests,
      suggestionsAccepted: want.claude.accepted + want.cursor.accepted,
      suggestionsRejected: want.claude.rejected + want.cursor.rejected,
    });
    golden("activity.txt", (await runCli([...RANGE, "--activity"], { ...emu.env, COLUMNS: "120" })).stdout);
  });

  it("does not call Cursor's daily route without --activity", async () => {
    emu.cursor.requests.length = 0;
    await json(RANGE);
    expect(emu.cursor.requests.filter((r) => r.path === "/teams/daily-usage-data")).toEqual([]);
  });

  it("writes the six activity columns in CSV, empty where not reported", async () => {
    const res = await runCli([...RANGE, "--activity", "--format", "csv"], emu.env);
    expect(res.code).toBe(0);
    const lines = res.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(
      /,lines_added,lines_removed,commits,pull_requests,suggestions_accepted,suggestions_rejected$/,
    );
    const openai = lines.filter((l) => l.split(",")[3] === "openai");
    expect(openai.length).toBeGreaterThan(0);
    expect(openai.every((l) => l.endsWith(",,,,,,"))).toBe(true);
  });
});

describe("--demo", () => {
  it("shows teams from the demo's teams file, and the same window with or without --compare", async () => {
    const teams = await runCli(["--demo", "--days", "7", "--by", "team", "--json"]);
    expect(teams.code, teams.stderr).toBe(0);
    const report = JSON.parse(teams.stdout) as GroupJson & { notes: string[] };
    expect(report.groups.map((g) => g.key).sort()).toEqual([
      "(no team)",
      "Data",
      "Mobile",
      "Payments",
      "Web",
    ]);
    expect(report.notes).toHaveLength(1);
    expect(report.notes[0]).toMatch(/^1 person is in more than one team/);

    const plain = JSON.parse((await runCli(["--demo", "--days", "7", "--json"])).stdout) as GroupJson;
    const compared = JSON.parse(
      (await runCli(["--demo", "--days", "7", "--compare", "--json"])).stdout,
    ) as GroupJson;
    expect(compared.totals.requests).toBe(plain.totals.requests);
    expect(compared.totals.tokens).toBe(plain.totals.tokens);
    expect(compared.totals.previous!.requests).toBeGreaterThan(0);
  });
});
