import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { tempDir } from "./cli.ts";
import { expectNoStack, KEYS, OutputLog, runRecorded } from "./matrix.ts";

/**
 * Bad local input: every case exits 2 with exactly one stderr line naming the problem, prints
 * nothing on stdout, and never reaches the network (the base URLs point at a closed port, so a
 * check that came too late would show up as a connection error instead).
 */

const out = new OutputLog();
afterAll(() => out.expectNoSecrets());

const DEAD = "http://127.0.0.1:9";
const ENV = {
  ANTHROPIC_ADMIN_API_KEY: KEYS.claude,
  ANTHROPIC_ADMIN_BASE_URL: DEAD,
  OPENAI_ORG_API_KEY: KEYS.openai,
  OPENAI_ADMIN_BASE_URL: DEAD,
  CURSOR_ADMIN_API_KEY: KEYS.cursor,
  CURSOR_ADMIN_BASE_URL: DEAD,
  CLAUDE_ANALYTICS_API_KEY: "sk-ant-api01-analytics-input",
  CLAUDE_ANALYTICS_BASE_URL: DEAD,
  CODEX_ANALYTICS_API_KEY: "chatgpt-admin-input",
  CODEX_WORKSPACE_ID: "7c0a3e52-4b1d-4e8f-9a6b-2f1d0c9e8b7a",
  CODEX_ANALYTICS_BASE_URL: DEAD,
  COPILOT_METRICS_TOKEN: "ghp_InputTest000000000000000000000000000",
  COPILOT_ORG: "acme",
  COPILOT_API_BASE_URL: DEAD,
};

/** A working directory with a few awkward files in it. */
const cwd = tempDir("ai-usage-input-");
mkdirSync(join(cwd, "a-directory"));
writeFileSync(join(cwd, "a-file"), "");
writeFileSync(join(cwd, "broken.json"), "{ not json");
writeFileSync(join(cwd, "multi-line.json"), "not\njson");
writeFileSync(join(cwd, "wrong-shape.json"), JSON.stringify({ "gpt-5": { input: "cheap" } }));
const envDir = tempDir("ai-usage-dotenv-");
// A malformed line holding a key: the message names the line, never its content.
writeFileSync(join(envDir, ".env"), `# keys\nANTHROPIC_ADMIN_API_KEY ${KEYS.claude}\n`);
const quoteDir = tempDir("ai-usage-dotenv-");
writeFileSync(join(quoteDir, ".env"), `OPENAI_ORG_API_KEY="${KEYS.openai}\n`);

type Case = [name: string, args: string[], expected: string | RegExp, extra?: { env?: object; cwd?: string }];

const CASES: Case[] = [
  ["an unknown flag", ["--bogus"], "ai-usage: unknown option '--bogus'"],
  ["an unknown flag holding a pasted key", [`--key=${KEYS.claude}`], "ai-usage: unknown option '--key=…'"],
  ["an unknown flag on sync", ["sync", "--bogus"], "ai-usage: unknown option '--bogus'"],
  [
    "a report flag on sync",
    ["sync", "--top", "3"],
    "ai-usage: --top is an option of the report, not of sync",
  ],
  ["a stray argument", ["yesterday"], "ai-usage: unknown command 'yesterday'"],
  ["a mistyped command", ["snyc"], "ai-usage: unknown command 'snyc' (did you mean sync?)"],
  [
    "--until in the future",
    ["--until", "2026-12-01"],
    "ai-usage: --until 2026-12-01 is in the future (today is 2026-11-24, UTC)",
  ],
  ["--days 0", ["--days", "0"], "ai-usage: --days expects a whole number of at least 1, got '0'"],
  ["--days -1", ["--days", "-1"], "ai-usage: --days expects a whole number of at least 1, got '-1'"],
  ["--days abc", ["--days", "abc"], "ai-usage: --days expects a whole number of at least 1, got 'abc'"],
  [
    "--days 99999",
    ["--days", "99999"],
    "ai-usage: --days 99999 is too long a window; at most 3660 days are allowed",
  ],
  [
    "--since 2026-02-30",
    ["--since", "2026-02-30"],
    "ai-usage: --since expects a date as YYYY-MM-DD or YYYYMMDD, got '2026-02-30'",
  ],
  [
    "--since after --until",
    ["--since", "2026-11-10", "--until", "2026-11-01"],
    "ai-usage: --since 2026-11-10 is after --until 2026-11-01",
  ],
  [
    "--until 2026/11/01",
    ["--until", "2026/11/01"],
    "ai-usage: --until expects a date as YYYY-MM-DD or YYYYMMDD, got '2026/11/01'",
  ],
  [
    "a window decades long",
    ["--since", "1990-01-01"],
    /^ai-usage: --since 1990-01-01 to --until 2026-11-24 \(\d+ days\) is too long a window; at most 3660 days are allowed$/,
  ],
  ["--top 0", ["--top", "0"], "ai-usage: --top expects a whole number of at least 1, got '0'"],
  [
    "--format xml",
    ["--format", "xml"],
    "ai-usage: --format must be one of table, json, csv, markdown, html; got 'xml'",
  ],
  [
    "--sort price",
    ["--sort", "price"],
    "ai-usage: --sort must be one of requests, tokens, cost; got 'price'",
  ],
  [
    "--platform gemini",
    ["--platform", "gemini"],
    "ai-usage: --platform must be one of claude, claude-enterprise, openai, codex, cursor, copilot; got 'gemini'",
  ],
  [
    "a bad value with --verbose",
    ["--days", "0", "--verbose"],
    "ai-usage: --days expects a whole number of at least 1, got '0'",
  ],
  [
    "a base URL that is not http(s)",
    [],
    "ai-usage: CURSOR_ADMIN_BASE_URL is not an http(s) URL",
    {
      env: { CURSOR_ADMIN_BASE_URL: "ftp://cursor.example" },
    },
  ],
  [
    "a price file that does not exist",
    [],
    `ai-usage: price file ${join(cwd, "missing.json")}: not found`,
    { env: { AI_USAGE_PRICES: join(cwd, "missing.json") } },
  ],
  [
    "an aliases file that is not JSON",
    [],
    /^ai-usage: aliases file \S+broken\.json: invalid JSON \(.+\)$/,
    { env: { AI_USAGE_ALIASES: join(cwd, "broken.json") } },
  ],
  [
    "a price file that is a directory",
    [],
    `ai-usage: price file ${join(cwd, "a-directory")}: cannot read it (EISDIR)`,
    { env: { AI_USAGE_PRICES: join(cwd, "a-directory") } },
  ],
  [
    "a price file that is not JSON",
    [],
    /^ai-usage: price file \S+broken\.json: invalid JSON \(.+\)$/,
    { env: { AI_USAGE_PRICES: join(cwd, "broken.json") } },
  ],
  [
    "a price file whose JSON error quotes a newline",
    [],
    /^ai-usage: price file \S+multi-line\.json: invalid JSON \(.+\)$/,
    { env: { AI_USAGE_PRICES: join(cwd, "multi-line.json") } },
  ],
  [
    "a price file of the wrong shape",
    [],
    /^ai-usage: price file \S+wrong-shape\.json: gpt-5: input: .+$/,
    { env: { AI_USAGE_PRICES: join(cwd, "wrong-shape.json") } },
  ],
  [
    "a store path inside a file",
    ["--store", join(cwd, "a-file", "history.db")],
    /^ai-usage: cannot open history store \S+a-file\/history\.db: .+; choose another with --store or use --no-store$/,
  ],
  [
    "a store path that is a directory",
    ["--store", join(cwd, "a-directory")],
    /^ai-usage: cannot open history store \S+a-directory: .+; choose another with --store or use --no-store$/,
  ],
  [
    "AI_USAGE_STORE inside a file",
    [],
    /^ai-usage: cannot open history store \S+a-file\/x\.db: .+$/,
    { env: { AI_USAGE_STORE: join(cwd, "a-file", "x.db") } },
  ],
  ["sync with --no-store", ["sync", "--no-store"], "ai-usage: sync needs a history store; drop --no-store"],
];

it("the secret scan itself catches a leaked key fragment", () => {
  const leak = new OutputLog();
  leak.add(`HTTP 401: Incorrect API key provided: sk-admin-****${KEYS.openai.slice(-8)}`);
  expect(() => leak.expectNoSecrets()).toThrow(/leaked/);
});

describe("bad local input: one line naming the problem, exit 2", () => {
  it.concurrent.each(CASES)("%s", async (_name, args, expected, extra = {}) => {
    const storeArgs = args.some((a) => a.startsWith("--store") || a === "sync") ? [] : ["--no-store"];
    const noStore = extra.env && "AI_USAGE_STORE" in extra.env ? [] : storeArgs;
    const res = await runRecorded(
      out,
      [...noStore, ...args],
      { ...ENV, ...extra.env },
      { cwd: extra.cwd ?? cwd },
    );
    expect(res.stdout).toBe("");
    expect(res.stderr.endsWith("\n")).toBe(true);
    const lines = res.stderr.slice(0, -1).split("\n");
    expect(lines).toHaveLength(1);
    if (typeof expected === "string") expect(lines[0]).toBe(expected);
    else expect(lines[0]).toMatch(expected);
    expect(res.code).toBe(2);
    expectNoStack(res.stderr);
  });
});

describe(".env lines the parser cannot read: a warning naming the line, never its text, never a refusal", () => {
  it.concurrent.each([
    [envDir, "line 2: not a NAME=value line; skipped"],
    [quoteDir, 'line 1: the " quote is never closed; the value is read to the end of the line'],
  ])("%s", async (dir, problem) => {
    const res = await runRecorded(out, ["--demo", "--days", "1"], {}, { cwd: dir });
    expect(res.code).toBe(0);
    expect(res.stderr).toContain(`ai-usage: warning: ${join(dir, ".env")} ${problem}\n`);
    expectNoStack(res.stderr);
  });
});
