import { describe, expect, it } from "vitest";
import { Aggregator } from "../src/report/aggregate.ts";
import { emptyRow, type UsageRow } from "../src/usage/types.ts";

function row(partial: Partial<UsageRow>): UsageRow {
  const key = {
    platform: "claude",
    day: "2026-11-01",
    identity: "a@x.com",
    email: "a@x.com",
    model: "m",
  } as const;
  return { ...emptyRow({ ...key, costEstimated: false }), ...partial };
}

const build = (
  agg: Aggregator,
  sort: "requests" | "tokens" | "cost" = "requests",
  top: number | null = null,
) =>
  agg.build({
    window: { since: "2026-11-01", until: "2026-11-30", days: 30 },
    windowMode: "days",
    sort,
    top,
    platforms: [],
    demo: false,
    unpricedModels: [],
  });

describe("Aggregator", () => {
  it("merges a person across platforms by lower-cased, trimmed email and keeps per-platform totals", () => {
    const agg = new Aggregator();
    agg.add(
      row({ identity: "alice@co.com", email: "alice@co.com", requests: 2, inputTokens: 10, costNanos: 1 }),
    );
    agg.add(
      row({
        platform: "openai",
        identity: "user-1",
        email: " Alice@Co.com ",
        requests: 3,
        outputTokens: 5,
        costNanos: 2,
        costEstimated: true,
      }),
    );
    agg.add(
      row({
        platform: "cursor",
        identity: "alice@co.com",
        email: "ALICE@co.com",
        requests: 4,
        cacheReadTokens: 7,
        cacheWriteTokens: 1,
      }),
    );
    const [alice, ...rest] = build(agg).users;
    expect(rest).toEqual([]);
    expect(alice).toMatchObject({
      user: "alice@co.com",
      email: "alice@co.com",
      requests: 9,
      tokens: 23,
      costNanos: 3,
      costEstimated: true,
      tools: ["Claude", "OpenAI", "Cursor"],
    });
    expect(alice!.platforms.map((p) => [p.platform, p.requests, p.tokens, p.costEstimated])).toEqual([
      ["claude", 2, 10, false],
      ["openai", 3, 5, true],
      ["cursor", 4, 8, false],
    ]);
  });

  it("keeps usage nobody can be tied to under its label", () => {
    const agg = new Aggregator();
    agg.add(row({ platform: "openai", identity: "(unattributed)", email: null, requests: 1 }));
    agg.add(row({ identity: "api-key:ci", email: null, requests: 1 }));
    agg.add(row({ platform: "openai", identity: "user-abc", email: null, requests: 1 }));
    expect(build(agg).users.map((u) => [u.user, u.email])).toEqual([
      ["(unattributed)", null],
      ["api-key:ci", null],
      ["user-abc", null],
    ]);
  });

  it("ranks by the sort key, then requests, tokens, cost, then user ascending", () => {
    const agg = new Aggregator();
    agg.add(row({ identity: "d", email: "d", requests: 5, inputTokens: 1, costNanos: 9 }));
    agg.add(row({ identity: "c", email: "c", requests: 5, inputTokens: 2, costNanos: 1 }));
    agg.add(row({ identity: "b", email: "b", requests: 1, inputTokens: 2, costNanos: 9 }));
    agg.add(row({ identity: "a", email: "a", requests: 1, inputTokens: 2, costNanos: 9 }));
    expect(build(agg, "requests").users.map((u) => u.user)).toEqual(["c", "d", "a", "b"]);
    expect(build(agg, "tokens").users.map((u) => u.user)).toEqual(["c", "a", "b", "d"]);
    expect(build(agg, "cost").users.map((u) => u.user)).toEqual(["d", "a", "b", "c"]);
    expect(build(agg, "cost").users.map((u) => u.rank)).toEqual([1, 2, 3, 4]);
  });

  it("--top shows the first n but totals still cover everyone", () => {
    const agg = new Aggregator();
    for (let i = 0; i < 5; i++)
      agg.add(row({ identity: `u${i}`, email: `u${i}`, requests: i + 1, costNanos: 100 }));
    const report = build(agg, "requests", 2);
    expect(report.users.map((u) => u.user)).toEqual(["u4", "u3"]);
    expect(report.totals).toMatchObject({ requests: 15, costNanos: 500 });
  });

  it("sums money exactly: a million 0.1-cent rows make exactly $1,000", () => {
    const agg = new Aggregator();
    for (let i = 0; i < 1_000_000; i++) agg.add(row({ costNanos: 1_000_000 }));
    expect(build(agg).totals.costNanos).toBe(1_000_000_000_000);
  });
});

describe("aliases", () => {
  const aliases = new Map([
    ["user-abc", "alice@co.com"],
    ["api-key:ci", "bob@co.com"],
    ["alice.old@co.com", "alice@co.com"],
    ["(unattributed)", "shared-keys"],
  ]);

  it("map vendor ids, key labels and second addresses onto one person at report time", () => {
    const agg = new Aggregator(aliases);
    agg.add(row({ identity: "alice@co.com", email: "alice@co.com", requests: 1 }));
    agg.add(row({ platform: "openai", identity: "user-abc", email: null, requests: 2 }));
    agg.add(
      row({ platform: "cursor", identity: "alice.old@co.com", email: "Alice.Old@co.com", requests: 4 }),
    );
    agg.add(row({ identity: "api-key:ci", email: null, requests: 8 }));
    agg.add(row({ platform: "openai", identity: "(unattributed)", email: null, requests: 16 }));
    agg.add(row({ platform: "openai", identity: "user-zzz", email: null, requests: 32 }));
    expect(build(agg).users.map((u) => [u.user, u.email, u.requests, u.tools.join("+")])).toEqual([
      ["user-zzz", null, 32, "OpenAI"],
      ["shared-keys", null, 16, "OpenAI"],
      ["bob@co.com", "bob@co.com", 8, "Claude"],
      ["alice@co.com", "alice@co.com", 7, "Claude+OpenAI+Cursor"],
    ]);
  });
});
