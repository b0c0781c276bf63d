import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { createClient } from "@libsql/client";
import { afterAll, describe, it } from "vitest";
import { MIGRATIONS, SCHEMA_VERSION } from "../src/store/migrations.ts";
import { fileUrl } from "../src/store/sqlite.ts";
import { daysBetween } from "../src/usage/days.ts";
import { platformSums, type ReportJson, runCli, tempDir } from "./cli.ts";
import {
  claudeSessions,
  closeAll,
  cursorExpected,
  emulators,
  expectNoKeys,
  mark,
  modeOf,
  noRequests,
  reportJson,
  revisingVendors,
  storeIsConsistent,
} from "./store-helpers.ts";

/**
 * The history store through the real CLI (spawned, clock pinned to 2026-11-24T12:00Z) against the
 * emulators: where it lives, which days a run fetches, replacement, sync, Cursor's 90-day lookback,
 * concurrent and killed runs, an old schema. Tests run concurrently, each with its own emulators
 * and store, so request counts belong to one test.
 */

const OLD = ["--since", "2026-11-01", "--until", "2026-11-07"];
const POSIX = process.platform !== "win32";
afterAll(closeAll);

describe.concurrent("history store, end to end", { timeout: 60_000 }, () => {
  it("lives at $XDG_DATA_HOME/ai-usage/history.db, private; AI_USAGE_STORE and --store move it; --no-store writes nothing", async ({
    expect,
  }) => {
    const emu = await emulators();
    const cwd = tempDir();
    expect((await runCli(OLD, emu.env, { cwd })).code).toBe(0);
    const file = join(cwd, "data", "ai-usage", "history.db");
    expect(existsSync(file)).toBe(true);
    if (POSIX) {
      expect(modeOf(join(cwd, "data", "ai-usage"))).toBe(0o700);
      expect(modeOf(file)).toBe(0o600);
      // The WAL files exist only while the store is open; SQLite gives them the file's mode.
      const db = createClient({ url: fileUrl(file) });
      await db.execute("SELECT count(*) FROM usage_rows");
      for (const f of [`${file}-wal`, `${file}-shm`]) expect(modeOf(f)).toBe(0o600);
      db.close();
    }
    // The second run reads that file: nothing is fetched again.
    const m = mark(emu);
    expect((await runCli(OLD, emu.env, { cwd })).code).toBe(0);
    expect(m.counts()).toEqual(noRequests);

    const cwd2 = tempDir();
    const chosen = join(cwd2, "elsewhere", "h.db");
    expect((await runCli(OLD, { ...emu.env, AI_USAGE_STORE: chosen }, { cwd: cwd2 })).code).toBe(0);
    expect(existsSync(chosen)).toBe(true);
    expect(existsSync(join(cwd2, "data"))).toBe(false);

    const cwd3 = tempDir();
    const unused = join(cwd3, "unused.db");
    const live = await runCli([...OLD, "--no-store"], { ...emu.env, AI_USAGE_STORE: unused }, { cwd: cwd3 });
    expect(live.code).toBe(0);
    expect(readdirSync(cwd3)).toEqual([]);
  });

  it("every dimension and format prints from the store what it prints live (summed windows or days)", async ({
    expect,
  }) => {
    const emu = await emulators();
    const store = join(tempDir(), "h.db");
    // The previous window of --compare is stored too.
    const synced = ["--since", "2026-10-25", "--until", "2026-11-07"];
    expect((await runCli(["sync", ...synced, "--store", store], emu.env)).code).toBe(0);
    const m = mark(emu);
    for (const args of [
      ["--json", "--compare"],
      ["--json", "--by", "model", "--activity"],
      ["--json", "--by", "team", "--sort", "tokens"],
      ["--format", "csv", "--by", "platform"],
      ["--json", "--by", "week"],
      ["--format", "markdown", "--by", "day", "--top", "3"],
    ]) {
      const stored = await runCli([...args, ...OLD, "--store", store], emu.env);
      const live = await runCli([...args, ...OLD, "--no-store"], emu.env);
      expect(stored.code, args.join(" ")).toBe(0);
      expect(stored.stdout, args.join(" ")).toBe(live.stdout);
    }
    // Only the live runs asked Claude for days: 7 each, and 7 more for the compared window.
    expect(m.claudeDays().length).toBe(6 * 7 + 7);
  });

  it("a second run over settled days makes no request at all and prints the same bytes", async ({
    expect,
  }) => {
    const emu = await emulators();
    const store = join(tempDir(), "h.db");
    const m = mark(emu);
    const first = await reportJson([...OLD, "--store", store], emu.env);
    expect(m.claudeDays()).toEqual(daysBetween("2026-11-01", "2026-11-07"));
    expect(m.openaiRanges()).toEqual([["2026-11-01", "2026-11-08"]]);
    expect(m.cursorRanges()).toEqual([["2026-11-01T00:00:00.000Z", "2026-11-07T23:59:59.999Z"]]);

    const m2 = mark(emu);
    const second = await reportJson([...OLD, "--store", store], emu.env);
    expect(m2.counts()).toEqual(noRequests);
    expect(second.stdout).toBe(first.stdout);
    expect((await reportJson([...OLD, "--no-store"], emu.env)).stdout).toBe(first.stdout);
    expect(
      (JSON.parse(first.stdout) as ReportJson).platforms.find((p) => p.platform === "cursor")?.excludedEvents,
    ).toBe(cursorExpected(emu, daysBetween("2026-11-01", "2026-11-07")).excluded);

    // --refresh asks for every day again and replaces them: still nothing counted twice.
    const m3 = mark(emu);
    const refreshed = await reportJson([...OLD, "--refresh", "--store", store], emu.env);
    expect(m3.claudeDays()).toEqual(daysBetween("2026-11-01", "2026-11-07"));
    expect(m3.openaiRanges()).toEqual([["2026-11-01", "2026-11-08"]]);
    expect(m3.cursorRanges()).toHaveLength(1);
    expect(refreshed.stdout).toBe(first.stdout);
    expectNoKeys(store, emu.env);
  });

  it("a window ending today re-fetches only the days not settled 48 h after they ended", async ({
    expect,
  }) => {
    const emu = await emulators();
    const store = join(tempDir(), "h.db");
    const args = ["--days", "7", "--store", store];
    const first = await reportJson(args, emu.env);
    const m = mark(emu);
    const second = await reportJson(args, emu.env);
    // At 2026-11-24T12:00 the 21st ended 60 h ago (settled); the 22nd only 36 h ago.
    expect(m.claudeDays()).toEqual(["2026-11-22", "2026-11-23", "2026-11-24"]);
    expect(m.openaiRanges()).toEqual([["2026-11-22", "2026-11-25"]]);
    // Cursor's window ends a minute before "now".
    expect(m.cursorRanges()).toEqual([["2026-11-22T00:00:00.000Z", "2026-11-24T11:59:00.000Z"]]);
    expect(second.stdout).toBe(first.stdout);
  });

  it("a day fetched one second before its 48 h mark is fetched again; at the mark it is settled", async ({
    expect,
  }) => {
    const emu = await emulators();
    const early = join(tempDir(), "h.db");
    const onTime = join(tempDir(), "h.db");
    const day = ["--since", "2026-11-21", "--until", "2026-11-21", "--platform", "claude"];
    await reportJson([...day, "--store", early], { ...emu.env, AI_USAGE_NOW: "2026-11-23T23:59:59Z" });
    await reportJson([...day, "--store", onTime], { ...emu.env, AI_USAGE_NOW: "2026-11-24T00:00:00Z" });
    const m = mark(emu);
    await reportJson([...day, "--store", early], emu.env);
    expect(m.claudeDays()).toEqual(["2026-11-21"]);
    const m2 = mark(emu);
    await reportJson([...day, "--store", onTime], emu.env);
    expect(m2.counts()).toEqual(noRequests);
  });

  it("a re-fetched day replaces what was stored: new figures only, settled days untouched", async ({
    expect,
  }) => {
    const before = await emulators({ seed: 1 });
    const after = await emulators({ seed: 2 });
    const vendors = await revisingVendors(before, after);
    const store = join(tempDir(), "h.db");
    const week = ["--days", "7", "--store", store];
    await reportJson(week, vendors.env);
    vendors.revise();
    await reportJson(week, vendors.env);
    // 22–24 were not settled: they now hold the new data only.
    const recent = ["--since", "2026-11-22", "--until", "2026-11-24"];
    const recentDays = daysBetween("2026-11-22", "2026-11-24");
    expect(claudeSessions(after, recentDays)).not.toBe(claudeSessions(before, recentDays));
    const recentNew = await reportJson([...recent, "--no-store"], after.env);
    expect((await reportJson([...recent, "--store", store], vendors.env)).stdout).toBe(recentNew.stdout);
    // 18–21 were settled: read from the store, still the first data, nothing asked of the new vendors.
    const settled = ["--since", "2026-11-18", "--until", "2026-11-21"];
    const m = mark(after);
    const kept = await reportJson([...settled, "--store", store], vendors.env);
    expect(m.counts()).toEqual(noRequests);
    expect(kept.stdout).toBe((await reportJson([...settled, "--no-store"], before.env)).stdout);
    await vendors.close();
  });

  it("sync prints one line per platform, and a report after it fetches nothing", async ({ expect }) => {
    const emu = await emulators();
    const store = join(tempDir(), "h.db");
    const sync = ["sync", "--days", "7", "--until", "2026-11-07", "--store", store];
    const res = await runCli(sync, emu.env);
    expect(res.code).toBe(0);
    const db = createClient({ url: fileUrl(store) });
    const stored = await db.execute("SELECT platform, count(*) AS n FROM usage_rows GROUP BY platform");
    db.close();
    const rows = Object.fromEntries(stored.rows.map((r) => [String(r.platform), Number(r.n)]));
    expect(res.stdout).toBe(
      ["claude", "claude-enterprise", "openai", "codex", "cursor", "copilot"]
        .map((p) =>
          p === "claude-enterprise"
            ? `${p}: skipped: CLAUDE_ANALYTICS_API_KEY is not set\n`
            : p === "copilot"
              ? `${p}: skipped: COPILOT_METRICS_TOKEN is not set\n`
              : `${p}: fetched 7 days, ${rows[p]} rows; 0 settled days already stored\n`,
        )
        .join(""),
    );
    expect(rows.claude).toBeGreaterThan(0);

    const m = mark(emu);
    const report = await reportJson([...OLD, "--store", store], emu.env);
    expect(m.counts()).toEqual(noRequests);
    expect(report.stdout).toBe((await reportJson([...OLD, "--no-store"], emu.env)).stdout);
    const m2 = mark(emu);
    const again = await runCli(sync, emu.env);
    expect(again.stdout).toBe(
      ["claude", "claude-enterprise", "openai", "codex", "cursor", "copilot"]
        .map((p) =>
          p === "claude-enterprise"
            ? `${p}: skipped: CLAUDE_ANALYTICS_API_KEY is not set\n`
            : p === "copilot"
              ? `${p}: skipped: COPILOT_METRICS_TOKEN is not set\n`
              : `${p}: fetched 0 days, 0 rows; 7 settled days already stored\n`,
        )
        .join(""),
    );
    expect(m2.counts()).toEqual(noRequests);
    expectNoKeys(store, emu.env);
  });

  it("serves Cursor days beyond its 90-day lookback from the store and names the days it cannot", async ({
    expect,
  }) => {
    const emu = await emulators({ since: "2026-08-10", until: "2026-11-24", people: 5 });
    const store = join(tempDir(), "h.db");
    const cursorOnly = ["--platform", "cursor"];
    const synced = await runCli(
      ["sync", "--since", "2026-08-10", "--until", "2026-08-14", ...cursorOnly, "--store", store],
      {
        ...emu.env,
        AI_USAGE_NOW: "2026-08-15T12:00:00Z",
      },
    );
    expect(synced.code).toBe(0);

    // Three months later the API reaches back to 2026-08-27 only.
    const limit = "cursor: the live API reaches back 90 days (to 2026-08-27)";
    const early = ["--since", "2026-08-10", "--until", "2026-08-14", ...cursorOnly];
    const m = mark(emu);
    const fromStore = await reportJson([...early, "--store", store], emu.env);
    expect(m.counts()).toEqual(noRequests);
    expect(fromStore.stderr).toBe(`${limit}; the 5 older days come from the history store\n`);
    const json = JSON.parse(fromStore.stdout) as ReportJson;
    const want = cursorExpected(emu, daysBetween("2026-08-10", "2026-08-14"));
    expect(platformSums(json, "cursor")).toEqual({ requests: want.requests, tokens: want.tokens });
    expect(json.platforms[0]!.excludedEvents).toBe(want.excluded);
    expect(want.requests).toBeGreaterThan(0);

    const live = await reportJson([...early, "--no-store"], emu.env);
    expect(live.stderr).toBe(
      `${limit}; the 5 older days (2026-08-10 – 2026-08-14) are not counted with --no-store\n`,
    );
    expect((JSON.parse(live.stdout) as ReportJson).users).toEqual([]);

    const m2 = mark(emu);
    const partly = await reportJson(
      ["--since", "2026-08-10", "--until", "2026-08-31", ...cursorOnly, "--store", store],
      emu.env,
    );
    expect(partly.stderr).toBe(
      `${limit}; 12 of the 17 older days (2026-08-15 – 2026-08-26) are not in the history store and are not counted\n`,
    );
    expect(m2.cursorRanges()).toEqual([["2026-08-27T00:00:00.000Z", "2026-08-31T23:59:59.999Z"]]);
    const counted = [...daysBetween("2026-08-10", "2026-08-14"), ...daysBetween("2026-08-27", "2026-08-31")];
    const wantPartly = cursorExpected(emu, counted);
    expect(platformSums(JSON.parse(partly.stdout) as ReportJson, "cursor")).toEqual({
      requests: wantPartly.requests,
      tokens: wantPartly.tokens,
    });
  });

  it("runs at once on one store all succeed and count nothing twice", async ({ expect }) => {
    const emu = await emulators();
    const store = join(tempDir(), "h.db");
    const window = ["--days", "14", "--store", store];
    const runs = await Promise.all([
      runCli(["sync", ...window], emu.env),
      runCli(["sync", "--refresh", ...window], emu.env),
      runCli([...window, "--json"], emu.env),
      runCli([...window, "--refresh", "--json"], emu.env),
    ]);
    for (const r of runs) expect(r, r.stderr).toMatchObject({ code: 0 });
    const live = await reportJson(["--days", "14", "--no-store"], emu.env);
    expect(runs[2]!.stdout).toBe(live.stdout);
    expect(runs[3]!.stdout).toBe(live.stdout);
    expect((await reportJson(window, emu.env)).stdout).toBe(live.stdout);
    expect(await storeIsConsistent(store)).toEqual([]);
    expectNoKeys(store, emu.env);
  });

  it("a sync killed with SIGKILL at any moment leaves a store that gives exact totals", async ({
    expect,
  }) => {
    const emu = await emulators({ since: "2026-09-26", until: "2026-11-24", people: 12, latencyMs: 20 });
    const store = join(tempDir(), "h.db");
    const window = ["--since", "2026-09-26", "--until", "2026-11-24"];
    const live = await reportJson([...window, "--no-store"], emu.env);
    const claudeRequests = daysBetween("2026-09-26", "2026-11-24").length;
    // early: during start-up, migration or the first requests; middle: half the Claude days in;
    // late: every Claude day answered, so its rows are being written.
    const rounds = [
      { args: [], whenClaude: undefined, delayMs: 300 + Math.random() * 600 },
      { args: ["--refresh"], whenClaude: Math.floor(claudeRequests / 2), delayMs: Math.random() * 40 },
      { args: ["--refresh"], whenClaude: claudeRequests, delayMs: Math.random() * 60 },
    ];
    let killed = 0;
    for (const round of rounds) {
      const m = mark(emu);
      const res = await runCli(["sync", ...window, ...round.args, "--store", store], emu.env, {
        onSpawn: (child) => {
          const kill = () => setTimeout(() => child.kill("SIGKILL"), round.delayMs);
          if (round.whenClaude === undefined) return void kill();
          const poll = setInterval(() => {
            if (child.exitCode !== null || child.signalCode !== null) clearInterval(poll);
            else if (m.counts().anthropic >= round.whenClaude) {
              clearInterval(poll);
              kill();
            }
          }, 2);
        },
      });
      if (res.signal === "SIGKILL") killed++;
      expect(await storeIsConsistent(store)).toEqual([]);
      const after = await reportJson([...window, "--store", store], emu.env);
      expect(after.stdout).toBe(live.stdout);
    }
    // The rounds are timed to hit a running sync; at least the first two must have.
    expect(killed).toBeGreaterThanOrEqual(2);
  });

  it("upgrades a store of an older schema: unattributable rows are set aside, said once, and fetched again", async ({
    expect,
  }) => {
    const emu = await emulators();
    const store = join(tempDir(), "h.db");
    const old = createClient({ url: fileUrl(store) });
    for (const sql of MIGRATIONS[0]!.statements) await old.execute(sql);
    await old.execute("PRAGMA user_version = 1");
    await old.execute(
      "INSERT INTO usage_rows VALUES ('claude', '2026-11-01', 'legacy@example.com', 'legacy@example.com', 'claude-sonnet-4-5', 3, 100, 50, 7, 0, 1230000000, 0)",
    );
    await old.execute(
      `INSERT INTO fetched_days VALUES ('claude', '2026-11-01', ${Date.parse("2026-11-05T00:00:00Z")})`,
    );
    old.close();

    const m = mark(emu);
    const args = ["--since", "2026-11-01", "--until", "2026-11-02", "--platform", "claude", "--store", store];
    const res = await reportJson(args, emu.env);
    const json = JSON.parse(res.stdout) as ReportJson;
    // The old rows belong to no known organisation: both days are asked for again, the old row is not counted.
    expect(res.stderr).toMatch(
      /^history store: history stored before per-organisation keeping \(claude 1 day\)/m,
    );
    expect(m.claudeDays()).toEqual(["2026-11-01", "2026-11-02"]);
    expect(json.users.find((u) => u.user === "legacy@example.com")).toBeUndefined();
    expect(json.totals.requests).toBe(claudeSessions(emu, ["2026-11-01", "2026-11-02"]));
    const again = await reportJson(args, emu.env);
    expect(again.stderr).not.toMatch(/per-organisation/);

    const db = createClient({ url: fileUrl(store) });
    expect((await db.execute("PRAGMA user_version")).rows[0]![0]).toBe(SCHEMA_VERSION);
    const days = await db.execute("SELECT day, row_count FROM fetched_days ORDER BY day");
    db.close();
    expect(days.rows.map((r) => r.day)).toEqual(["2026-11-01", "2026-11-02"]);
    expect(await storeIsConsistent(store)).toEqual([]);
  });
});
