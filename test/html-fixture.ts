import type { PlatformUsage, Report, Totals, UserUsage } from "../src/report/report.ts";
import { UsageSeries } from "../src/report/series.ts";
import type { UsageRow } from "../src/usage/types.ts";

/**
 * A report built the way the aggregator builds one — from rows — for the HTML tests that run without
 * the CLI: people on several platforms, hostile identities, estimated costs, a failed platform.
 */

export const HOSTILE_USERS = [
  `"><img src=x onerror=alert(1)>@co.com`,
  "</script><script>alert(2)</script>@co.com",
  "<!--@co.com",
  "x' onmouseover='alert(3)@co.com",
  "car\rriage\nline@co.com",
  "c1\u009b2Jcsi\u001b[31m@co.com",
  "rtl\u202emoc.live\u202c@co.com",
  `${"x".repeat(200)}@co.com`,
  "&lt;b&gt;entity@co.com",
];

const LABELS: Record<string, string> = { claude: "Claude", openai: "OpenAI", cursor: "Cursor" };

function row(platform: string, day: string, identity: string, model: string, n: number): UsageRow {
  return {
    platform,
    day,
    identity,
    email: identity.includes("@") ? identity : null,
    model,
    requests: n,
    inputTokens: n * 1000,
    outputTokens: n * 200,
    cacheReadTokens: n * 50,
    cacheWriteTokens: n * 10,
    costNanos: n * 12_345_000,
    costEstimated: platform === "openai",
  };
}

/** Rows over a 7-day window: every person uses one to three platforms with a distinct volume. */
export function fixtureRows(people: readonly string[] = ["alice@co.com", "bob@co.com", ...HOSTILE_USERS]) {
  const rows: UsageRow[] = [];
  const days = [
    "2026-11-01",
    "2026-11-02",
    "2026-11-03",
    "2026-11-04",
    "2026-11-05",
    "2026-11-06",
    "2026-11-07",
  ];
  people.forEach((person, i) => {
    const platforms = ["claude", "openai", "cursor"].slice(0, 1 + (i % 3));
    days.forEach((day, d) => {
      for (const p of platforms) {
        const model = p === "claude" ? "claude-sonnet-5" : p === "openai" ? "gpt-5.5<b>" : "composer-2";
        rows.push(row(p, day, person, model, 3 + ((i * 7 + d * 3) % 11) + people.length - i));
      }
    });
  });
  return rows;
}

const add = (t: Totals, r: Totals) => {
  t.requests += r.requests;
  t.tokens += r.tokens;
  t.inputTokens += r.inputTokens;
  t.outputTokens += r.outputTokens;
  t.cacheReadTokens += r.cacheReadTokens;
  t.cacheWriteTokens += r.cacheWriteTokens;
  t.costNanos += r.costNanos;
  t.costEstimated ||= r.costEstimated;
};
const zero = (): Totals => ({
  requests: 0,
  tokens: 0,
  inputTokens: 0,
  outputTokens: 0,
  cacheReadTokens: 0,
  cacheWriteTokens: 0,
  costNanos: 0,
  costEstimated: false,
});

/** The report of `rows`, ranked by requests (ties by user), and the chart series of the same rows. */
export function fixtureReport(rows = fixtureRows(), extra: Partial<Report> = {}) {
  const people = new Map<string, Map<string, PlatformUsage>>();
  const window = extra.window ?? { since: "2026-11-01", until: "2026-11-07", days: 7 };
  const series = new UsageSeries(window);
  for (const r of rows) {
    series.add(r);
    const byPlatform = people.get(r.identity) ?? new Map<string, PlatformUsage>();
    people.set(r.identity, byPlatform);
    const p = byPlatform.get(r.platform) ?? { platform: r.platform, ...zero() };
    byPlatform.set(r.platform, p);
    add(p, {
      ...r,
      tokens: r.inputTokens + r.outputTokens + r.cacheReadTokens + r.cacheWriteTokens,
    });
  }
  const totals = zero();
  const users: UserUsage[] = [...people].map(([user, byPlatform]) => {
    const platforms = ["claude", "openai", "cursor"].flatMap((id) => byPlatform.get(id) ?? []);
    const t = zero();
    for (const p of platforms) add(t, p);
    add(totals, t);
    return { rank: 0, user, email: user, ...t, tools: platforms.map((p) => LABELS[p.platform]!), platforms };
  });
  users.sort((a, b) => b.requests - a.requests || (a.user < b.user ? -1 : 1));
  users.forEach((u, i) => {
    u.rank = i + 1;
  });
  const report: Report = {
    window,
    windowMode: "range",
    sort: "requests",
    platforms: [
      { platform: "claude", status: "ok", message: null },
      { platform: "openai", status: "ok", message: null },
      { platform: "cursor", status: "ok", message: null, counters: { excludedEvents: 3 } },
    ],
    users,
    totals,
    demo: false,
    unpricedModels: [],
    ...extra,
  };
  return { report, series };
}
