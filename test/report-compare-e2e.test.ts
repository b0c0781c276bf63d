import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EmulatorSet } from "../src/emulators/index.ts";
import { runCli, tempDir } from "./cli.ts";
import {
  type GroupJson,
  golden,
  json,
  PREVIOUS,
  RANGE,
  startReportEmulators,
  sumBy,
  WINDOW,
} from "./report-e2e.ts";

let emu: EmulatorSet;
beforeAll(async () => {
  emu = await startReportEmulators();
});
afterAll(() => emu.close());

describe("--compare against the emulators", () => {
  it("adds the previous window, per row and in totals (golden table)", async () => {
    const report = await json(emu, [...RANGE, "--compare", "--by", "platform"]);
    expect(report.previousWindow).toEqual({ since: "2026-10-25", until: "2026-10-31", days: 7 });
    const before = sumBy(PREVIOUS(emu), (f) => f.platform);
    for (const g of report.groups)
      expect({ requests: g.previous!.requests, tokens: g.previous!.tokens }, g.key).toEqual(
        before.get(g.key),
      );
    const all = PREVIOUS(emu).reduce(
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
    for (const s of [emu.anthropic, emu.openai, emu.codex, emu.cursor]) s.requests.length = 0;
    const second = await runCli(args, emu.env);
    expect(second.code, second.stderr).toBe(0);
    // The figures are the same; platform notes are left out of the comparison (Codex says its note
    // only when it fetched live).
    const figures = (out: string) => {
      const { platforms: _, ...rest } = JSON.parse(out) as Record<string, unknown>;
      return rest;
    };
    expect(figures(second.stdout)).toEqual(figures(first.stdout));
    expect([emu.anthropic, emu.openai, emu.codex, emu.cursor].map((s) => s.requests.length)).toEqual([
      0, 0, 0, 0,
    ]);
  });
});

describe("--compare when a platform fails", () => {
  it("compares only platforms that delivered this window, and says when a previous period failed", async () => {
    // This window's Cursor requests fail (their startDate is 2026-11-01); the previous one's would not.
    const startOfWindow = Date.parse("2026-11-01T00:00:00Z");
    const startDate = (req: { body: unknown }) => (req.body as { startDate?: number })?.startDate ?? 0;
    emu.cursor.inject({
      fault: { kind: "status", status: 401 },
      when: (req) => startDate(req) >= startOfWindow,
    });
    let bad: Awaited<ReturnType<typeof json>>;
    try {
      const res = await runCli([...RANGE, "--compare", "--by", "platform", "--json"], emu.env);
      expect(res.code).toBe(0);
      bad = JSON.parse(res.stdout);
    } finally {
      emu.cursor.clearFaults();
    }
    expect(bad.groups.map((g) => g.key).sort()).toEqual(["claude", "codex", "openai"]);
    expect(bad.totals.previous!.requests).toBe(
      PREVIOUS(emu)
        .filter((f) => f.platform !== "cursor")
        .reduce((s, f) => s + f.requests, 0),
    );

    // The previous window's Cursor requests fail.
    emu.cursor.inject({
      fault: { kind: "status", status: 401 },
      when: (req) => startDate(req) < startOfWindow,
    });
    try {
      const report = await json(emu, [...RANGE, "--compare", "--by", "platform"]);
      expect(report.notes).toEqual([
        "the previous period of cursor could not be read, so its change is overstated",
      ]);
      const cursor = report.groups.find((g) => g.key === "cursor")!;
      expect(cursor.previous).toEqual({ requests: 0, tokens: 0, costUsd: 0 });
    } finally {
      emu.cursor.clearFaults();
    }
  });
});

describe("--demo", () => {
  it("shows teams from the demo's teams file (and Copilot's for the others), the same window with or without --compare", async () => {
    const teams = await runCli(["--demo", "--days", "7", "--by", "team", "--json"]);
    expect(teams.code, teams.stderr).toBe(0);
    const report = JSON.parse(teams.stdout) as GroupJson & { notes: string[] };
    // The file's four teams, plus the Copilot emulator's teams at its threshold for people the file leaves out.
    expect(report.groups.map((g) => g.key).sort()).toEqual([
      "(no team)",
      "Data",
      "Mobile",
      "Payments",
      "Web",
      "platform",
      "product",
      "security",
    ]);
    expect(report.notes).toHaveLength(1);
    expect(report.notes[0]).toMatch(/^\d+ (person is|people are) in more than one team/);

    const plain = JSON.parse((await runCli(["--demo", "--days", "7", "--json"])).stdout) as GroupJson;
    const compared = JSON.parse(
      (await runCli(["--demo", "--days", "7", "--compare", "--json"])).stdout,
    ) as GroupJson;
    expect(compared.totals.requests).toBe(plain.totals.requests);
    expect(compared.totals.tokens).toBe(plain.totals.tokens);
    expect(compared.totals.previous!.requests).toBeGreaterThan(0);
  });
});
