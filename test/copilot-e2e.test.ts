import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type EmulatorSet, startEmulators } from "../src/emulators/index.ts";
import { NOW, platformCostUsd, platformSums, type ReportJson, runCli, tempDir } from "./cli.ts";
import { identityRequests, recordSums, reportRequests } from "./copilot-helpers.ts";

/** The real CLI, spawned, with Copilot next to the other vendors' emulators. */

const SINCE = "2026-11-01";
const UNTIL = "2026-11-07";
const RANGE = ["--json", "--since", SINCE, "--until", UNTIL];
let emu: EmulatorSet;

beforeAll(async () => {
  emu = await startEmulators({
    since: SINCE,
    until: UNTIL,
    seed: 7,
    people: 12,
    now: () => new Date(NOW),
    copilot: true,
  });
});
afterAll(() => emu.close());

function expected() {
  const sum = { requests: 0, tokens: 0, costNanos: 0 };
  for (const r of emu.data.copilot!.records) {
    const s = recordSums(r);
    sum.requests += s.requests;
    sum.tokens += s.inputTokens + s.outputTokens;
    sum.costNanos += s.costNanos;
  }
  return sum;
}

describe("copilot end to end", () => {
  it("exact Copilot totals, merged with the same people's other platforms by email", async () => {
    const res = await runCli([...RANGE, "--no-store"], emu.env);
    expect(res.code).toBe(0);
    const json = JSON.parse(res.stdout) as ReportJson;
    expect(json.platforms.find((p) => p.platform === "copilot")).toMatchObject({ status: "ok" });
    const want = expected();
    expect(platformSums(json, "copilot")).toEqual({ requests: want.requests, tokens: want.tokens });
    expect(Math.round(platformCostUsd(json, "copilot") * 100)).toBe(Math.round(want.costNanos / 1e7));
    // Every resolved Copilot user is one person with their other tools; the others keep their login.
    const data = emu.data.copilot!;
    const active = new Set(data.records.map((r) => r.user_login));
    for (const u of data.users.filter((x) => active.has(x.login))) {
      const name = u.via === "none" ? `github:${u.login}` : u.email;
      const row = json.users.find((x) => x.user === name);
      expect(row, name).toBeDefined();
      expect(row!.platforms.map((p) => p.platform)).toContain("copilot");
    }
    const merged = json.users.filter(
      (u) => u.platforms.length > 1 && u.platforms.some((p) => p.platform === "copilot"),
    );
    expect(merged.length).toBeGreaterThan(0);
    expect(res.stderr).toMatch(/GitHub logins? (has|have) no known email/);
  });

  it("a warm run (store kept, --refresh) makes no identity request", async () => {
    const cwd = tempDir();
    const copilot = emu.copilot!;
    copilot.requests.length = 0;
    const cold = await runCli([...RANGE, "--platform", "copilot"], emu.env, { cwd });
    expect(cold.code).toBe(0);
    expect(identityRequests(copilot).length).toBeGreaterThan(0);
    copilot.requests.length = 0;
    const warm = await runCli([...RANGE, "--platform", "copilot", "--refresh"], emu.env, { cwd });
    expect(warm.code).toBe(0);
    expect(reportRequests(copilot)).toHaveLength(7);
    expect(identityRequests(copilot)).toHaveLength(0);
    expect(JSON.parse(warm.stdout).totals).toEqual(JSON.parse(cold.stdout).totals);
  });

  it("both scopes set is a usage error naming them", async () => {
    const res = await runCli(RANGE, { ...emu.env, COPILOT_ENTERPRISE: "acme" });
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/COPILOT_ORG.*COPILOT_ENTERPRISE/);
    expect(res.stderr.trim().split("\n")).toHaveLength(1);
  });

  it("a token without its scope is one clear line and the others still render", async () => {
    const res = await runCli(RANGE, { ...emu.env, COPILOT_ORG: "not-ours" });
    expect(res.code).toBe(0);
    const json = JSON.parse(res.stdout) as ReportJson;
    const status = json.platforms.find((p) => p.platform === "copilot")!;
    expect(status.status).toBe("error");
    expect(status.message).toBe("HTTP 404: Not Found");
    expect(res.stderr).toMatch(/^copilot: error: HTTP 404: Not Found.* — GitHub answers 404 .*COPILOT_ORG/m);
    expect(res.stderr).not.toContain("ghp_");
  });

  it("--demo shows Copilot rows", async () => {
    const res = await runCli(["--demo", "--json"], {});
    expect(res.code).toBe(0);
    const json = JSON.parse(res.stdout) as ReportJson;
    expect(json.platforms.find((p) => p.platform === "copilot")).toMatchObject({ status: "ok" });
    expect(platformSums(json, "copilot").requests).toBeGreaterThan(0);
    expect(json.users.some((u) => u.user.startsWith("github:"))).toBe(true);
  });
});
