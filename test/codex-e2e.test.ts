import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { type EmulatorSet, startEmulators } from "../src/emulators/index.ts";
import { NOW, type ReportJson, runCli, tempDir } from "./cli.ts";

/**
 * Codex through the real CLI, spawned, against the emulator set: seat usage added to the same
 * person's API-key usage, its settings checked up front, its 90-day reach, and the demo.
 */

const sets: EmulatorSet[] = [];
afterAll(() => Promise.all(sets.map((s) => s.close())));

async function emulators(since: string, until: string, now: () => Date, people = 12) {
  const set = await startEmulators({ since, until, seed: 7, people, now });
  sets.push(set);
  return set;
}
const codexRequests = (emu: EmulatorSet) => emu.codex.requests.filter((r) => r.path.endsWith("/usage"));

describe("codex end to end", () => {
  it("adds a person's Codex seat turns to their OpenAI API requests, never counting either twice", async () => {
    const emu = await emulators("2026-11-01", "2026-11-07", () => new Date(NOW));
    const res = await runCli(
      [
        "--since",
        "2026-11-01",
        "--until",
        "2026-11-07",
        "--no-store",
        "--platform",
        "openai,codex",
        "--json",
      ],
      emu.env,
    );
    expect(res.code, res.stderr).toBe(0);
    const json = JSON.parse(res.stdout) as ReportJson;

    // From the emulators' records: OpenAI requests per listed email, Codex turns per shown email.
    const openaiByEmail = new Map<string, number>();
    const emailOfId = new Map(
      emu.data.openai.users.filter((u) => u.email).map((u) => [u.id, u.email!.toLowerCase()]),
    );
    for (const { result } of emu.data.openai.results) {
      const email = result.user_id ? emailOfId.get(result.user_id) : undefined;
      if (email) openaiByEmail.set(email, (openaiByEmail.get(email) ?? 0) + result.num_model_requests);
    }
    const codexByEmail = new Map<string, number>();
    const codexUsers = new Map(emu.data.codex.users.map((u) => [u.userId, u]));
    for (const r of emu.data.codex.records) {
      const user = codexUsers.get(r.userId)!;
      if (user.emailIn === "none" || !user.email) continue;
      const email = user.email.toLowerCase();
      codexByEmail.set(email, (codexByEmail.get(email) ?? 0) + r.turns);
    }
    const both = [...codexByEmail.keys()].filter((e) => openaiByEmail.has(e));
    expect(both.length).toBeGreaterThan(1);
    for (const email of both) {
      const user = json.users.find((u) => u.user === email)!;
      expect(user.platforms.map((p) => p.platform).sort()).toEqual(["codex", "openai"]);
      const of = (id: string) => user.platforms.find((p) => p.platform === id)!;
      expect(of("openai").requests).toBe(openaiByEmail.get(email));
      expect(of("codex").requests).toBe(codexByEmail.get(email));
      expect(user.requests).toBe(openaiByEmail.get(email)! + codexByEmail.get(email)!);
      expect(user.tokens).toBe(of("openai").tokens + of("codex").tokens);
    }
    // Nothing dropped, nothing doubled: the totals are the two vendors' records added up.
    const openaiAll = emu.data.openai.results.reduce((n, r) => n + r.result.num_model_requests, 0);
    const codexAll = emu.data.codex.records.reduce((n, r) => n + r.turns, 0);
    expect(json.totals.requests).toBe(openaiAll + codexAll);
    // Seven days are one window: one request, one page.
    expect(codexRequests(emu)).toHaveLength(1);
    expect(res.stderr).toContain("codex: requests are Codex turns");
  });

  it("a key without CODEX_WORKSPACE_ID, or an unreadable credit price, is a usage error naming it", async () => {
    const emu = await emulators("2026-11-01", "2026-11-07", () => new Date(NOW));
    const { CODEX_WORKSPACE_ID: _, ...noWorkspace } = emu.env;
    const missing = await runCli(["--days", "7", "--no-store"], noWorkspace);
    expect(missing.code).toBe(2);
    expect(missing.stdout).toBe("");
    expect(missing.stderr).toBe(
      "ai-usage: CODEX_ANALYTICS_API_KEY is set but CODEX_WORKSPACE_ID is not: codex needs it\n",
    );
    const price = await runCli(["--days", "7", "--no-store"], {
      ...emu.env,
      AI_USAGE_CODEX_CREDIT_USD: "4 cents",
    });
    expect(price.code).toBe(2);
    expect(price.stderr).toBe(
      "ai-usage: AI_USAGE_CODEX_CREDIT_USD must be a price in USD per Codex credit, like 0.04 (got '4 cents')\n",
    );
    expect(codexRequests(emu)).toHaveLength(0);
  });

  it("prices credits at AI_USAGE_CODEX_CREDIT_USD", async () => {
    const emu = await emulators("2026-11-01", "2026-11-07", () => new Date(NOW));
    const args = [
      "--since",
      "2026-11-01",
      "--until",
      "2026-11-07",
      "--no-store",
      "--platform",
      "codex",
      "--json",
    ];
    const res = await runCli(args, { ...emu.env, AI_USAGE_CODEX_CREDIT_USD: "0.05" });
    expect(res.code, res.stderr).toBe(0);
    const json = JSON.parse(res.stdout) as ReportJson;
    const micro = emu.data.codex.records.reduce((n, r) => n + r.microCredits, 0);
    // $0.05 a credit = 50 nano-dollars a micro-credit; the JSON is dollars, exact to the nano-dollar.
    expect(Math.round(json.totals.costUsd * 1e9)).toBe(micro * 50);
    expect(res.stderr).toContain("cost is estimated at $0.05 a credit (AI_USAGE_CODEX_CREDIT_USD)");
  });

  it("days older than the API's 90 come from the store, and the missing ones are named", async () => {
    let clock = "2026-08-20T12:00:00Z";
    const emu = await emulators("2026-08-01", "2026-08-31", () => new Date(clock), 6);
    const store = join(tempDir(), "h.db");
    const early = await runCli(
      ["sync", "--since", "2026-08-01", "--until", "2026-08-10", "--platform", "codex", "--store", store],
      { ...emu.env, AI_USAGE_NOW: clock },
    );
    expect(early.code, early.stderr).toBe(0);

    // Three months later the API reaches back to 2026-08-27 only.
    clock = NOW;
    const before = codexRequests(emu).length;
    const args = ["--since", "2026-08-01", "--until", "2026-08-31", "--platform", "codex", "--json"];
    const res = await runCli([...args, "--store", store], emu.env);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stderr).toContain(
      "codex: the live API reaches back 90 days (to 2026-08-27); 16 of the 26 older days (2026-08-11 – 2026-08-26) are not in the history store and are not counted",
    );
    const asked = codexRequests(emu).slice(before);
    expect(asked).toHaveLength(1);
    expect(new URLSearchParams(asked[0]!.query).get("start_time")).toBe(
      String(Date.parse("2026-08-27T00:00:00Z") / 1000),
    );
    const json = JSON.parse(res.stdout) as ReportJson;
    const counted = emu.data.codex.records.filter((r) => r.day <= "2026-08-10" || r.day >= "2026-08-27");
    expect(json.totals.requests).toBe(counted.reduce((n, r) => n + r.turns, 0));
    expect(Math.round(json.totals.costUsd * 1e9)).toBe(counted.reduce((n, r) => n + r.microCredits * 40, 0));

    const live = await runCli([...args, "--no-store"], emu.env);
    expect(live.stderr).toContain(
      "codex: the live API reaches back 90 days (to 2026-08-27); the 26 older days (2026-08-01 – 2026-08-26) are not counted with --no-store",
    );
  });

  it("--demo shows Codex seat usage beside the other tools", async () => {
    const res = await runCli(["--demo", "--json"], {});
    expect(res.code, res.stderr).toBe(0);
    const json = JSON.parse(res.stdout) as ReportJson;
    expect(json.platforms.find((p) => p.platform === "codex")?.status).toBe("ok");
    const codexUsers = json.users.filter((u) => u.platforms.some((p) => p.platform === "codex"));
    expect(codexUsers.length).toBeGreaterThan(3);
    expect(codexUsers.some((u) => u.user.startsWith("codex-user:"))).toBe(true);
    expect(codexUsers.some((u) => u.platforms.some((p) => p.platform === "openai"))).toBe(true);
    const table = await runCli(["--demo", "--top", "40"], { COLUMNS: "120" });
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^ +Codex +[\d,]+ /m);
    expect(table.stdout).toContain("~$");
  });
});
