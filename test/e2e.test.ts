import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type EmulatorSet, startEmulators } from "../src/emulators/index.ts";
import { NOW, platformCostUsd, platformSums, type ReportJson, ROOT, runCli, tempDir } from "./cli.ts";

/**
 * The real CLI, spawned, against the three emulators serving one generated organisation.
 * Golden files are rewritten with UPDATE_GOLDEN=1 (then read the diff before committing).
 */

const RANGE = ["--since", "2026-11-01", "--until", "2026-11-07", "--no-store"];
const UNPRICED_WARNING =
  /^(?:skipped \(no key\): copilot \(set COPILOT_METRICS_TOKEN\)\n)?no list price for model gpt-oss-internal: its estimated cost counts as \$0 \(add prices in \S+\/config\/ai-usage\/prices\.json\)\n$/;
let emu: EmulatorSet;

beforeAll(async () => {
  emu = await startEmulators({
    since: "2026-11-01",
    until: "2026-11-07",
    seed: 7,
    people: 12,
    now: () => new Date(NOW),
    enterprise: true,
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

/** What the emulators serve, summed here without the CLI's code: the figures it must report. */
function expected() {
  const claude = { requests: 0, tokens: 0, cents: 0 };
  for (const r of emu.data.anthropic) {
    claude.requests += r.core_metrics.num_sessions;
    for (const m of r.model_breakdown) {
      claude.tokens += m.tokens.input + m.tokens.output + m.tokens.cache_read + m.tokens.cache_creation;
      claude.cents += m.estimated_cost.amount;
    }
  }
  const openai = { requests: 0, tokens: 0 };
  for (const { result } of emu.data.openai.results) {
    openai.requests += result.num_model_requests;
    // input_tokens already includes cached and cache-write tokens.
    openai.tokens += result.input_tokens + result.output_tokens;
  }
  const cursor = { requests: 0, tokens: 0, cents: 0, excluded: 0 };
  for (const e of emu.data.cursor.events) {
    if (/errored|aborted/i.test(e.kind)) {
      cursor.excluded++;
      continue;
    }
    const t = e.tokenUsage;
    cursor.requests++;
    cursor.tokens += t ? t.inputTokens + t.outputTokens + t.cacheReadTokens + t.cacheWriteTokens : 0;
    cursor.cents += e.chargedCents ?? (t ? t.totalCents + (e.cursorTokenFee ?? 0) : 0);
  }
  const enterprise = { requests: 0, tokens: 0, microCents: 0 };
  for (const r of emu.data.enterprise) {
    if (r.product !== "claude_code") continue;
    enterprise.requests += r.requests;
    enterprise.tokens += r.uncached + r.cacheRead + r.cache5m + r.cache1h + r.output;
    enterprise.microCents += r.amount;
  }
  // Codex seat usage: turns, text tokens, credits (integer micro-credits) at the default $0.04.
  const codex = { requests: 0, tokens: 0, microCredits: 0, clients: {} as Record<string, number> };
  for (const r of emu.data.codex.records) {
    codex.requests += r.turns;
    codex.tokens += r.uncached + r.cached + r.output;
    codex.microCredits += r.microCredits;
    codex.clients[`turns:${r.client}`] = (codex.clients[`turns:${r.client}`] ?? 0) + r.turns;
  }
  return { claude, openai, codex, cursor, enterprise };
}

/** The one note Codex prints on stderr (what its requests and costs are). */
const CODEX_NOTE = /^codex: requests are Codex turns [^\n]*\n/m;

describe("ai-usage against the emulators", () => {
  it("prints the leaderboard table (golden, 80 columns, range title)", async () => {
    const res = await runCli(RANGE, emu.env);
    expect(res.stderr.replace(CODEX_NOTE, "")).toMatch(UNPRICED_WARNING);
    expect(res.code).toBe(0);
    golden("table-range.txt", res.stdout);
  });

  it("titles a --days window that does not end today by its dates, and fits a narrow terminal", async () => {
    const res = await runCli(["--days", "7", "--until", "2026-11-07", "--no-store"], {
      ...emu.env,
      COLUMNS: "60",
    });
    expect(res.code).toBe(0);
    expect(res.stdout.split("\n")[0]).toBe("AI Coding Usage Leaderboard (2026-11-01 – 2026-11-07)");
    for (const line of res.stdout.split("\n")) expect([...line].length).toBeLessThanOrEqual(60);
    golden("table-days-60.txt", res.stdout);
  });

  it("reports exactly what the vendors hold, in JSON (golden)", async () => {
    const res = await runCli([...RANGE, "--json"], emu.env);
    expect(res.code).toBe(0);
    golden("report.json", res.stdout);
    const json = JSON.parse(res.stdout) as ReportJson;
    const want = expected();
    expect(json.window).toEqual({ since: "2026-11-01", until: "2026-11-07", days: 7 });
    expect(json.platforms).toEqual([
      { platform: "claude", status: "ok", message: null },
      { platform: "claude-enterprise", status: "ok", message: null },
      { platform: "openai", status: "ok", message: null },
      {
        platform: "codex",
        status: "ok",
        message: null,
        ...want.codex.clients,
        notes: [expect.stringMatching(/^requests are Codex turns/)],
      },
      { platform: "cursor", status: "ok", message: null, excludedEvents: want.cursor.excluded },
      { platform: "copilot", status: "skipped", message: "COPILOT_METRICS_TOKEN is not set" },
    ]);
    const seats = platformSums(json, "claude-enterprise");
    expect([seats.requests, seats.tokens]).toEqual([want.enterprise.requests, want.enterprise.tokens]);
    expect(Math.round(platformCostUsd(json, "claude-enterprise") * 1e8)).toBe(want.enterprise.microCents);
    const claude = platformSums(json, "claude");
    expect([claude.requests, claude.tokens]).toEqual([want.claude.requests, want.claude.tokens]);
    expect(Math.round(platformCostUsd(json, "claude") * 100)).toBe(want.claude.cents);
    const openai = platformSums(json, "openai");
    expect([openai.requests, openai.tokens]).toEqual([want.openai.requests, want.openai.tokens]);
    const cursor = platformSums(json, "cursor");
    expect([cursor.requests, cursor.tokens]).toEqual([want.cursor.requests, want.cursor.tokens]);
    expect(platformCostUsd(json, "cursor")).toBeCloseTo(want.cursor.cents / 100, 7);
    const codex = platformSums(json, "codex");
    expect([codex.requests, codex.tokens]).toEqual([want.codex.requests, want.codex.tokens]);
    // $0.04 a credit is 40 nano-dollars a micro-credit.
    expect(platformCostUsd(json, "codex")).toBeCloseTo((want.codex.microCredits * 40) / 1e9, 7);
    const ids = ["claude", "claude-enterprise", "openai", "codex", "cursor"] as const;
    const wanted = [want.claude, want.enterprise, want.openai, want.codex, want.cursor];
    expect(json.totals.requests).toBe(wanted.reduce((n, w) => n + w.requests, 0));
    expect(json.totals.tokens).toBe(wanted.reduce((n, w) => n + w.tokens, 0));
    expect(json.totals.costUsd).toBeCloseTo(
      ids.reduce((n, p) => n + platformCostUsd(json, p), 0),
      7,
    );
  });

  it("writes CSV and Markdown (golden)", async () => {
    const csv = await runCli([...RANGE, "--format", "csv", "--sort", "cost"], emu.env);
    expect(csv.code).toBe(0);
    golden("report.csv", csv.stdout);
    const md = await runCli([...RANGE, "--format", "markdown", "--top", "5"], emu.env);
    expect(md.code).toBe(0);
    golden("report.md", md.stdout);
  });

  it("survives transient faults on every platform with the same exact report", async () => {
    const clean = await runCli([...RANGE, "--json"], emu.env);
    emu.anthropic.inject({
      fault: { kind: "status", status: 429, headers: { "retry-after": "0" } },
      times: 2,
    });
    emu.anthropic.inject({ fault: { kind: "status", status: 529 }, times: 1 });
    emu.openai.inject({ fault: { kind: "reset" }, times: 1 });
    emu.openai.inject({
      fault: { kind: "status", status: 503, headers: { "retry-after-ms": "10" } },
      times: 2,
    });
    emu.codex.inject({ fault: { kind: "status", status: 429, headers: { "retry-after": "0" } }, times: 1 });
    emu.cursor.inject({ fault: { kind: "truncate" }, times: 1 });
    emu.cursor.inject({ fault: { kind: "status", status: 500, headers: { "retry-after": "0" } }, times: 1 });
    try {
      const faulty = await runCli([...RANGE, "--json"], emu.env);
      expect(faulty.code).toBe(0);
      expect(faulty.stdout).toBe(clean.stdout);
    } finally {
      for (const s of [emu.anthropic, emu.openai, emu.codex, emu.cursor]) s.clearFaults();
    }
    expect(emu.anthropic.requests.some((r) => r.status === 429)).toBe(true);
  });

  it("a rejected key is a clear platform error while the others still render", async () => {
    const res = await runCli([...RANGE, "--json"], {
      ...emu.env,
      CURSOR_ADMIN_API_KEY: "crsr_wrong_key_123",
    });
    expect(res.code).toBe(0);
    expect(res.stderr).toContain("cursor: error: HTTP 401: Invalid API key — check CURSOR_ADMIN_API_KEY");
    const json = JSON.parse(res.stdout) as ReportJson;
    expect(json.platforms.find((p) => p.platform === "cursor")).toEqual({
      platform: "cursor",
      status: "error",
      message: "HTTP 401: Invalid API key",
    });
    expect(platformSums(json, "claude").requests).toBe(expected().claude.requests);
    expect(res.stdout + res.stderr).not.toContain("crsr_wrong_key_123");
  });

  it("exits 1 when every selected platform fails, naming each", async () => {
    const res = await runCli([...RANGE], {
      ...emu.env,
      ANTHROPIC_ADMIN_API_KEY: "sk-ant-admin01-nope",
      CLAUDE_ANALYTICS_API_KEY: "sk-ant-api01-nope",
      OPENAI_ORG_API_KEY: "sk-admin-nope",
      CODEX_ANALYTICS_API_KEY: "chatgpt-nope",
      CURSOR_ADMIN_API_KEY: "crsr_nope",
    });
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(
      /^codex: error: HTTP 401: Incorrect API key provided\. .*— CODEX_ANALYTICS_API_KEY was not accepted: use a ChatGPT workspace Admin key .*sk-admin-…\) is refused$/m,
    );
    expect(res.stderr).toContain("claude: error: HTTP 401: invalid x-api-key");
    expect(res.stderr).toContain("claude-enterprise: error: HTTP 401: invalid x-api-key");
    expect(res.stderr).toContain("openai: error: HTTP 401: Incorrect API key provided: [redacted]");
    expect(res.stderr).toContain("cursor: error: HTTP 401: Invalid API key");
    expect(res.stdout + res.stderr).not.toMatch(/nope/);
  });

  it("skips platforms without a key with a warning; no key at all is a usage error", async () => {
    const one = await runCli([...RANGE, "--json"], {
      ANTHROPIC_ADMIN_API_KEY: emu.env.ANTHROPIC_ADMIN_API_KEY,
      ANTHROPIC_ADMIN_BASE_URL: emu.env.ANTHROPIC_ADMIN_BASE_URL,
    });
    expect(one.code).toBe(0);
    expect(one.stderr).toBe(
      "skipped (no key): claude-enterprise (set CLAUDE_ANALYTICS_API_KEY), openai (set OPENAI_ORG_API_KEY), codex (set CODEX_ANALYTICS_API_KEY), cursor (set CURSOR_ADMIN_API_KEY), copilot (set COPILOT_METRICS_TOKEN)\n",
    );
    expect((JSON.parse(one.stdout) as ReportJson).platforms.map((p) => p.status)).toEqual([
      "ok",
      "skipped",
      "skipped",
      "skipped",
      "skipped",
      "skipped",
    ]);

    const none = await runCli(RANGE, {});
    expect(none.code).toBe(2);
    expect(none.stdout).toBe("");
    expect(none.stderr).toBe(
      "ai-usage: no API key is set: set ANTHROPIC_ADMIN_API_KEY, CLAUDE_ANALYTICS_API_KEY, OPENAI_ORG_API_KEY, CODEX_ANALYTICS_API_KEY, CURSOR_ADMIN_API_KEY, COPILOT_METRICS_TOKEN (in the environment or .env), or try --demo\n",
    );
  });

  it("reads keys from .env, with the environment winning, and --platform narrows", async () => {
    const cwd = tempDir();
    writeFileSync(
      join(cwd, ".env"),
      `# test\nCURSOR_ADMIN_API_KEY=${emu.env.CURSOR_ADMIN_API_KEY}\nCURSOR_ADMIN_BASE_URL=http://127.0.0.1:9/unused\n`,
    );
    const res = await runCli(
      [...RANGE, "--json", "--platform", "cursor"],
      { CURSOR_ADMIN_BASE_URL: emu.env.CURSOR_ADMIN_BASE_URL },
      { cwd },
    );
    expect(res.stderr).toBe("");
    expect(res.code).toBe(0);
    const json = JSON.parse(res.stdout) as ReportJson;
    expect(json.platforms.map((p) => p.platform)).toEqual(["cursor"]);
    expect(platformSums(json, "cursor").requests).toBe(expected().cursor.requests);
  });

  it("applies identity aliases from $AI_USAGE_ALIASES when merging people", async () => {
    const before = JSON.parse((await runCli([...RANGE, "--json"], emu.env)).stdout) as ReportJson;
    const id = before.users.find((u) => u.user.startsWith("user-"))!;
    const person = before.users.find((u) => u.user.includes("@"))!;
    const sum = (u: ReportJson["users"][number]) => u.platforms.reduce((n, p) => n + p.requests, 0);
    const cwd = tempDir();
    writeFileSync(join(cwd, "aliases.json"), JSON.stringify({ [id.user]: person.user.toUpperCase() }));
    const res = await runCli(
      [...RANGE, "--json"],
      { ...emu.env, AI_USAGE_ALIASES: join(cwd, "aliases.json") },
      { cwd },
    );
    expect(res.code).toBe(0);
    const after = JSON.parse(res.stdout) as ReportJson;
    expect(after.users.map((u) => u.user)).not.toContain(id.user);
    const merged = after.users.find((u) => u.user === person.user)!;
    expect(sum(merged)).toBe(sum(person) + sum(id));
    expect(after.totals).toEqual(before.totals);
  });

  it.each([
    [["--sort", "price"], "ai-usage: --sort must be one of requests, tokens, cost; got 'price'\n"],
    [["--days", "0"], "ai-usage: --days expects a whole number of at least 1, got '0'\n"],
    [["--bogus"], "ai-usage: unknown option '--bogus'\n"],
    [
      ["--since", "2026-13-01"],
      "ai-usage: --since expects a date as YYYY-MM-DD or YYYYMMDD, got '2026-13-01'\n",
    ],
    [["--days"], "ai-usage: option '--days <n>' argument missing\n"],
  ])("bad input %j exits 2 with one line", async (args, message) => {
    const res = await runCli(args, emu.env);
    expect(res).toMatchObject({ code: 2, stdout: "", stderr: message });
  });

  it("--help and --version exit 0", async () => {
    const help = await runCli(["--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("--since <date>");
    const version = await runCli(["--version"]);
    expect(version).toMatchObject({
      code: 0,
      stdout: `${JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).version}\n`,
    });
  });

  it("--demo needs no keys, says it is demo data, and works with every flag", async () => {
    const res = await runCli(["--demo", "--json"], {});
    expect(res.code).toBe(0);
    expect(res.stderr).toContain(
      "demo: showing generated data from built-in emulators, not a real organisation\n",
    );
    const json = JSON.parse(res.stdout) as ReportJson & { demo: boolean; unpricedModels: string[] };
    expect(json.demo).toBe(true);
    expect(json.platforms.map((p) => p.status)).toEqual(["ok", "ok", "ok", "ok", "ok", "ok"]);
    expect(json.users.length).toBeGreaterThanOrEqual(35);
    const names = json.users.map((u) => u.user);
    expect(names).toContain("(unattributed)");
    expect(names.some((n) => n.startsWith("api-key:"))).toBe(true);
    expect(json.unpricedModels.length).toBeGreaterThan(0);
    const tools = json.users.map((u) => u.platforms.length);
    for (const n of [1, 2, 3]) expect(tools).toContain(n);
    // Seat usage: some people only on seats, some on an API key and a seat (both rows, summed).
    const seat = json.users.filter((u) => u.platforms.some((p) => p.platform === "claude-enterprise"));
    expect(seat.some((u) => u.platforms.length === 1)).toBe(true);
    expect(seat.some((u) => u.platforms.some((p) => p.platform === "claude"))).toBe(true);

    const csv = await runCli(
      ["--demo", "--sort", "cost", "--top", "3", "--days", "7", "--format", "csv"],
      {},
    );
    expect(csv.code).toBe(0);
    expect(csv.stdout.split("\n")[0]).toMatch(/^rank,user,email,platform,/);
    expect(
      new Set(
        csv.stdout
          .trim()
          .split("\n")
          .slice(1)
          .map((l) => l.split(",")[0]),
      ),
    ).toEqual(new Set(["1", "2", "3"]));
  });

  it("the demo never opens the user's store, not even one named with --store", async () => {
    const cwd = tempDir();
    const path = join(cwd, "history.db");
    const res = await runCli(["--demo", "--json", "--store", path], { AI_USAGE_STORE: path }, { cwd });
    expect(res.code).toBe(0);
    expect(JSON.parse(res.stdout).demo).toBe(true);
    expect(existsSync(path)).toBe(false);
  });

  const bun = process.env.BUN_BIN;
  it.skipIf(!bun)("runs under Bun as in the seed (`bun src/index.ts`) when BUN_BIN is set", async () => {
    const { execFileSync } = await import("node:child_process");
    const out = execFileSync(bun!, [join(ROOT, "src/index.ts"), "--demo", "--json", "--no-store"], {
      env: { PATH: process.env.PATH, HOME: tempDir(), AI_USAGE_NOW: NOW },
      cwd: tempDir(),
      stdio: ["ignore", "pipe", "ignore"],
    });
    expect(JSON.parse(out.toString()).demo).toBe(true);
  });
});
