import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { openStore, type Source, type Store, StoreError } from "../src/store/index.ts";
import { daysBetween } from "../src/usage/days.ts";
import {
  type Activity,
  addActivity,
  addCounts,
  emptyActivity,
  emptyRow,
  type UsageRow,
} from "../src/usage/types.ts";
import { NO_PG, type PgServer, pgBinDir, startPg } from "./pg-server.ts";
import { row } from "./store-helpers.ts";

/**
 * The Store contract, written once and run against both engines: an SQLite file and a real
 * PostgreSQL server (test/pg-server.ts). Engine-specific checks (files, URLs, errors) live in
 * test/store.test.ts and test/store-postgres.test.ts.
 */

interface Engine {
  name: string;
  /** A location for a new, empty store. */
  fresh(): Promise<string>;
}

const dirs: string[] = [];
const sqlite: Engine = {
  name: "sqlite",
  async fresh() {
    const dir = mkdtempSync(join(tmpdir(), "ai-usage contract #%"));
    dirs.push(dir);
    // A space, '#' and '%' check the file: URL encoding; the missing directory is created.
    return join(dir, "nested", "history.db");
  },
};

const hasPg = pgBinDir() !== null;
if (!hasPg) console.warn(NO_PG);
let server: PgServer | undefined;
const pg: Engine = {
  name: "postgres",
  async fresh() {
    server ??= await startPg();
    return server.createDatabase();
  },
};

afterAll(async () => {
  await server?.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const CLAUDE: Source = { platform: "claude", org: "org:acme" };
const CLAUDE_OTHER: Source = { platform: "claude", org: "fp:0123456789abcdef" };
const OPENAI: Source = { platform: "openai", org: "org:acme" };
const CURSOR: Source = { platform: "cursor", org: "fp:cursor" };

const activity = (over: Partial<Activity>): Activity => ({ ...emptyActivity(), ...over });

async function all(
  s: Store,
  sources: Source[] = [CLAUDE, OPENAI, CURSOR],
  since = "2000-01-01",
  until = "2100-01-01",
) {
  const out: UsageRow[] = [];
  for await (const r of s.readRows(sources, since, until)) out.push(r);
  return out;
}
const sum = (rows: UsageRow[], f: "requests" | "costNanos") => rows.reduce((a, r) => a + r[f], 0);
const byKey = (r: UsageRow) => `${r.platform}|${r.day}|${r.identity}|${r.model}`;
const sorted = (rows: UsageRow[]) => [...rows].sort((a, b) => byKey(a).localeCompare(byKey(b)));
const groupOf = (r: UsageRow) => JSON.stringify([r.platform, r.identity, r.email, r.model, r.costEstimated]);
const inGroupOrder = (rows: UsageRow[]) => [...rows].sort((x, y) => groupOf(x).localeCompare(groupOf(y)));

/** What `readTotals` must give for `rows`: folded here, by the group's key, with `day` = `since`. */
function foldTotals(rows: readonly UsageRow[], since: string): UsageRow[] {
  const out = new Map<string, UsageRow>();
  for (const r of rows) {
    let t = out.get(groupOf(r));
    if (!t) {
      t = emptyRow({ ...r, day: since });
      out.set(groupOf(r), t);
    }
    addCounts(t, r);
    if (r.activity) {
      t.activity ??= emptyActivity();
      addActivity(t.activity, r.activity);
    }
  }
  return [...out.values()];
}

describe.each([sqlite, pg])("store contract: $name", (engine) => {
  const skip = engine === pg && !hasPg;
  let store: Store | undefined;
  let location: string;
  beforeAll(() => {
    if (skip) console.warn(`store contract on postgres: ${NO_PG}`);
  });
  afterEach(async () => {
    await store?.close();
    store = undefined;
  });
  const open = async () => {
    location = await engine.fresh();
    store = await openStore(location);
    return store;
  };

  it.skipIf(skip)(
    "round-trips rows exactly (big integers, Unicode, activity nulls) and survives reopening",
    async () => {
      const rows = [
        row("2025-05-01", "alice@example.com", {
          costNanos: 9_007_199_254_740_991,
          inputTokens: 4_000_000_000_000,
          activity: activity({ linesAdded: 9_007_199_254_740_000, commits: 0 }),
        }),
        row("2025-05-01", "api-key:Ünïcødé ключ 🔑 'quote\" \\N \\ ;\ttab\nline\r\\t", {
          costEstimated: true,
          model: "gpt-4.1\\",
          email: "\\N",
        }),
        row("2025-05-02", "(unattributed)", {
          requests: 0,
          costNanos: 0,
          activity: activity({
            suggestionsAccepted: 7,
            suggestionsRejected: 0,
            pullRequests: 2,
            linesRemoved: 1,
          }),
        }),
      ];
      const s = await open();
      await s.replaceDays(CLAUDE, ["2025-05-01", "2025-05-02"], rows, 1_746_400_000_123);
      await s.close();
      store = await openStore(location);
      const back = await all(store);
      expect(sorted(back)).toEqual(sorted(rows));
      const alice = back.find((r) => r.identity === "alice@example.com")!;
      expect(alice.costNanos).toBe(9_007_199_254_740_991);
      expect(alice.activity).toEqual(activity({ linesAdded: 9_007_199_254_740_000, commits: 0 }));
      // A value spelled like COPY's NULL marker is still that text.
      expect(back.find((r) => r.identity.startsWith("api-key"))!.email).toBe("\\N");
      expect(await store.fetchedDays(CLAUDE, "2025-05-01", "2025-05-31")).toEqual(
        new Map([
          ["2025-05-01", 1_746_400_000_123],
          ["2025-05-02", 1_746_400_000_123],
        ]),
      );
    },
  );

  it.skipIf(skip)(
    "readTotals: a window summed per person and model equals its rows summed, activity nulls kept",
    async () => {
      const days = ["2025-05-01", "2025-05-02", "2025-05-03", "2025-05-04"];
      const claude = [
        row("2025-05-01", "a@x.io", { activity: activity({ linesAdded: 5 }) }),
        row("2025-05-02", "a@x.io", { requests: 7, costNanos: 9, activity: activity({ commits: 0 }) }),
        row("2025-05-03", "a@x.io", { requests: 11 }),
        row("2025-05-02", "a@x.io", { model: "claude-opus-4", costEstimated: true, costNanos: 0 }),
        row("2025-05-03", "a@x.io", { model: "claude-opus-4", costNanos: 40 }),
        // A vendor id whose email became known on a later day stays two groups, as two rows would.
        row("2025-05-02", "user-7", { email: null, requests: 1 }),
        row("2025-05-03", "user-7", { email: "seven@x.io", requests: 2 }),
        // Outside the window read below.
        row("2025-05-04", "a@x.io", { requests: 1_000 }),
      ];
      const other = [row("2025-05-02", "a@x.io", { requests: 100, costNanos: 1 })];
      const openai = [row("2025-05-02", "b@x.io", { platform: "openai", model: "gpt-5", requests: 3 })];
      const s = await open();
      await s.replaceDays(CLAUDE, days, claude, 1);
      await s.replaceDays(CLAUDE_OTHER, days, other, 1);
      await s.replaceDays(OPENAI, days, openai, 1);

      const totals = await s.readTotals([CLAUDE, OPENAI], "2025-05-01", "2025-05-03");
      const stored = [...claude, ...openai].filter((r) => r.day <= "2025-05-03");
      expect(inGroupOrder(totals)).toEqual(inGroupOrder(foldTotals(stored, "2025-05-01")));
      expect(totals).toHaveLength(6);
      const a = totals.find((r) => r.identity === "a@x.io" && r.model === "claude-sonnet-4")!;
      expect(a.requests).toBe(3 + 7 + 11);
      expect(a.activity).toEqual(activity({ linesAdded: 5, commits: 0 }));
      expect(await s.readTotals([], "2025-05-01", "2025-05-03")).toEqual([]);
      expect(await s.readTotals([CURSOR], "2025-05-01", "2025-05-03")).toEqual([]);
    },
  );

  it.skipIf(skip)(
    "readTotals stays equal to the rows summed through revisions, emptied days and any window's month edges",
    async () => {
      const s = await open();
      // The store's content as this test wrote it: day → rows, the last replace of a day winning.
      const stored = new Map<string, UsageRow[]>();
      const replace = async (days: string[], rows: UsageRow[]) => {
        await s.replaceDays(CLAUDE, days, rows, 1);
        for (const d of days)
          stored.set(
            d,
            rows.filter((r) => r.day === d),
          );
      };
      const people = ["a@x.io", "b@x.io", "user-9"];
      const dayRows = (day: string, n: number) =>
        people.map((p, i) =>
          row(day, p, {
            requests: n + i,
            costNanos: 1_000 * n + i,
            model: i === 2 ? "claude-opus-4" : "claude-sonnet-4",
            activity: n % 3 === 0 ? activity({ linesAdded: n, commits: i === 0 ? null : 1 }) : null,
          }),
        );
      const days = daysBetween("2024-01-20", "2024-04-10");
      // One batch across two month ends, then a batch per day.
      await replace(
        days.slice(0, 45),
        days.slice(0, 45).flatMap((d, n) => dayRows(d, n)),
      );
      for (const [n, d] of days.slice(45).entries()) await replace([d], dayRows(d, 100 + n));
      // Revised: a day inside February, a batch over the February/March edge; emptied: a March day.
      await replace(["2024-02-10"], dayRows("2024-02-10", 500));
      await replace(["2024-02-28", "2024-02-29", "2024-03-01"], dayRows("2024-02-29", 600));
      await replace(["2024-03-15"], []);
      for (const [since, until] of [
        ["2024-01-20", "2024-04-10"],
        ["2024-02-01", "2024-02-29"],
        ["2024-02-01", "2024-03-31"],
        ["2024-01-31", "2024-03-01"],
        ["2024-02-29", "2024-02-29"],
        ["2024-02-02", "2024-02-28"],
        ["2024-03-01", "2024-04-30"],
        ["2023-12-01", "2024-01-31"],
      ] as const) {
        const inWindow = [...stored.values()].flat().filter((r) => r.day >= since && r.day <= until);
        const totals = await s.readTotals([CLAUDE], since, until);
        expect(inGroupOrder(totals), `${since}..${until}`).toEqual(inGroupOrder(foldTotals(inWindow, since)));
      }
    },
  );

  it.skipIf(skip)(
    "readTotals: a sum too large to hold exactly is an error, not a rounded figure",
    async () => {
      const s = await open();
      const big = (day: string) => row(day, "a@x.io", { costNanos: 9_007_199_254_740_991 });
      await s.replaceDays(CLAUDE, ["2025-05-01", "2025-05-02"], [big("2025-05-01"), big("2025-05-02")], 1);
      const err = await s.readTotals([CLAUDE], "2025-05-01", "2025-05-02").catch((e: unknown) => e);
      expect(err).toBeInstanceOf(StoreError);
      expect((err as Error).message).toMatch(/too large to hold exactly/);
      expect((await s.readTotals([CLAUDE], "2025-05-01", "2025-05-01"))[0]!.costNanos).toBe(
        9_007_199_254_740_991,
      );
    },
  );

  it.skipIf(skip)("keeps two sources apart: rows, fetch records, counters and cache", async () => {
    const s = await open();
    await s.replaceDays(CLAUDE, ["2025-05-01"], [row("2025-05-01", "a@x.io", { requests: 1 })], 1, {
      "2025-05-01": { excludedEvents: 2 },
    });
    await s.replaceDays(
      CLAUDE_OTHER,
      ["2025-05-01", "2025-05-02"],
      [row("2025-05-01", "a@x.io", { requests: 40 })],
      2,
      {
        "2025-05-01": { excludedEvents: 5 },
      },
    );
    expect(sum(await all(s, [CLAUDE]), "requests")).toBe(1);
    expect(sum(await all(s, [CLAUDE_OTHER]), "requests")).toBe(40);
    expect(sum(await all(s, [CLAUDE, CLAUDE_OTHER]), "requests")).toBe(41);
    expect(await s.fetchedDays(CLAUDE, "2025-05-01", "2025-05-02")).toEqual(new Map([["2025-05-01", 1]]));
    expect(await s.readCounters(CLAUDE, "2025-05-01", "2025-05-02")).toEqual({ excludedEvents: 2 });
    expect(await s.readCounters(CLAUDE_OTHER, "2025-05-01", "2025-05-02")).toEqual({ excludedEvents: 5 });

    // Replacing one source's day leaves the other's alone.
    await s.replaceDays(CLAUDE_OTHER, ["2025-05-01"], [], 3);
    expect(sum(await all(s, [CLAUDE]), "requests")).toBe(1);
    expect(await all(s, [CLAUDE_OTHER])).toEqual([]);

    await s.cacheSet(CLAUDE, "users", new Map([["u1", "one@x.io"]]));
    await s.cacheSet(CLAUDE_OTHER, "users", new Map([["u1", "other@x.io"]]));
    expect(await s.cacheGet(CLAUDE, "users", ["u1"])).toEqual(new Map([["u1", "one@x.io"]]));
    expect(await s.cacheGet(CLAUDE_OTHER, "users", ["u1"])).toEqual(new Map([["u1", "other@x.io"]]));
    expect(await s.cacheGet(OPENAI, "users", ["u1"])).toEqual(new Map());
  });

  it.skipIf(skip)(
    "replacing days twice never double counts, and leaves other days and platforms alone",
    async () => {
      const s = await open();
      const days = ["2025-05-01", "2025-05-02", "2025-05-03"];
      const first = days.flatMap((d) => [row(d, "a@x.io"), row(d, "b@x.io")]);
      await s.replaceDays(CLAUDE, days, first, 1);
      await s.replaceDays(CLAUDE, days, first, 2);
      await s.replaceDays(
        OPENAI,
        ["2025-05-02"],
        [row("2025-05-02", "u1", { platform: "openai", requests: 50 })],
        2,
      );
      expect(sum(await all(s, [CLAUDE]), "requests")).toBe(18);

      // A re-fetch of one day with revised numbers replaces exactly that day.
      await s.replaceDays(CLAUDE, ["2025-05-02"], [row("2025-05-02", "a@x.io", { requests: 10 })], 3);
      const claude = await all(s, [CLAUDE]);
      expect(claude.filter((r) => r.day === "2025-05-02")).toEqual([
        row("2025-05-02", "a@x.io", { requests: 10 }),
      ]);
      expect(sum(claude, "requests")).toBe(6 + 10 + 6);
      expect(sum(await all(s, [OPENAI]), "requests")).toBe(50);
      expect(await s.fetchedDays(CLAUDE, "2025-05-01", "2025-05-03")).toEqual(
        new Map([
          ["2025-05-01", 2],
          ["2025-05-02", 3],
          ["2025-05-03", 2],
        ]),
      );
      expect(await all(s, [CLAUDE], "2025-05-02", "2025-05-02")).toHaveLength(1);
    },
  );

  it.skipIf(skip)("records a day fetched with no rows, and replacing with none empties it", async () => {
    const s = await open();
    await s.replaceDays(CURSOR, ["2025-05-01"], [row("2025-05-01", "a@x.io", { platform: "cursor" })], 5);
    await s.replaceDays(CURSOR, ["2025-05-01", "2025-05-02"], [], 7);
    expect(await all(s)).toEqual([]);
    expect(await s.fetchedDays(CURSOR, "2025-05-01", "2025-05-02")).toEqual(
      new Map([
        ["2025-05-01", 7],
        ["2025-05-02", 7],
      ]),
    );
    expect(await s.fetchedDays(CLAUDE, "2025-05-01", "2025-05-02")).toEqual(new Map());
  });

  it.skipIf(skip)(
    "sums rows that share a key, activity included, instead of failing or dropping one",
    async () => {
      const s = await open();
      const parts = [
        row("2025-05-01", "a@x.io", { activity: activity({ linesAdded: 5 }) }),
        row("2025-05-01", "a@x.io", { costEstimated: true, requests: 4 }),
        row("2025-05-01", "a@x.io", { requests: 0, activity: activity({ linesAdded: 2, commits: 1 }) }),
      ];
      await s.replaceDays(CLAUDE, ["2025-05-01"], parts, 1);
      expect(await all(s)).toEqual([
        row("2025-05-01", "a@x.io", {
          requests: 7,
          inputTokens: 300,
          outputTokens: 60,
          cacheReadTokens: 15,
          cacheWriteTokens: 3,
          costNanos: 3_690_000_000,
          costEstimated: true,
          activity: activity({ linesAdded: 7, commits: 1 }),
        }),
      ]);
    },
  );

  it.skipIf(skip)("rejects a bad replace whole, writing nothing", async () => {
    const s = await open();
    await s.replaceDays(CLAUDE, ["2025-05-01"], [row("2025-05-01", "a@x.io")], 1);
    const bad: [Source, string[], UsageRow[]][] = [
      [CLAUDE, ["2025-05-01"], [row("2025-05-02", "a@x.io")]],
      [CLAUDE, ["2025-05-01"], [row("2025-05-01", "a@x.io", { platform: "openai" })]],
      [CLAUDE, ["2025-05-01"], [row("2025-05-01", "a@x.io", { costNanos: 1.5 })]],
      [CLAUDE, ["2025-05-01"], [row("2025-05-01", "a@x.io", { costNanos: 2 ** 53 })]],
      [CLAUDE, ["2025-05-01"], [row("2025-05-01", "a@x.io", { activity: activity({ commits: 0.5 }) })]],
      [CLAUDE, ["2025-5-1"], []],
    ];
    for (const [src, days, rows] of bad)
      await expect(s.replaceDays(src, days, rows, 9)).rejects.toThrow(StoreError);
    await expect(s.replaceDays(CLAUDE, ["2025-05-01"], [], 9, { "2025-05-02": { n: 1 } })).rejects.toThrow(
      StoreError,
    );
    expect(await all(s)).toEqual([row("2025-05-01", "a@x.io")]);
    expect(await s.fetchedDays(CLAUDE, "2025-05-01", "2025-05-02")).toEqual(new Map([["2025-05-01", 1]]));
  });

  it.skipIf(skip)(
    "rolls back a replace the database refuses halfway, keeping the old rows and records",
    async () => {
      const s = await open();
      await s.replaceDays(CLAUDE, ["2025-05-01"], [row("2025-05-01", "a@x.io")], 1);
      // The bad row comes after the DELETE and after earlier INSERTs succeeded.
      const rows = Array.from({ length: 12_000 }, (_, i) => row("2025-05-01", `u${i}@x.io`));
      rows[11_000] = { ...row("2025-05-01", "x"), identity: null as unknown as string };
      await expect(s.replaceDays(CLAUDE, ["2025-05-01"], rows, 2)).rejects.toThrow(/null/i);
      expect(await all(s)).toEqual([row("2025-05-01", "a@x.io")]);
      expect(await s.fetchedDays(CLAUDE, "2025-05-01", "2025-05-01")).toEqual(new Map([["2025-05-01", 1]]));
    },
  );

  it.skipIf(skip)("keeps counters with each day: replaced with the day, summed over a window", async () => {
    const s = await open();
    await s.replaceDays(CURSOR, ["2025-05-01", "2025-05-02", "2025-05-03"], [], 1, {
      "2025-05-01": { excludedEvents: 3, other: 1 },
      "2025-05-02": { excludedEvents: 4 },
    });
    expect(await s.readCounters(CURSOR, "2025-05-01", "2025-05-03")).toEqual({ excludedEvents: 7, other: 1 });
    await s.replaceDays(CURSOR, ["2025-05-01"], [], 2);
    expect(await s.readCounters(CURSOR, "2025-05-01", "2025-05-03")).toEqual({ excludedEvents: 4 });
    expect(await s.readCounters(CURSOR, "2025-05-03", "2025-05-03")).toEqual({});
  });

  it.skipIf(skip)("caches values per namespace, overwriting and returning only what it has", async () => {
    const s = await open();
    expect(await s.cacheGet(OPENAI, "users", ["u1"])).toEqual(new Map());
    await s.cacheSet(
      OPENAI,
      "users",
      new Map([
        ["u1", "a@x.io"],
        ["u2", "ü 🔑 '\""],
      ]),
    );
    await s.cacheSet(OPENAI, "users", new Map([["u1", "new@x.io"]]));
    await s.cacheSet(OPENAI, "logins", new Map([["u1", "gh"]]));
    expect(await s.cacheGet(OPENAI, "users", ["u1", "u2", "u3"])).toEqual(
      new Map([
        ["u1", "new@x.io"],
        ["u2", "ü 🔑 '\""],
      ]),
    );
    expect(await s.cacheGet(OPENAI, "logins", ["u1", "u2"])).toEqual(new Map([["u1", "gh"]]));
    expect(await s.cacheGet(OPENAI, "users", [])).toEqual(new Map());
  });

  it.skipIf(skip)(
    "stores a hundred thousand rows in one replace and streams them back in key order",
    async () => {
      const s = await open();
      // More than two pages of either engine's reads (SQLite 5,000, PostgreSQL 50,000 rows a page).
      const n = 105_000;
      const days = Array.from({ length: 9 }, (_, i) => `2025-05-0${i + 1}`);
      const rows = Array.from({ length: n }, (_, i) =>
        row(days[i % 9]!, `user${i}@x.io`, { requests: i, costNanos: 1_000_000_007 }),
      );
      await s.replaceDays(CLAUDE, days, rows.slice(0, 1_000), 1);
      await s.replaceDays(CLAUDE, days, rows, 2);
      const back = await all(s);
      expect(back).toHaveLength(n);
      expect(new Set(back.map((r) => r.identity)).size).toBe(n);
      expect(sum(back, "requests")).toBe(((n - 1) * n) / 2);
      expect(sum(back, "costNanos")).toBe(n * 1_000_000_007);
      const keys = back.map((r) => `${r.day}|${r.identity}`);
      expect(keys).toEqual([...keys].sort());
    },
  );

  it.skipIf(skip)("reads one snapshot: a replace committed mid-read is not seen by that read", async () => {
    const s = await open();
    const days = Array.from({ length: 5 }, (_, i) => `2025-06-0${i + 1}`);
    // More rows than either engine's page, so the read goes back to the database after the replace.
    const rows = Array.from({ length: 60_000 }, (_, i) => row(days[i % 5]!, `p${i}@x.io`, { requests: 2 }));
    await s.replaceDays(CLAUDE, days, rows, 1);
    const writer = await openStore(location);
    try {
      let seen = 0;
      let requests = 0;
      for await (const r of s.readRows([CLAUDE], "2025-06-01", "2025-06-30")) {
        if (seen++ === 0)
          await writer.replaceDays(
            CLAUDE,
            days,
            rows.map((x) => ({ ...x, requests: 5 })),
            2,
          );
        requests += r.requests;
      }
      expect([seen, requests]).toEqual([60_000, 120_000]);
      expect(sum(await all(s, [CLAUDE]), "requests")).toBe(300_000);
    } finally {
      await writer.close();
    }
  });

  it.skipIf(skip)(
    "two stores replacing the same days at once: each day ends as one replace wrote it",
    async () => {
      const s = await open();
      const other = await openStore(location);
      try {
        const days = ["2025-07-01", "2025-07-02", "2025-07-03"];
        const version = (requests: number) =>
          days.flatMap((d) => [row(d, "a@x.io", { requests }), row(d, "b@x.io", { requests })]);
        await Promise.all([
          s.replaceDays(CLAUDE, days, version(1), 1),
          other.replaceDays(CLAUDE, [...days].reverse(), version(100), 2),
          s.replaceDays(
            CLAUDE,
            days.slice(1),
            version(10).filter((r) => r.day !== days[0]),
            3,
          ),
        ]);
        const back = await all(s, [CLAUDE]);
        expect(back).toHaveLength(6);
        for (const d of days) {
          const of = back.filter((r) => r.day === d).map((r) => r.requests);
          expect(of).toHaveLength(2);
          expect(of[0]).toBe(of[1]);
        }
        expect(await s.readTotals([CLAUDE], "2025-07-01", "2025-07-31")).toEqual(
          foldTotals(back, "2025-07-01"),
        );
      } finally {
        await other.close();
      }
    },
  );

  it.skipIf(skip)(
    "two stores replacing other days of the same months at once: the month totals miss neither",
    async () => {
      const s = await open();
      const other = await openStore(location);
      try {
        const days = daysBetween("2025-07-20", "2025-08-10");
        const write = (store: Store, mine: string[], n: number) =>
          Promise.all(
            mine.map((d) => store.replaceDays(CLAUDE, [d], [row(d, "a@x.io", { requests: n })], n)),
          );
        await Promise.all([
          write(
            s,
            days.filter((_, i) => i % 2 === 0),
            1,
          ),
          write(
            other,
            days.filter((_, i) => i % 2 === 1),
            2,
          ),
        ]);
        const totals = await s.readTotals([CLAUDE], "2025-07-01", "2025-08-31");
        expect(totals.map((r) => r.requests)).toEqual([11 * 1 + 11 * 2]);
      } finally {
        await other.close();
      }
    },
  );
});
