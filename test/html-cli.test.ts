import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type EmulatorSet, startEmulators } from "../src/emulators/index.ts";
import { CHROMIUM, launch, leaderboardRows, type Opened, openFile, screenshot } from "./browser.ts";
import { NOW, type ReportJson, runCli, tempDir } from "./cli.ts";
import { hostileVendorData } from "./html-hostile-data.ts";
import { startVendors, type Vendors } from "./matrix.ts";

/**
 * `ai-usage --format html --output FILE`, spawned for real against the emulators, the demo and
 * vendors serving hostile strings, then opened in Chromium: the page must hold exactly what
 * `--json` reports for the same run, draw its charts, sort, and never reach the network.
 */

const RANGE = ["--since", "2026-11-01", "--until", "2026-11-07", "--no-store"];
let emu: EmulatorSet;
let hostile: Vendors;
let browser: Browser;
let dir: string;

interface Run {
  file: string;
  json: ReportJson & { unpricedModels: string[] };
  stdout: string;
  code: number | null;
}

/** The same run twice: once as HTML into a file, once as JSON. */
async function run(name: string, args: string[], env: Record<string, string>): Promise<Run> {
  const file = join(dir, `${name}.html`);
  const [html, json] = await Promise.all([
    runCli([...args, "--format", "html", "--output", file], env),
    runCli([...args, "--json"], env),
  ]);
  expect(html.stderr).not.toMatch(/unexpected error|at .*\.ts:\d+/);
  expect(json.code).toBe(html.code);
  return { file, json: JSON.parse(json.stdout), stdout: html.stdout, code: html.code };
}

/** Platforms with a non-zero share of `metric` among `users`, in the report's platform order. */
function platformsWith(
  json: ReportJson,
  users: ReportJson["users"],
  metric: "requests" | "tokens" | "costUsd",
) {
  const used = new Set(users.flatMap((u) => u.platforms.filter((p) => p[metric] > 0).map((p) => p.platform)));
  return json.platforms.map((p) => p.platform).filter((id) => used.has(id));
}

const series = (page: Opened, id: string) =>
  page.page.$$eval(`#${id} g.series`, (gs) => gs.map((g) => g.getAttribute("data-series")));

async function expectMatchesJson(page: Opened, json: ReportJson) {
  expect(await leaderboardRows(page.page)).toEqual(
    json.users.map((u) => ({ user: u.user, requests: u.requests, tokens: u.tokens, costUsd: u.costUsd })),
  );
  expect(await series(page, "usage-chart")).toEqual(platformsWith(json, json.users, "requests"));
  expect(await series(page, "top-chart")).toEqual(platformsWith(json, json.users.slice(0, 10), "requests"));
  const embedded = await page.page.$eval("#report-data", (s) => JSON.parse(s.textContent!));
  expect(embedded).toEqual(json);
}

describe.skipIf(!CHROMIUM)("ai-usage --format html in Chromium", () => {
  let emuRun: Run;
  let demoRun: Run;
  let hostileRun: Run;

  beforeAll(async () => {
    dir = tempDir("ai-usage-html-cli-");
    [emu, hostile, browser] = await Promise.all([
      startEmulators({
        since: "2026-11-01",
        until: "2026-11-07",
        seed: 7,
        people: 12,
        now: () => new Date(NOW),
      }),
      startVendors(hostileVendorData()),
      launch(),
    ]);
    emuRun = await run("emulators", RANGE, emu.env);
    demoRun = await run("demo", ["--demo"], {});
    hostileRun = await run("hostile", RANGE, hostile.env);
  }, 120_000);
  afterAll(async () => {
    await Promise.all([browser?.close(), emu?.close(), hostile?.close()]);
  });

  it("against the emulators: the page holds the JSON report's rows, charts per platform and per model", async () => {
    expect(emuRun.code).toBe(0);
    expect(emuRun.stdout).toBe("");
    const page = await openFile(browser, emuRun.file);
    try {
      await expectMatchesJson(page, emuRun.json);
      // One bar per model the vendors served (errored or aborted Cursor events count nowhere).
      const models = new Set([
        ...emu.data.anthropic.flatMap((r) => r.model_breakdown.map((m) => m.model)),
        ...emu.data.openai.results.map((r) => r.result.model),
        ...emu.data.cursor.events.filter((e) => !/errored|aborted/i.test(e.kind)).map((e) => e.model),
      ]);
      const bars = await page.page.$$eval("#models-chart .axis > text > title", (t) => t.length);
      expect(bars).toBe(Math.min(models.size, 9));
      // Sorting by cost orders the rows as the JSON's costs do (ties keep the rank order).
      await page.page.click('th button[data-sort="cost-usd"]');
      const byCost = [...emuRun.json.users].sort((a, b) => b.costUsd - a.costUsd).map((u) => u.user);
      expect((await leaderboardRows(page.page)).map((r) => r.user)).toEqual(byCost);
      expect(page.requests).toEqual([]);
      expect(page.errors).toEqual([]);
      await screenshot(page.page, "emulators-1280");
    } finally {
      await page.close();
    }
  });

  it("the demo report: under 300 KB, the JSON's rows, no request, no error, at desktop and phone sizes", async () => {
    expect(demoRun.code).toBe(0);
    expect(statSync(demoRun.file).size).toBeLessThan(300 * 1024);
    for (const [width, height] of [
      [1280, 800],
      [390, 844],
    ] as const) {
      const page = await openFile(browser, demoRun.file, { width, height });
      try {
        await expectMatchesJson(page, demoRun.json);
        expect(await page.page.$eval("html", (root) => root.scrollWidth)).toBeLessThanOrEqual(width);
        await page.page.click('th button[data-sort="user"]');
        const rows = (await leaderboardRows(page.page)).map((r) => r.user);
        expect(rows).toEqual([...rows].sort((a, b) => a.localeCompare(b)));
        expect(rows).toHaveLength(demoRun.json.users.length);
        expect(page.requests).toEqual([]);
        expect(page.errors).toEqual([]);
        await screenshot(page.page, `demo-${width}`);
      } finally {
        await page.close();
      }
    }
  });

  it("hostile vendor strings are text: nothing runs, nothing is injected, the exact strings are kept", async () => {
    expect(hostileRun.code).toBe(0);
    const page = await openFile(browser, hostileRun.file);
    try {
      expect(page.dialogs).toEqual([]);
      expect(page.errors).toEqual([]);
      expect(page.requests).toEqual([]);
      await expectMatchesJson(page, hostileRun.json);
      const found = await page.page.$$eval("*", (all) => ({
        injected: all.filter((el) =>
          el.matches("img, iframe, marquee, b, link, object, embed, body style ~ style"),
        ).length,
        scripts: all.filter((el) => el.tagName === "SCRIPT").length,
        styles: all.filter((el) => el.tagName === "STYLE").length,
        handlers: all.filter((el) => [...el.attributes].some((a) => a.name.startsWith("on"))).length,
      }));
      expect(found).toEqual({ injected: 0, scripts: 2, styles: 1, handlers: 0 });
      // The unpriced hostile model is named as text in the notes, and the page still lays out.
      expect(await page.page.textContent("footer")).toContain(hostileRun.json.unpricedModels[0]);
      expect(await page.page.isVisible("#leaderboard")).toBe(true);
      await screenshot(page.page, "hostile-1280", true);
    } finally {
      await page.close();
    }
  });

  it("a failed platform is named in a banner; the others still render", async () => {
    const failed = await run("failed", RANGE, { ...emu.env, CURSOR_ADMIN_API_KEY: "crsr_wrong_key_123" });
    expect(failed.code).toBe(0);
    const page = await openFile(browser, failed.file);
    try {
      expect(await page.page.textContent("#failed-platforms")).toContain("Cursor: HTTP 401: Invalid API key");
      const drawn = await series(page, "usage-chart");
      expect(drawn).toEqual(platformsWith(failed.json, failed.json.users, "requests"));
      expect(drawn).toContain("claude");
      expect(drawn).not.toContain("cursor");
      expect(readFileSync(failed.file, "utf8")).not.toContain("crsr_wrong_key_123");
    } finally {
      await page.close();
    }
  });
});

describe("--format html and --output without a browser", () => {
  it("--format html writes one document to stdout", async () => {
    const res = await runCli(["--demo", "--days", "3", "--format", "html"]);
    expect(res.code).toBe(0);
    expect(res.stdout.startsWith("<!doctype html>\n")).toBe(true);
    expect(res.stdout.trimEnd().endsWith("</html>")).toBe(true);
  });

  it("--output into a folder that does not exist fails fast with exit 2, naming the flag", async () => {
    const res = await runCli(["--demo", "--output", "/nonexistent-dir/report.html"]);
    expect(res).toMatchObject({ code: 2, stdout: "" });
    expect(res.stderr).toMatch(/^ai-usage: --output \/nonexistent-dir\/report\.html: .*\n$/m);
  });

  it("--output naming a folder is refused; sync refuses --output as a report option", async () => {
    const cwd = tempDir();
    const folder = await runCli(["--demo", "--days", "1", "--output", "."], {}, { cwd });
    expect(folder).toMatchObject({ code: 2, stdout: "" });
    expect(folder.stderr).toMatch(/^ai-usage: --output \. is a folder; give a file name\n$/m);
    const sync = await runCli(["sync", "--demo", "--output", "x.html"], {}, { cwd });
    expect(sync).toMatchObject({
      code: 2,
      stderr: "ai-usage: --output is an option of the report, not of sync\n",
    });
  });

  it("--output works for any format, relative to the working directory", async () => {
    const cwd = tempDir();
    const res = await runCli(["--demo", "--days", "2", "--json", "--output", "out.json"], {}, { cwd });
    expect(res).toMatchObject({ code: 0, stdout: "" });
    expect(JSON.parse(readFileSync(join(cwd, "out.json"), "utf8")).window.days).toBe(2);
  });
});
