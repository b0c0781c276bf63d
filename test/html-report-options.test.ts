import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHROMIUM, launch, leaderboardRows, openFile } from "./browser.ts";
import { runCli, tempDir } from "./cli.ts";

/** The HTML report with `--by`, `--compare` and `--activity`: the page holds what `--json` reports for the same run. */

interface Row {
  key?: string;
  user?: string;
  requests: number;
  tokens: number;
  costUsd: number;
  users?: number;
  previous?: { requests: number; tokens: number; costUsd: number };
  activity?: Record<string, number | null>;
}

let browser: Browser;
let dir: string;

async function both(args: string[]) {
  const file = join(dir, `${args.join("_").replace(/\W+/g, "_")}.html`);
  const [html, json] = await Promise.all([
    runCli(["--demo", ...args, "--format", "html", "--output", file]),
    runCli(["--demo", ...args, "--json"]),
  ]);
  expect([html.code, json.code]).toEqual([0, 0]);
  const report = JSON.parse(json.stdout) as { groups?: Row[]; users?: Row[] };
  const page = await openFile(browser, file);
  return { page, report };
}

describe.skipIf(!CHROMIUM)("HTML report with --by, --compare, --activity", () => {
  beforeAll(async () => {
    dir = tempDir("ai-usage-html-options-");
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("--by team: one data-key row per group, with its people, as in JSON", async () => {
    const { page, report } = await both(["--by", "team"]);
    try {
      const groups = report.groups!;
      expect(await leaderboardRows(page.page, "key")).toEqual(
        groups.map((g) => ({ user: g.key, requests: g.requests, tokens: g.tokens, costUsd: g.costUsd })),
      );
      const people = await page.page.$$eval("#leaderboard tr[data-key]", (trs) =>
        trs.map((tr) => Number(tr.getAttribute("data-people"))),
      );
      expect(people).toEqual(groups.map((g) => g.users));
      expect(await page.page.$$eval("#top-chart .axis > text > title", (t) => t.length)).toBe(
        Math.min(10, groups.length),
      );
      expect([page.errors, page.requests]).toEqual([[], []]);
    } finally {
      await page.close();
    }
  });

  it("--compare --top 5: the previous period under each bar and the change of each row", async () => {
    const { page, report } = await both(["--compare", "--top", "5"]);
    try {
      const users = report.users!;
      expect(await page.page.$$eval("#top-chart rect.previous", (r) => r.length)).toBe(5);
      expect(await page.page.isVisible("#compare-chart")).toBe(true);
      const changes = await page.page.$$eval("#leaderboard tr[data-user]", (trs) =>
        trs.map((tr) => tr.getAttribute("data-change")),
      );
      expect(changes).toEqual(
        users.map((u) => {
          const before = u.previous!.requests;
          if (before === 0) return u.requests === 0 ? "0" : "Infinity";
          return String((u.requests - before) / before);
        }),
      );
      expect([page.errors, page.requests]).toEqual([[], []]);
    } finally {
      await page.close();
    }
  });

  it("--activity: activity figures per row as in JSON, missing ones shown as a dash", async () => {
    const { page, report } = await both(["--activity"]);
    try {
      const users = report.users!;
      const added = await page.page.$$eval("#leaderboard tr[data-user]", (trs) =>
        trs.map((tr) => tr.getAttribute("data-lines-added")),
      );
      expect(added).toEqual(
        users.map((u) => (typeof u.activity?.linesAdded === "number" ? String(u.activity.linesAdded) : null)),
      );
      expect(await page.page.isVisible('th button[data-sort="lines-added"]')).toBe(true);
      expect([page.errors, page.requests]).toEqual([[], []]);
    } finally {
      await page.close();
    }
  });
});
