import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { esc, jsonForScript } from "../src/render/html/escape.ts";
import { renderHtml } from "../src/render/html/index.ts";
import { niceStep } from "../src/render/html/svg.ts";
import { NOW } from "./cli.ts";
import { fixtureReport, HOSTILE_USERS } from "./html-fixture.ts";

/** The HTML report as text: escaping, the Content-Security-Policy, and what the optional report fields add. */

const OUR_TAGS =
  "html head meta title style body main header h1 h2 p time div ul li strong span section figure figcaption svg g line text rect button table caption thead tbody tfoot tr th td bdi footer script".split(
    " ",
  );
const at = { generatedAt: new Date(NOW) };
const { report, series } = fixtureReport();
const html = renderHtml(report, { ...at, series });

function csp(page: string): string {
  return /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(page)![1]!;
}
const hash = (text: string) => `'sha256-${createHash("sha256").update(text).digest("base64")}'`;

describe("escaping", () => {
  it("turns markup characters into references and keeps CR exact", () => {
    expect(esc(`<a href="x" title='y'>&amp;</a>`)).toBe(
      "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;",
    );
    expect(esc("a\rb")).toBe("a&#13;b");
    // C1 controls stay raw: as references the parser would turn them into Windows-1252 punctuation.
    expect(esc("c1\u009b")).toBe("c1\u009b");
  });

  it("keeps JSON inside a script element from ending it, and JSON.parse returns the same value", () => {
    const value = { user: "</script><script>alert(1)</script><!-- & \u2028" };
    const text = jsonForScript(JSON.stringify(value));
    expect(text).not.toMatch(/[<>&\u2028]/);
    expect(JSON.parse(text)).toEqual(value);
  });

  it("no vendor string appears raw anywhere in the page", () => {
    for (const user of HOSTILE_USERS.filter((u) => /[<>"]/.test(u))) expect(html).not.toContain(user);
    expect(html).not.toMatch(/<img|<b>/i);
    expect(html.match(/<script/g)).toHaveLength(2);
    // Every tag is one of ours: vendor text never opens one.
    const names = new Set([...html.matchAll(/<([a-zA-Z][\w-]*)/g)].map((m) => m[1]!.toLowerCase()));
    expect([...names].filter((n) => !OUR_TAGS.includes(n))).toEqual([]);
  });
});

describe("Content-Security-Policy", () => {
  it("allows only the page's own style and script, by hash, and nothing remote", () => {
    const policy = csp(html);
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)![1]!;
    const script = /<script>([\s\S]*?)<\/script>/.exec(html)![1]!;
    expect(policy).toBe(
      `default-src 'none'; script-src ${hash(script)}; style-src ${hash(style)}; img-src data:; base-uri 'none'; form-action 'none'`,
    );
  });

  it("has no inline style or event-handler attribute, and no URL to another host", () => {
    // Since no vendor text can open a tag, the attributes of every tag are ours to check.
    const attributes = [...html.matchAll(/<[a-zA-Z][^>]*>/g)].flatMap((m) =>
      [...m[0].replace(/"[^"]*"/g, '""').matchAll(/\s([\w-]+)=/g)].map((a) => a[1]!),
    );
    expect(
      attributes.filter((a) => a === "style" || a.startsWith("on") || a === "src" || a === "href"),
    ).toEqual([]);
    expect(html).not.toMatch(/https?:\/\/|url\(|@import/i);
  });
});

describe("contents", () => {
  it("one ranked row per user with the JSON figures, the window, the time it was made", () => {
    expect(html.match(/<tr data-user=/g)).toHaveLength(report.users.length);
    expect(html).toContain(`data-user="alice@co.com" data-rank="`);
    expect(html).toContain("<h1>AI Coding Usage Leaderboard (2026-11-01 – 2026-11-07)</h1>");
    expect(html).toContain(`<time datetime="2026-11-24T12:00:00.000Z">2026-11-24 12:00 UTC</time>`);
    expect(html).toContain("~ estimated from list prices");
    expect(html).not.toContain('id="failed-platforms"');
  });

  it("names a platform's counters, the first two in its chip and the rest on hover", () => {
    const counters = { excludedEvents: 3, "turns:cli": 5, "turns:web": 0, "turns:ide": 7 };
    const platforms = report.platforms.map((p) => (p.platform === "cursor" ? { ...p, counters } : p));
    const page = renderHtml({ ...report, platforms }, at);
    expect(page).toContain(
      '3 excluded events, 5 turns:cli <span class="more" title="3 excluded events, 5 turns:cli, 7 turns:ide">and 1 more</span>',
    );
  });

  it("says when per-day figures are missing rather than drawing an empty chart", () => {
    const bare = renderHtml(report, at);
    expect(bare).toContain("Per-day figures are not part of this report.");
    expect(bare).not.toContain('id="usage-chart"');
    expect(bare).toContain('id="top-chart"');
  });

  it("draws weeks, then months, over long windows", () => {
    const long = fixtureReport(undefined, {
      window: { since: "2025-01-01", until: "2026-11-07", days: 676 },
    });
    const page = renderHtml(long.report, { ...at, series: long.series });
    expect(page).toContain("Usage per week by platform");
    const longer = fixtureReport(undefined, {
      window: { since: "2020-01-01", until: "2026-11-07", days: 2503 },
    });
    expect(renderHtml(longer.report, { ...at, series: longer.series })).toContain(
      "Usage per month by platform",
    );
  });

  it("--by: rows keyed data-key with a People column", () => {
    const groups = [
      { ...report.users[0]!, rank: 1, key: "<team>", users: 3 },
      { ...report.users[1]!, rank: 2, key: "(no team)", users: 2 },
    ];
    const page = renderHtml({ ...report, by: "team", groups } as typeof report, at);
    expect(page.match(/<tr data-key=/g)).toHaveLength(2);
    expect(page).not.toContain("<tr data-user=");
    expect(page).toContain('data-key="&lt;team&gt;"');
    expect(page).toContain('data-people="3"');
    expect(page).toContain(">Team</button>");
    expect(page).toContain("Top teams");
  });

  it("--compare: a change column, the previous period beside the current, in the chart and the cards", () => {
    const users = report.users.map((u, i) => ({
      ...u,
      previous: { requests: i === 0 ? 0 : u.requests / 2, tokens: u.tokens, costNanos: u.costNanos },
    }));
    const compared = {
      ...report,
      users,
      previousWindow: { since: "2026-10-25", until: "2026-10-31", days: 7 },
      totals: { ...report.totals, previous: { requests: 1000, tokens: 1, costNanos: 1 } },
    };
    const page = renderHtml(compared as typeof report, { ...at, series });
    expect(page).toContain('id="compare-chart"');
    expect(page).toContain("compared with 2026-10-25 – 2026-10-31");
    expect(page).toContain('data-change="Infinity"');
    expect(page).toContain('data-change="1"'); // twice the previous requests: +100 %
    expect(page).toContain(">+100%</td>");
    expect(page).toContain(
      `+${Math.round((report.totals.requests / 1000 - 1) * 100)}% on the previous period`,
    );
    expect(page.match(/<rect class="previous"/g)).toHaveLength(10);
  });

  it("--activity: activity columns, null shown as a dash", () => {
    const users = report.users.map((u, i) => ({
      ...u,
      activity: {
        linesAdded: 100 + i,
        linesRemoved: 5,
        commits: i === 0 ? null : 2,
        pullRequests: null,
        suggestionsAccepted: 7,
        suggestionsRejected: 1,
      },
    }));
    const notes = ["<i>2 people</i> are in two teams"];
    const page = renderHtml({ ...report, users, notes } as typeof report, at);
    expect(page).toContain("<p>&lt;i&gt;2 people&lt;/i&gt; are in two teams</p>");
    expect(page).toContain(">Lines +</button>");
    expect(page).toContain('data-lines-added="100"');
    expect(page).toMatch(/<td class="num activity">–<\/td>/);
  });

  it("an empty window: a table without rows and charts that say so", () => {
    const none = fixtureReport([]);
    const page = renderHtml(none.report, { ...at, series: none.series });
    expect(page).toContain("<caption>No usage in this window.</caption>");
    expect(page).not.toContain("<tr data-user=");
    expect(page.match(/<p class="empty">No usage in this window.<\/p>/g)).toHaveLength(2);
    expect(page).toContain('<p class="empty">No cost in this window.</p>');
  });

  it("axis steps are 1, 2 or 5 times a power of ten, whole numbers", () => {
    expect([niceStep(400), niceStep(7), niceStep(3), niceStep(1), niceStep(0)]).toEqual([100, 2, 1, 1, 1]);
    expect(niceStep(650_000_000)).toBe(200_000_000);
  });
});
