import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_MAX_ATTEMPTS } from "../src/http/request.ts";
import { platformSums, type ReportJson, type RunOptions } from "./cli.ts";
import { brokenField, maxRepeats, page200, status, stringForNumber, USAGE_PATH } from "./faults.ts";
import {
  CLI_RANGE,
  expectedSums,
  expectNoStack,
  NON_ADMIN_KEYS,
  OutputLog,
  PLATFORM_IDS,
  RANGE,
  runRecorded,
  startVendors,
  type Vendors,
  WRONG_KEYS,
} from "./matrix.ts";

/**
 * The same faults as reliability-faults.test.ts, through the real CLI, spawned: what a person sees
 * on stdout and stderr, and the exit code.
 */

const out = new OutputLog();
let v: Vendors;
beforeAll(async () => {
  v = await startVendors();
});
afterAll(async () => {
  await v.close();
  out.expectNoSecrets();
});

describe("the CLI, spawned, with faults on the wire", () => {
  const ARGS = [...CLI_RANGE, "--json", "--verbose"];
  const run = (args: string[], env: Record<string, string> = {}, options?: RunOptions) =>
    runRecorded(out, args, { ...v.env, ...env }, options);

  it("transient faults on every platform: the same exact report as a clean run, exit 0", async () => {
    v.clearFaults();
    const cleanRun = await run(ARGS);
    v.claude.inject({ fault: status(429, { "retry-after": "0" }), times: 2 });
    v.claude.inject({ fault: status(529, { "retry-after-ms": "0" }), times: 1 });
    v.openai.inject({ fault: { kind: "reset" }, times: 1, path: USAGE_PATH.openai });
    v.openai.inject({ fault: status(502, { "retry-after": "0" }), times: 1 });
    v.cursor.inject({ fault: { kind: "truncate" }, times: 1 });
    v.cursor.inject({ fault: status(503, { "retry-after": "0" }), times: 1 });
    const res = await run(ARGS).finally(v.clearFaults);
    expect(res.code).toBe(0);
    expect(res.stdout).toBe(cleanRun.stdout);
    expect(res.stderr).toMatch(/^claude: GET \S+ → HTTP 429: .* \(will retry\)$/m);
    expect(res.stderr).toMatch(/^openai: GET \S+ → .* \(will retry\)$/m);
    expect(res.stderr).toMatch(/^cursor: POST \S+ → HTTP 503: .* \(will retry\)$/m);
    expect(res.stderr).not.toMatch(/: error: /);
    expectNoStack(res.stderr);
    const json = JSON.parse(res.stdout) as ReportJson;
    const want = expectedSums(v.data);
    for (const id of PLATFORM_IDS) expect(platformSums(json, id)).toEqual(want[id]);
    expect(json.totals.requests).toBe(want.claude.requests + want.openai.requests + want.cursor.requests);
  });

  it("permanent faults on two platforms: status error with the message, the third renders, exit 0", async () => {
    v.openai.inject({ path: USAGE_PATH.openai, fault: stringForNumber("openai") });
    const res = await run(ARGS, { CURSOR_ADMIN_API_KEY: WRONG_KEYS.cursor }).finally(v.clearFaults);
    expect(res.code).toBe(0);
    const openaiMessage = `unexpected response: ${brokenField()}: expected number, got string`;
    const json = JSON.parse(res.stdout) as ReportJson;
    expect(json.platforms).toEqual([
      { platform: "claude", status: "ok", message: null },
      { platform: "claude-enterprise", status: "skipped", message: "CLAUDE_ANALYTICS_API_KEY is not set" },
      { platform: "openai", status: "error", message: openaiMessage },
      { platform: "codex", status: "skipped", message: "CODEX_ANALYTICS_API_KEY is not set" },
      { platform: "cursor", status: "error", message: "HTTP 401: Invalid API key" },
      { platform: "copilot", status: "skipped", message: "COPILOT_METRICS_TOKEN is not set" },
    ]);
    expect(res.stderr).toContain(`\nopenai: error: ${openaiMessage}\n`);
    expect(res.stderr).toMatch(/^cursor: error: HTTP 401: Invalid API key — check CURSOR_ADMIN_API_KEY/m);
    expect(platformSums(json, "claude")).toEqual(expectedSums(v.data).claude);
    expect(json.totals.requests).toBe(expectedSums(v.data).claude.requests);
    expectNoStack(res.stderr);
  });

  it("the table still renders beside a failed platform, and the failure is one stderr line", async () => {
    v.cursor.inject({ fault: { kind: "not-json" } });
    const res = await run(CLI_RANGE).finally(v.clearFaults);
    expect(res.code).toBe(0);
    expect(res.stdout.split("\n")[0]).toBe(`AI Coding Usage Leaderboard (${RANGE.since} – ${RANGE.until})`);
    expect(res.stderr).toContain(
      "cursor: error: unexpected response: body is not JSON (content-type text/html)\n",
    );
    expectNoStack(res.stderr);
  });

  it("a request that keeps failing becomes the platform's error after bounded retries", async () => {
    v.openai.inject({ path: USAGE_PATH.openai, fault: status(503, { "retry-after": "0" }) });
    const since = v.openai.requests.length;
    const res = await run(ARGS).finally(v.clearFaults);
    expect(res.code).toBe(0);
    expect(res.stderr).toMatch(
      /^openai: error: HTTP 503: The engine is currently overloaded, please try again later/m,
    );
    expect(maxRepeats(v.openai.requests.slice(since))).toBe(DEFAULT_MAX_ATTEMPTS);
    expectNoStack(res.stderr);
  });

  it("a paging trap is a platform error, not a hang", async () => {
    v.claude.inject({ fault: page200({ data: [], has_more: true, next_page: "page_same" }) });
    const res = await run(ARGS).finally(v.clearFaults);
    expect(res.code).toBe(0);
    expect(res.stderr).toMatch(
      /^claude: error: claude_code usage for 2026-11-0\d: the API repeated a page cursor$/m,
    );
    expectNoStack(res.stderr);
  });

  it("every platform failing exits 1, naming each, without a stack trace", async () => {
    v.cursor.inject({ fault: status(404) });
    const res = await run(ARGS, {
      ANTHROPIC_ADMIN_API_KEY: NON_ADMIN_KEYS.claude,
      OPENAI_ORG_API_KEY: NON_ADMIN_KEYS.openai,
    }).finally(v.clearFaults);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(
      /^claude: error: HTTP 403: This endpoint requires an Admin API key\.( \(request id req_\w+\))? — use an Admin API key/m,
    );
    expect(res.stderr).toMatch(
      /^openai: error: HTTP 403: You have insufficient permissions .*api\.usage\.read/m,
    );
    expect(res.stderr).toMatch(/^cursor: error: HTTP 404: Resource not found$/m);
    expect((JSON.parse(res.stdout) as ReportJson).platforms.map((p) => p.status)).toEqual([
      "error",
      "skipped",
      "error",
      "skipped",
      "error",
      "skipped",
    ]);
    expectNoStack(res.stderr);
  });

  it("Ctrl-C stops in-flight requests promptly and exits 130", async () => {
    v.openai.inject({ fault: { kind: "slow", delayMs: 20_000 } });
    v.cursor.inject({ fault: { kind: "slow", delayMs: 20_000 } });
    const since = v.claude.requests.length;
    let signalled = 0;
    const res = await run(
      [...CLI_RANGE, "--verbose"],
      {},
      {
        timeoutMs: 15_000,
        onSpawn: (child) => {
          // Claude answers at once: once it has, the CLI is running and the other two are in flight.
          const poll = setInterval(() => {
            if (v.claude.requests.length - since < 7) return;
            clearInterval(poll);
            setTimeout(() => {
              signalled = Date.now();
              child.kill("SIGINT");
            }, 200);
          }, 20);
        },
      },
    ).finally(v.clearFaults);
    const took = Date.now() - signalled;
    expect(signalled).toBeGreaterThan(0);
    expect(res.code).toBe(130);
    expect(took).toBeLessThan(2_000);
    expect(res.stdout).toBe("");
    expect(res.stderr).toMatch(/(^|\n)ai-usage: interrupted\n$/);
    expectNoStack(res.stderr);
  });
});
