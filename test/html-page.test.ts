import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { nanosToUsdNumber } from "../src/render/format.ts";
import { renderHtml } from "../src/render/html/index.ts";
import { cleanForTerminal } from "../src/render/sanitize.ts";
import { CHROMIUM, launch, leaderboardRows, type Opened, openFile, screenshot } from "./browser.ts";
import { NOW, tempDir } from "./cli.ts";
import { fixtureReport, HOSTILE_USERS } from "./html-fixture.ts";

/**
 * The HTML report in a real Chromium, rendered in-process from a report built from rows: the page
 * holds the report's rows, draws its charts, sorts, shows details, and runs nothing a vendor wrote.
 */

const { report, series } = fixtureReport();
const failed = fixtureReport(undefined, {
  platforms: [
    { platform: "claude", status: "ok", message: null },
    { platform: "openai", status: "skipped", message: "OPENAI_ORG_API_KEY is not set" },
    { platform: "cursor", status: "error", message: `HTTP 401: <b onmouseover="alert(9)">Invalid</b> key` },
  ],
});
let browser: Browser;
let dir: string;
let page: Opened;

function write(name: string, html: string): string {
  const file = join(dir, name);
  writeFileSync(file, html);
  return file;
}

describe.skipIf(!CHROMIUM)("HTML report in Chromium (rendered from rows)", () => {
  beforeAll(async () => {
    dir = tempDir("ai-usage-html-");
    browser = await launch();
    const file = write("report.html", renderHtml(report, { generatedAt: new Date(NOW), series }));
    page = await openFile(browser, file);
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("the leaderboard holds every ranked row with the report's figures, in order", async () => {
    expect(await leaderboardRows(page.page)).toEqual(
      report.users.map((u) => ({
        user: u.user,
        requests: u.requests,
        tokens: u.tokens,
        costUsd: nanosToUsdNumber(u.costNanos),
      })),
    );
  });

  it("draws one series per platform in the usage and top charts, and one bar per model", async () => {
    const series = (id: string) =>
      page.page.$$eval(`#${id} g.series`, (gs) => gs.map((g) => g.getAttribute("data-series")));
    expect(await series("usage-chart")).toEqual(["claude", "openai", "cursor"]);
    expect(await series("top-chart")).toEqual(["claude", "openai", "cursor"]);
    // Three models, each on one platform.
    expect(
      await page.page.$$eval("#models-chart .axis > text > title", (t) => t.map((x) => x.textContent)),
    ).toEqual(["claude-sonnet-5", "gpt-5.5<b>", "composer-2"]);
    // Seven days of stacked columns: a rect per platform per day with usage.
    expect(await page.page.$$eval("#usage-chart g.series rect", (r) => r.length)).toBe(21);
    const box = await page.page.$eval("#usage-chart", (svg) => svg.getBoundingClientRect().height);
    expect(box).toBeGreaterThan(100);
  });

  it("clicking a header re-sorts the rows; a second click reverses; rank restores", async () => {
    const order = async () => (await leaderboardRows(page.page)).map((r) => r.user);
    const byTokens = [...report.users]
      .sort((a, b) => b.tokens - a.tokens || a.rank - b.rank)
      .map((u) => u.user);
    await page.page.click('th button[data-sort="tokens"]');
    expect(await order()).toEqual(byTokens);
    expect(await page.page.getAttribute('th:has(button[data-sort="tokens"])', "aria-sort")).toBe(
      "descending",
    );
    await page.page.click('th button[data-sort="tokens"]');
    const asc = [...report.users].sort((a, b) => a.tokens - b.tokens || a.rank - b.rank).map((u) => u.user);
    expect(await order()).toEqual(asc);
    await page.page.click('th button[data-sort="rank"]');
    expect(await order()).toEqual(report.users.map((u) => u.user));
  });

  it("shows a row's per-platform figures on demand", async () => {
    const multi = report.users.findIndex((u) => u.platforms.length === 3);
    const entry = page.page.locator("#leaderboard tbody.entry").nth(multi);
    await expect(entry.locator("tr.detail").first().isVisible()).resolves.toBe(false);
    await entry.locator("button.toggle").click();
    const details = await entry.locator("tr.detail").allInnerTexts();
    expect(details.map((d) => d.split("\t")[1])).toEqual(["↳ Claude", "↳ OpenAI", "↳ Cursor"]);
    await expect(entry.locator("tr.detail").first().isVisible()).resolves.toBe(true);
  });

  it("hostile identities are text: no dialog, no injected element, exact strings", async () => {
    expect(page.dialogs).toEqual([]);
    const counts = await page.page.$$eval("*", (all) => ({
      img: all.filter((el) => el.matches("img, iframe, object, embed, b")).length,
      scripts: all.filter((el) => el.tagName === "SCRIPT").length,
      handlers: all.filter((el) => [...el.attributes].some((a) => a.name.startsWith("on"))).length,
    }));
    expect(counts).toEqual({ img: 0, scripts: 2, handlers: 0 });
    const cells = await page.page.$$eval("#leaderboard tr[data-user] td.key bdi", (b) =>
      b.map((x) => x.textContent),
    );
    // Shown as the terminal table shows them (no controls, no bidi overrides); exact in data-user.
    for (const user of HOSTILE_USERS) expect(cells).toContain(cleanForTerminal(user));
    expect(cells).toContain(`"><img src=x onerror=alert(1)>@co.com`);
    expect(cells).toContain("</script><script>alert(2)</script>@co.com");
    const embedded = await page.page.$eval("#report-data", (s) => JSON.parse(s.textContent!));
    expect(embedded.users.map((u: { user: string }) => u.user)).toEqual(report.users.map((u) => u.user));
  });

  it("made no request, logged no error", () => {
    expect(page.requests).toEqual([]);
    expect(page.errors).toEqual([]);
  });

  it("names failed platforms in a visible banner, even with hostile vendor messages", async () => {
    const file = write(
      "failed.html",
      renderHtml(failed.report, { generatedAt: new Date(NOW), series: failed.series }),
    );
    const opened = await openFile(browser, file, { colorScheme: "dark" });
    try {
      const banner = opened.page.locator("#failed-platforms");
      await expect(banner.isVisible()).resolves.toBe(true);
      expect(await banner.textContent()).toContain(
        'Cursor: HTTP 401: <b onmouseover="alert(9)">Invalid</b> key',
      );
      expect(
        await opened.page.$$eval("[data-status]", (s) => s.map((x) => x.getAttribute("data-status"))),
      ).toEqual(["ok", "skipped", "error"]);
      expect(opened.errors).toEqual([]);
      expect(opened.dialogs).toEqual([]);
      await screenshot(opened.page, "fixture-failed-dark-1280");
    } finally {
      await opened.close();
    }
  });

  it("fits a phone: 390 px wide, no sideways scroll of the page itself", async () => {
    const file = write("phone.html", renderHtml(report, { generatedAt: new Date(NOW), series }));
    const opened = await openFile(browser, file, { width: 390, height: 844 });
    try {
      const width = await opened.page.$eval("html", (root) => root.scrollWidth);
      expect(width).toBeLessThanOrEqual(390);
      await screenshot(opened.page, "fixture-390", true);
    } finally {
      await opened.close();
    }
  });
  it("prints with every per-platform row shown and the buttons hidden; dark follows the system", async () => {
    const file = write("print.html", renderHtml(report, { generatedAt: new Date(NOW), series }));
    const opened = await openFile(browser, file, { colorScheme: "dark" });
    try {
      const background = () =>
        opened.page.$eval("body", (b) => b.ownerDocument.defaultView!.getComputedStyle(b).backgroundColor);
      expect(await background()).toBe("rgb(17, 20, 24)");
      await opened.page.emulateMedia({ media: "print" });
      expect(await background()).toBe("rgb(255, 255, 255)");
      const details = report.users
        .filter((u) => u.platforms.length > 1)
        .reduce((n, u) => n + u.platforms.length, 0);
      expect(await opened.page.locator("tr.detail:visible").count()).toBe(details);
      expect(await opened.page.locator("button.toggle:visible").count()).toBe(0);
    } finally {
      await opened.close();
    }
  });
});
