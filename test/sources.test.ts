import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { EmulatorSet } from "../src/emulators/index.ts";
import { daysBetween } from "../src/usage/days.ts";
import { type ReportJson, runCli, tempDir } from "./cli.ts";
import { expectedSums } from "./matrix.ts";
import { closeAll, emulators, mark, storeIsConsistent } from "./store-helpers.ts";

/**
 * Sources v2: history is kept per organisation (a report reads only the sources of the keys in use),
 * and work is kept as it arrives (each completed batch is committed, so a failed or killed run keeps it).
 */

afterAll(closeAll);

const SINCE = "2026-11-10";
// Yesterday: today's last minute is left for the next run (Cursor), so a window ending today is not complete.
const UNTIL = "2026-11-23";
const WINDOW = ["--since", SINCE, "--until", UNTIL];

async function org(name: "a" | "b", seed: number): Promise<EmulatorSet> {
  return emulators({
    since: SINCE,
    until: UNTIL,
    seed,
    people: 6,
    domain: `${name}.example`,
    keys: {
      anthropic: `sk-ant-admin01-org-${name}`,
      openai: `sk-admin-org-${name}`,
      codex: `chatgpt-admin-org-${name}`,
      cursor: `crsr_org_${name}`,
    },
  });
}

/** Per platform requests and tokens of a JSON report, and the domains of its people. */
function summary(json: ReportJson) {
  const sums: Record<string, { requests: number; tokens: number }> = {};
  for (const u of json.users)
    for (const p of u.platforms) {
      sums[p.platform] ??= { requests: 0, tokens: 0 };
      sums[p.platform]!.requests += p.requests;
      sums[p.platform]!.tokens += p.tokens;
    }
  const domains = new Set(json.users.map((u) => u.user.split("@")[1] ?? "(no email)"));
  return { sums, domains };
}

describe("history per organisation", () => {
  it("two organisations and the demo in one HOME, alternating: every report is exactly its own organisation's", async () => {
    const [a, b] = await Promise.all([org("a", 11), org("b", 12)]);
    const home = tempDir();
    const run = async (env: Record<string, string>, extra: string[] = []) => {
      const res = await runCli([...WINDOW, "--json", ...extra], env, { cwd: home });
      expect(res.code, res.stderr).toBe(0);
      return JSON.parse(res.stdout) as ReportJson;
    };
    const check = (json: ReportJson, emu: EmulatorSet, domain: string) => {
      const { sums, domains } = summary(json);
      expect(sums).toEqual(expectedSums(emu.data));
      expect([...domains].filter((d) => d.endsWith(".example"))).toEqual([domain]);
    };

    check(await run(a.env), a, "a.example");
    check(await run(b.env), b, "b.example");
    const demo = await run({}, ["--demo"]);
    expect(demo.users.some((u) => u.user.endsWith(".example"))).toBe(false);
    // Warm runs: served from the store, still only their own organisation's people.
    const before = mark(a);
    check(await run(a.env), a, "a.example");
    expect(before.counts().anthropic).toBeLessThan(daysBetween(SINCE, UNTIL).length);
    check(await run(b.env), b, "b.example");
    const store = join(home, "data", "ai-usage", "history.db");
    expect(await storeIsConsistent(store)).toEqual([]);
  });
});

describe("work kept as it arrives", () => {
  it("a permanent failure on a late Cursor window keeps the earlier windows; the next run asks only for the rest", async () => {
    const since = "2026-08-27";
    const emu = await emulators({ since, until: UNTIL, people: 6 });
    const store = join(tempDir(), "h.db");
    const args = ["sync", "--since", since, "--until", UNTIL, "--platform", "cursor", "--store", store];
    // Windows: 08-27…09-25, 09-26…10-25, 10-26…11-23. The last one fails for good.
    const lastStart = Date.parse("2026-10-26T00:00:00Z");
    emu.cursor.inject({
      path: "/filtered-usage-events",
      when: (req) => (req.body as { startDate?: number })?.startDate === lastStart,
      fault: { kind: "status", status: 400, message: "Invalid date range" },
    });
    const failed = await runCli(args, emu.env);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/^cursor: error: HTTP 400: Invalid date range$/m);
    expect(failed.stderr).toMatch(
      /^cursor: 60 of 89 days fetched before the error are kept in the history store; the next run fetches only the rest$/m,
    );
    emu.cursor.clearFaults();

    const m = mark(emu);
    const again = await runCli(args, emu.env);
    expect(again.code).toBe(0);
    const asked = m.cursorRanges().map(([start]) => start!.slice(0, 10));
    expect(new Set(asked)).toEqual(new Set(["2026-10-26"]));
    const report = await runCli(
      ["--since", since, "--until", UNTIL, "--platform", "cursor", "--store", store, "--json"],
      emu.env,
    );
    expect(summary(JSON.parse(report.stdout) as ReportJson).sums.cursor).toEqual(
      expectedSums(emu.data).cursor,
    );
  });

  it("kill -9 half-way through a cold run at 150 ms latency: the next run makes about the other half of the requests, exactly", async () => {
    const since = "2026-10-06";
    const emu = await emulators({ since, until: UNTIL, people: 6, latencyMs: 150 });
    const store = join(tempDir(), "h.db");
    const window = ["--since", since, "--until", UNTIL, "--platform", "claude"];
    const days = daysBetween(since, UNTIL).length; // 50 Claude Code requests, one per day
    const m = mark(emu);
    const killed = await runCli(["sync", ...window, "--store", store], emu.env, {
      onSpawn: (child) => {
        const poll = setInterval(() => {
          if (child.exitCode !== null || child.signalCode !== null) clearInterval(poll);
          else if (m.counts().anthropic >= days / 2) {
            clearInterval(poll);
            child.kill("SIGKILL");
          }
        }, 5);
      },
    });
    expect(killed.signal).toBe("SIGKILL");
    const first = m.counts().anthropic;
    const m2 = mark(emu);
    const res = await runCli([...window, "--store", store, "--json"], emu.env);
    expect(res.code).toBe(0);
    const second = m2.counts().anthropic;
    // Days answered before the kill were committed one by one; at most the 4 in flight are asked again.
    expect(second).toBeLessThanOrEqual(days - first + 4);
    expect(second).toBeGreaterThanOrEqual(days - first);
    expect(summary(JSON.parse(res.stdout) as ReportJson).sums.claude).toEqual(expectedSums(emu.data).claude);
  });
});
