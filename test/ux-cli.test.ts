import { existsSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type EmulatorSet, startEmulators } from "../src/emulators/index.ts";
import { NOW, type ReportJson, runCli, tempDir } from "./cli.ts";

/**
 * Issue 11, "a new user's first hour": the spawned CLI against the emulators. The pinned day is
 * 2026-11-24; the emulators hold usage for the whole autumn.
 */

let emu: EmulatorSet;
beforeAll(async () => {
  emu = await startEmulators({
    since: "2026-09-01",
    until: "2026-11-24",
    seed: 11,
    people: 12,
    now: () => new Date(NOW),
    enterprise: true,
  });
});
afterAll(() => emu.close());
afterEach(() => {
  for (const s of [emu.anthropic, emu.openai, emu.cursor]) s.clearFaults();
});

/** The days Claude Code was asked for since `from` requests ago (one request chain per day). */
function claudeDaysSince(from: number): string[] {
  const days = emu.anthropic.requests
    .slice(from)
    .map((r) => new URLSearchParams(r.query).get("starting_at") ?? "");
  return [...new Set(days)].sort();
}

describe("item 1: options mean the same before and after a subcommand", () => {
  it("`--days 2 sync` and `sync --days 2` ask the vendors for the same two days", async () => {
    const cwd = tempDir();
    const before = emu.anthropic.requests.length;
    const a = await runCli(["--days", "2", "sync", "--store", join(cwd, "a.db")], emu.env, { cwd });
    // Copilot has no key in this set: its one "skipped" line is the only thing allowed on stderr.
    expect(a.stderr.replace(/^skipped \(no key\): copilot \(set COPILOT_METRICS_TOKEN\)\n/, "")).toBe("");
    expect(a.code).toBe(0);
    const first = claudeDaysSince(before);

    const middle = emu.anthropic.requests.length;
    const b = await runCli(["sync", "--days", "2", "--store", join(cwd, "b.db")], emu.env, { cwd });
    expect(b.code).toBe(0);
    expect(claudeDaysSince(middle)).toEqual(first);
    expect(first).toEqual(["2026-11-23", "2026-11-24"]);
    expect(b.stdout).toBe(a.stdout);
  });

  it("`--store FILE sync` writes that store, not the default one", async () => {
    const cwd = tempDir();
    const file = join(cwd, "other.db");
    const res = await runCli(["--store", file, "--days", "1", "sync"], emu.env, { cwd });
    expect(res.code).toBe(0);
    expect(existsSync(file)).toBe(true);
    expect(existsSync(join(cwd, "data", "ai-usage"))).toBe(false);
  });

  it("`--demo sync` (what `npm run demo -- sync` runs) fetches as a sync would and stores nothing", async () => {
    const cwd = tempDir();
    const res = await runCli(["--demo", "sync", "--days", "3"], {}, { cwd });
    expect(res.code).toBe(0);
    expect(res.stderr).not.toMatch(/no API key|--no-store/);
    expect(res.stderr).toContain("demo: sync fetches as it would for real, but the demo keeps no history\n");
    expect(res.stdout).toMatch(/^claude: fetched 3 days, \d+ rows?; nothing stored in the demo$/m);
    expect(res.stdout).toMatch(/^cursor: fetched 3 days, \d+ rows?; nothing stored in the demo$/m);
    expect(readdirSync(cwd).sort()).toEqual([]);
  });

  it("a report-only option with sync is refused wherever it stands", async () => {
    for (const args of [
      ["--sort", "cost", "sync"],
      ["sync", "--top", "3"],
      ["--by", "team", "sync"],
      ["sync", "--compare"],
    ]) {
      const res = await runCli([...args, "--no-store"], emu.env);
      expect(res.code).toBe(2);
      expect(res.stderr).toMatch(
        /^ai-usage: --(sort|top|by|compare) is an option of the report, not of sync\n$/,
      );
    }
  });
});

describe("item 2: help and typos as in any commander CLI", () => {
  it.each([["help"], ["-h"], ["--help"]])("`%s` prints the help with the exit codes", async (flag) => {
    const res = await runCli([flag]);
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/^Usage: ai-usage \[options\] \[command\]/);
    expect(res.stdout).toContain("Exit codes:\n  0 ");
    expect(res.stdout).toContain("  130  interrupted");
  });

  it("`help sync` and `sync -h` print the help of sync", async () => {
    for (const args of [
      ["help", "sync"],
      ["sync", "-h"],
    ]) {
      const res = await runCli(args);
      expect(res.code).toBe(0);
      expect(res.stdout).toMatch(/^Usage: ai-usage sync \[options\]/);
    }
  });

  it.each([["-V"], ["-v"], ["--version"]])("`%s` prints the version", async (flag) => {
    const res = await runCli([flag]);
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });

  it("a typo is an unknown command with a suggestion, exit 2", async () => {
    for (const args of [["snyc"], ["help", "snyc"]]) {
      const res = await runCli(args);
      expect(res.code).toBe(2);
      expect(res.stdout).toBe("");
      expect(res.stderr).toBe("ai-usage: unknown command 'snyc' (did you mean sync?)\n");
    }
    const far = await runCli(["yesterday"]);
    expect(far.code).toBe(2);
    expect(far.stderr).toBe("ai-usage: unknown command 'yesterday'\n");
    // A key pasted where a command goes is never repeated.
    const key = await runCli(["sk-ant-admin01-AbCdEf0123456789"]);
    expect(key.code).toBe(2);
    expect(key.stderr).toBe("ai-usage: unknown command '…' (the commands are sync, store and help)\n");
  });
});

describe("item 3: messages blame what was typed", () => {
  it("`sync --no-store` names --no-store; `sync --demo` does not", async () => {
    const res = await runCli(["sync", "--no-store"], emu.env);
    expect(res.code).toBe(2);
    expect(res.stderr).toBe("ai-usage: sync needs a history store; drop --no-store\n");
    const demo = await runCli(["sync", "--demo", "--days", "1"]);
    expect(demo.code).toBe(0);
    expect(demo.stderr).not.toContain("--no-store");
  });

  it("`--demo --days 91` says the day beyond Cursor's reach is not counted in the demo, in the singular", async () => {
    const res = await runCli(["--demo", "--days", "91"]);
    expect(res.code).toBe(0);
    expect(res.stderr).not.toContain("--no-store");
    expect(res.stderr).toContain(
      "cursor: the live API reaches back 90 days (to 2026-08-27); the older day (2026-08-26) is not counted in the demo\n",
    );
  });
});

describe("items 4 and 5: the window", () => {
  it("`--until` alone titles the real window", async () => {
    const res = await runCli(["--until", "2026-11-01", "--no-store"], emu.env);
    expect(res.code).toBe(0);
    expect(res.stdout.split("\n")[0]).toBe("AI Coding Usage Leaderboard (2026-10-03 – 2026-11-01)");
    const md = await runCli(
      ["--until", "2026-11-01", "--days", "7", "--no-store", "--format", "markdown"],
      emu.env,
    );
    expect(md.stdout.split("\n")[0]).toBe("### AI Coding Usage Leaderboard (2026-10-26 – 2026-11-01)");
    const today = await runCli(["--until", "2026-11-24", "--days", "7", "--no-store"], emu.env);
    expect(today.stdout.split("\n")[0]).toBe("AI Coding Usage Leaderboard (Last 7 days)");
  });

  it("an --until after today is a usage error naming --until, before any request", async () => {
    const before = emu.anthropic.requests.length;
    const res = await runCli(["--until", "2027-01-01", "--no-store"], emu.env);
    expect(res.code).toBe(2);
    expect(res.stdout).toBe("");
    expect(res.stderr).toBe("ai-usage: --until 2027-01-01 is in the future (today is 2026-11-24, UTC)\n");
    expect(emu.anthropic.requests.length).toBe(before);
  });

  it("YYYYMMDD means the same as YYYY-MM-DD", async () => {
    const compact = await runCli(
      ["--since", "20261101", "--until", "20261107", "--no-store", "--json"],
      emu.env,
    );
    const dashed = await runCli(
      ["--since", "2026-11-01", "--until", "2026-11-07", "--no-store", "--json"],
      emu.env,
    );
    expect(compact.code).toBe(0);
    expect(compact.stdout).toBe(dashed.stdout);
    expect((JSON.parse(compact.stdout) as ReportJson).window).toEqual({
      since: "2026-11-01",
      until: "2026-11-07",
      days: 7,
    });
    const bad = await runCli(["--since", "20261301", "--no-store"], emu.env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe("ai-usage: --since expects a date as YYYY-MM-DD or YYYYMMDD, got '20261301'\n");
  });
});

describe("item 6: stdout says which platforms are not counted", () => {
  const RANGE = ["--since", "2026-11-01", "--until", "2026-11-07", "--no-store"];

  it("two of three failing: the leaderboard names both (table and Markdown), exit 0", async () => {
    const env = { ...emu.env, CURSOR_ADMIN_API_KEY: "crsr_wrong_key_123" };
    emu.openai.inject({ path: "/usage/", fault: { kind: "status", status: 403, message: "Missing scope" } });
    const res = await runCli(RANGE, env);
    expect(res.code).toBe(0);
    const tail = res.stdout.trimEnd().split("\n").slice(-2);
    expect(tail[0]).toMatch(/^! openai: HTTP 403: .*Missing scope.* — not counted$/);
    expect(tail[1]).toBe("! cursor: HTTP 401: Invalid API key — not counted");
    emu.openai.clearFaults();
    const md = await runCli([...RANGE, "--format", "markdown"], env);
    expect(md.stdout.trimEnd().split("\n").at(-1)).toBe(
      "- ! cursor: HTTP 401: Invalid API key — not counted",
    );
  });

  it("every platform failing: no 'No usage in this window', each failure named, exit 1", async () => {
    const res = await runCli(RANGE, {
      ...emu.env,
      ANTHROPIC_ADMIN_API_KEY: "sk-ant-admin01-nope",
      CLAUDE_ANALYTICS_API_KEY: "sk-ant-api01-nope",
      OPENAI_ORG_API_KEY: "sk-admin-nope",
      CODEX_ANALYTICS_API_KEY: "chatgpt-nope",
      CURSOR_ADMIN_API_KEY: "crsr_nope",
    });
    expect(res.code).toBe(1);
    expect(res.stdout).not.toContain("No usage in this window");
    expect(res.stdout).toContain("No usage to show: every platform failed.");
    expect(res.stdout.match(/^! (claude|claude-enterprise|openai|codex|cursor): HTTP 401: /gm)).toHaveLength(
      5,
    );
    expect(res.stdout.match(/ — not counted$/gm)).toHaveLength(5);
    expect(res.stdout).not.toMatch(/nope/);
  });
});

describe("items 7 and 9: piped output", () => {
  it("piped without COLUMNS nothing is cut", async () => {
    const res = await runCli(["--since", "2026-11-01", "--until", "2026-11-07", "--no-store"], {
      ...emu.env,
      COLUMNS: undefined,
    });
    expect(res.code).toBe(0);
    expect(res.stdout).not.toContain("…");
    for (const p of emu.org.people) {
      const active = res.stdout.includes(p.email.split("@")[0]!);
      if (active) expect(res.stdout).toContain(p.email);
    }
    expect(res.stdout).toContain("service-account:Nightly CI Agent");
  });

  it("CSV: every cost cell has the same 9-decimal shape", async () => {
    const res = await runCli(
      ["--since", "2026-11-01", "--until", "2026-11-07", "--no-store", "--format", "csv"],
      emu.env,
    );
    expect(res.code).toBe(0);
    const rows = res.stdout.trim().split("\n").slice(1);
    expect(rows.length).toBeGreaterThan(10);
    const costs = rows.map((r) => r.split(",").at(-3)!);
    for (const c of costs) expect(c).toMatch(/^\d+\.\d{9}$/);
    const platforms = new Set(rows.map((r) => r.split(",")[3]));
    expect(platforms).toEqual(new Set(["claude", "claude-enterprise", "openai", "codex", "cursor", "all"]));
  });
});

describe("item 10: plurals", () => {
  it("sync says '1 day' and '1 settled day'", async () => {
    const cwd = tempDir();
    const store = join(cwd, "h.db");
    const env = { ...emu.env, AI_USAGE_STORE: store };
    const first = await runCli(
      ["sync", "--since", "2026-11-01", "--until", "2026-11-01", "--platform", "claude"],
      env,
    );
    expect(first.stdout).toMatch(/^claude: fetched 1 day, \d+ rows?; 0 settled days already stored\n$/);
    const again = await runCli(
      ["sync", "--since", "2026-11-01", "--until", "2026-11-01", "--platform", "claude"],
      env,
    );
    expect(again.stdout).toBe("claude: fetched 0 days, 0 rows; 1 settled day already stored\n");
  });

  it("one unpriced model is 'model …: its'", async () => {
    const res = await runCli(["--demo", "--days", "30"]);
    expect(res.code).toBe(0);
    expect(res.stderr).toMatch(
      /^no list price for model gpt-oss-internal: its estimated cost counts as \$0 /m,
    );
  });
});

describe("item 14: .env through dotenv", () => {
  it("a garbage line and a multi-line value warn by line number and never block --demo", async () => {
    const cwd = tempDir();
    writeFileSync(
      join(cwd, ".env"),
      [
        "# settings",
        "this line is not a setting sk-secret-part",
        'CERT="-----BEGIN',
        "abc",
        '-----END"',
        "X=1",
      ].join("\n"),
    );
    const res = await runCli(["--demo", "--days", "2"], {}, { cwd });
    expect(res.code).toBe(0);
    expect(res.stderr).toContain(
      `ai-usage: warning: ${join(cwd, ".env")} line 2: not a NAME=value line; skipped\n`,
    );
    expect(res.stderr).not.toMatch(/line [345]/);
    expect(res.stderr + res.stdout).not.toContain("sk-secret-part");
  });

  it("keys from a .env with a multi-line value are read", async () => {
    const cwd = tempDir();
    writeFileSync(
      join(cwd, ".env"),
      `NOTE="two\nlines"\nCURSOR_ADMIN_API_KEY=${emu.env.CURSOR_ADMIN_API_KEY}\nCURSOR_ADMIN_BASE_URL=${emu.env.CURSOR_ADMIN_BASE_URL}\n`,
    );
    const res = await runCli(
      ["--since", "2026-11-01", "--until", "2026-11-02", "--no-store", "--json"],
      {},
      { cwd },
    );
    expect(res.code).toBe(0);
    const json = JSON.parse(res.stdout) as ReportJson;
    expect(json.platforms.find((p) => p.platform === "cursor")?.status).toBe("ok");
  });
});

describe("item 16: the demo looks like a real run", () => {
  it("one unpriced model, and the numbers follow the window", async () => {
    const a = await runCli(["--demo", "--until", "2026-11-20", "--json"]);
    const b = await runCli(["--demo", "--until", "2026-11-24", "--json"]);
    expect(a.code).toBe(0);
    const ja = JSON.parse(a.stdout) as ReportJson & { unpricedModels: string[] };
    const jb = JSON.parse(b.stdout) as ReportJson & { unpricedModels: string[] };
    expect(ja.unpricedModels).toEqual(["gpt-oss-internal"]);
    expect(ja.totals.requests).not.toBe(jb.totals.requests);
    expect(ja.users.map((u) => [u.user, u.requests])).not.toEqual(jb.users.map((u) => [u.user, u.requests]));
    // Nobody's whole cost is the unpriced model's $0.
    for (const u of [...ja.users, ...jb.users])
      if (u.requests > 0 && u.tokens > 0) expect(u.costUsd).toBeGreaterThan(0);
  });
});
