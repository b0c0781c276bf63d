import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EmulatorSet } from "../src/emulators/index.ts";
import { runCli, tempDir } from "./cli.ts";
import { golden, json, RANGE, startReportEmulators, WINDOW } from "./report-e2e.ts";

let emu: EmulatorSet;
beforeAll(async () => {
  emu = await startReportEmulators();
});
afterAll(() => emu.close());

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
    const report = await json(emu, [...RANGE, "--activity", "--by", "platform"]);
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
    await json(emu, RANGE);
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

  it("keeps activity in the store; days stored without it are fetched again once", async () => {
    const store = join(tempDir(), "history.db");
    const withStore = [...WINDOW, "--store", store, "--json"];
    const live = await json(emu, [...RANGE, "--activity"]);
    expect((await runCli(withStore, emu.env)).code).toBe(0);
    for (const s of [emu.anthropic, emu.openai, emu.codex, emu.cursor]) s.requests.length = 0;
    // The Cursor days were stored without activity: only they are fetched again, with it.
    const first = await json(emu, [...withStore, "--activity"]);
    expect(emu.anthropic.requests).toHaveLength(0);
    expect(emu.openai.requests).toHaveLength(0);
    expect(emu.cursor.requests.filter((r) => r.path === "/teams/daily-usage-data")).toHaveLength(1);
    expect(first.users).toEqual(live.users);
    expect(first.totals).toEqual(live.totals);
    for (const s of [emu.anthropic, emu.openai, emu.codex, emu.cursor]) s.requests.length = 0;
    const again = await runCli([...withStore, "--activity"], emu.env);
    expect(JSON.parse(again.stdout)).toEqual(first);
    expect([emu.anthropic, emu.openai, emu.codex, emu.cursor].map((s) => s.requests.length)).toEqual([
      0, 0, 0, 0,
    ]);
  });

  it("sync --activity stores it, so the report asks nothing more", async () => {
    const store = join(tempDir(), "history.db");
    const synced = await runCli(["sync", ...WINDOW, "--store", store, "--activity"], emu.env);
    expect(synced.code, synced.stderr).toBe(0);
    for (const s of [emu.anthropic, emu.openai, emu.codex, emu.cursor]) s.requests.length = 0;
    const report = await json(emu, [...WINDOW, "--store", store, "--activity"]);
    expect([emu.anthropic, emu.openai, emu.codex, emu.cursor].map((s) => s.requests.length)).toEqual([
      0, 0, 0, 0,
    ]);
    expect(report.totals).toEqual((await json(emu, [...RANGE, "--activity"])).totals);
  });
});
