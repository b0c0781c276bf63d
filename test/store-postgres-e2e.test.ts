import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EmulatorSet } from "../src/emulators/index.ts";
import { daysBetween } from "../src/usage/days.ts";
import { type ReportJson, type RunOptions, runCli, tempDir } from "./cli.ts";
import { expectedSums } from "./matrix.ts";
import { NO_PG, type PgServer, pgBinDir, SECRET_PASSWORD, SECRET_ROLE, startPg } from "./pg-server.ts";
import {
  claudeSessions,
  closeAll,
  cursorExpected,
  emulators,
  mark,
  noRequests,
  reportJson,
} from "./store-helpers.ts";

/**
 * The history store on a real PostgreSQL server through the spawned CLI, against the emulators
 * (clock pinned to 2026-11-24T12:00Z): cold, warm, a longer window, --refresh, --no-store, runs at
 * once, kill -9, two organisations in one database, and `store copy`. Totals come from the
 * emulators' records or from the same CLI run live (--no-store), never from the store's code.
 */

const hasPg = pgBinDir() !== null;
if (!hasPg) console.warn(NO_PG);
let pg: PgServer;
beforeAll(async () => {
  if (hasPg) pg = await startPg();
});
afterAll(async () => {
  await closeAll();
  await pg?.stop();
});

const OLD = ["--since", "2026-11-01", "--until", "2026-11-07"];
/** The store is what is tested: the three platforms whose emulators these scenarios were written for. */
const withPlatforms = (args: string[]) =>
  args.includes("--platform") || args[0] === "store" ? args : [...args, "--platform", "claude,openai,cursor"];
const cli = (args: string[], env: Record<string, string>, options?: RunOptions) =>
  runCli(withPlatforms(args), env, options);
const report = (args: string[], env: Record<string, string>) => reportJson(withPlatforms(args), env);
const dbOf = (url: string) => new URL(url).pathname.slice(1);
/** A new database, reached as the password-protected role. */
async function secretDb(): Promise<string> {
  const db = dbOf(await pg.createDatabase());
  return `postgres://${SECRET_ROLE}:${encodeURIComponent(SECRET_PASSWORD)}@127.0.0.1:${pg.port}/${db}?sslmode=disable`;
}

/** Every fetch record's row count matches the rows it holds, and no row lacks a fetch record. */
async function consistent(url: string): Promise<string[]> {
  const sql = pg.admin(dbOf(url));
  const problems: string[] = [];
  const counts = await sql`SELECT f.platform, f.org, f.day::text AS day, f.row_count,
    (SELECT count(*)::int FROM ai_usage_rows u WHERE (u.platform, u.org, u.day) = (f.platform, f.org, f.day)) AS actual
    FROM ai_usage_fetched_days f`;
  for (const r of counts)
    if (r.row_count !== r.actual)
      problems.push(`${r.platform} ${r.day}: recorded ${r.row_count}, holds ${r.actual}`);
  const orphans = await sql`SELECT DISTINCT platform, day::text AS day FROM ai_usage_rows u WHERE NOT EXISTS
    (SELECT 1 FROM ai_usage_fetched_days f WHERE (f.platform, f.org, f.day) = (u.platform, u.org, u.day))`;
  for (const r of orphans) problems.push(`${r.platform} ${r.day}: rows without a fetch record`);
  return problems;
}

/** No API key in any stored value. */
async function expectNoKeysIn(url: string, env: Record<string, string>) {
  const sql = pg.admin(dbOf(url));
  const dump = (
    await sql`SELECT string_agg(t::text, ' ') AS s FROM (SELECT r::text AS t FROM ai_usage_rows r
      UNION ALL SELECT f::text FROM ai_usage_fetched_days f UNION ALL SELECT c::text FROM ai_usage_cache c) x`
  )[0]!.s as string;
  expect(dump.length).toBeGreaterThan(100);
  for (const [name, value] of Object.entries(env))
    if (name.endsWith("_KEY")) expect(dump).not.toContain(value);
}

const noSecret = (text: string) => {
  expect(text).not.toContain(SECRET_PASSWORD);
  expect(text).not.toContain(encodeURIComponent(SECRET_PASSWORD));
};

describe.skipIf(!hasPg)("PostgreSQL history store, end to end", { timeout: 120_000 }, () => {
  it("cold, warm with no requests, a longer window, --refresh: exact, nothing twice, no password shown", async () => {
    const emu = await emulators();
    const store = await secretDb();
    const live = await report([...OLD, "--no-store"], emu.env);
    const cold = await report([...OLD, "--store", store, "--verbose"], emu.env);
    expect(cold.stdout).toBe(live.stdout);
    noSecret(cold.stdout + cold.stderr);
    const json = JSON.parse(cold.stdout) as ReportJson;
    const days = daysBetween("2026-11-01", "2026-11-07");
    expect(json.totals.requests).toBe(
      claudeSessions(emu, days) + cursorExpected(emu, days).requests + openaiRequests(emu, days),
    );

    const warm = mark(emu);
    const again = await report([...OLD, "--verbose"], { ...emu.env, AI_USAGE_STORE: store });
    expect(warm.counts()).toEqual(noRequests);
    expect(again.stdout).toBe(live.stdout);
    noSecret(again.stderr);

    const longer = ["--since", "2026-11-01", "--until", "2026-11-10"];
    const ext = mark(emu);
    const extended = await report([...longer, "--store", store], emu.env);
    expect(ext.claudeDays()).toEqual(daysBetween("2026-11-08", "2026-11-10"));
    expect(ext.openaiRanges()).toEqual([["2026-11-08", "2026-11-11"]]);
    expect(extended.stdout).toBe((await report([...longer, "--no-store"], emu.env)).stdout);

    const re = mark(emu);
    const refreshed = await report([...longer, "--refresh", "--store", store], emu.env);
    expect(re.claudeDays()).toEqual(daysBetween("2026-11-01", "2026-11-10"));
    expect(refreshed.stdout).toBe(extended.stdout);
    expect(await consistent(store)).toEqual([]);
    await expectNoKeysIn(store, emu.env);
  });

  it("--no-store never connects; a store that cannot be reached is one line, exit 2, without the password", async () => {
    const emu = await emulators();
    const dead = `postgres://someone:${encodeURIComponent(SECRET_PASSWORD)}@127.0.0.1:1/nowhere`;
    const live = await cli([...OLD, "--no-store", "--json"], { ...emu.env, AI_USAGE_STORE: dead });
    expect(live.code).toBe(0);
    const refused = await cli([...OLD, "--json", "--verbose"], { ...emu.env, AI_USAGE_STORE: dead });
    expect(refused.code).toBe(2);
    expect(refused.stdout).toBe("");
    expect(refused.stderr).toMatch(/connection refused/);
    expect(
      refused.stderr
        .trim()
        .split("\n")
        .filter((l) => /refused/.test(l)),
    ).toHaveLength(1);
    noSecret(refused.stderr);
    const wrong = await secretDb();
    const bad = await cli(
      [...OLD, "--store", wrong.replace(encodeURIComponent(SECRET_PASSWORD), "not-it-123")],
      emu.env,
    );
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/password authentication failed/);
    expect(bad.stderr).not.toContain("not-it-123");
  });

  it("syncs and reports from several processes at once: all succeed, nothing counted twice", async () => {
    const emu = await emulators();
    const store = await secretDb();
    const window = ["--days", "14", "--store", store];
    const runs = await Promise.all([
      cli(["sync", ...window], emu.env),
      cli(["sync", "--refresh", ...window], emu.env),
      cli([...window, "--json"], emu.env),
      cli([...window, "--refresh", "--json"], emu.env),
    ]);
    for (const r of runs) expect(r, r.stderr).toMatchObject({ code: 0 });
    const live = await report(["--days", "14", "--no-store"], emu.env);
    expect(runs[2]!.stdout).toBe(live.stdout);
    expect(runs[3]!.stdout).toBe(live.stdout);
    expect((await report(window, emu.env)).stdout).toBe(live.stdout);
    expect(await consistent(store)).toEqual([]);
  });

  it("a sync killed with SIGKILL keeps what it committed; the next run fetches only the rest and is exact", async () => {
    const emu = await emulators({ since: "2026-09-26", until: "2026-11-24", people: 12, latencyMs: 20 });
    const store = await secretDb();
    // Every day of the window is settled when fetched, so what is stored is never fetched again.
    // Cursor left out: the killed run's requests count against its rate limit for a minute.
    const window = ["--since", "2026-09-26", "--until", "2026-11-20", "--platform", "claude,openai"];
    const all = daysBetween("2026-09-26", "2026-11-20");
    const live = await report([...window, "--no-store"], emu.env);
    const m = mark(emu);
    const res = await cli(["sync", ...window, "--store", store], emu.env, {
      onSpawn: (child) => {
        const poll = setInterval(() => {
          if (child.exitCode !== null || child.signalCode !== null) clearInterval(poll);
          else if (m.counts().anthropic >= all.length / 2) {
            clearInterval(poll);
            child.kill("SIGKILL");
          }
        }, 2);
      },
    });
    expect(res.signal).toBe("SIGKILL");
    expect(await consistent(store)).toEqual([]);
    const kept = (
      await pg.admin(
        dbOf(store),
      )`SELECT day::text AS day FROM ai_usage_fetched_days WHERE platform = 'claude'`
    ).map((r) => String(r.day));
    expect(kept.length).toBeLessThan(all.length);

    const next = mark(emu);
    const after = await report([...window, "--store", store], emu.env);
    expect(next.claudeDays()).toEqual(all.filter((d) => !kept.includes(d)));
    expect(after.stdout).toBe(live.stdout);
    expect(await consistent(store)).toEqual([]);
  });

  it("two organisations in one database: each report is exactly its own organisation's", async () => {
    const org = (name: string, seed: number) =>
      emulators({
        since: "2026-11-10",
        until: "2026-11-21",
        seed,
        people: 6,
        domain: `${name}.example`,
        keys: {
          anthropic: `sk-ant-admin01-org-${name}`,
          openai: `sk-admin-org-${name}`,
          cursor: `crsr_org_${name}`,
        },
      });
    const [a, b] = await Promise.all([org("a", 11), org("b", 12)]);
    const store = await secretDb();
    // Settled days only (the 21st ended 60 h before the pinned clock), so a warm run asks for nothing.
    const window = ["--since", "2026-11-10", "--until", "2026-11-21", "--store", store];
    const sums = (json: ReportJson) => {
      const out: Record<string, { requests: number; tokens: number }> = {};
      for (const u of json.users)
        for (const p of u.platforms) {
          out[p.platform] ??= { requests: 0, tokens: 0 };
          out[p.platform]!.requests += p.requests;
          out[p.platform]!.tokens += p.tokens;
        }
      return out;
    };
    for (const round of [1, 2])
      for (const [emu, domain] of [
        [a, "a.example"],
        [b, "b.example"],
      ] as [EmulatorSet, string][]) {
        const m = mark(emu);
        const json = JSON.parse((await report(window, emu.env)).stdout) as ReportJson;
        const want = expectedSums(emu.data);
        expect(sums(json)).toEqual({ claude: want.claude, openai: want.openai, cursor: want.cursor });
        expect(
          new Set(json.users.map((u) => u.user.split("@")[1]).filter((d) => d?.endsWith(".example"))),
        ).toEqual(new Set([domain]));
        if (round === 2) expect(m.counts()).toEqual(noRequests);
      }
    const orgs = await pg.admin(dbOf(store))`SELECT DISTINCT platform, org FROM ai_usage_fetched_days`;
    expect(orgs).toHaveLength(6);
  });

  it("store copy moves an SQLite history into PostgreSQL and back, idempotently", async () => {
    const emu = await emulators();
    const file = join(tempDir(), "history.db");
    const first = await report([...OLD, "--store", file], emu.env);
    const store = await secretDb();
    const copy = await runCli(["store", "copy", file, store], {});
    expect(copy.code, copy.stderr).toBe(0);
    expect(copy.stdout).toMatch(/^claude \S+: copied 7 days, \d+ rows$/m);
    noSecret(copy.stdout + copy.stderr);
    const m = mark(emu);
    expect((await report([...OLD, "--store", store], emu.env)).stdout).toBe(first.stdout);
    expect(m.counts()).toEqual(noRequests);

    const twice = await runCli(["store", "copy", file, store], {});
    expect(twice.stdout).toMatch(/^claude \S+: copied 0 days, 0 rows; 7 days kept/m);
    const back = join(tempDir(), "back.db");
    expect((await runCli(["store", "copy", store, back], {})).code).toBe(0);
    expect((await report([...OLD, "--store", back], emu.env)).stdout).toBe(first.stdout);
    expect(m.counts()).toEqual(noRequests);
    expect(await consistent(store)).toEqual([]);

    const same = await runCli(["store", "copy", file, file], {});
    expect([same.code, same.stderr]).toEqual([2, "ai-usage: store copy: FROM and TO are the same store\n"]);
    const missing = await runCli(["store", "copy", join(tempDir(), "none.db"), store], {});
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^ai-usage: store copy: no history store at /);
  });
});

/** OpenAI requests the emulator serves for `days`. */
function openaiRequests(emu: EmulatorSet, days: readonly string[]): number {
  return emu.data.openai.results
    .filter((r) => days.includes(r.day))
    .reduce((n, r) => n + r.result.num_model_requests, 0);
}
