import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient } from "@libsql/client";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { UsageError } from "../src/config/errors.ts";
import { openStore, type Store, StoreError } from "../src/store/index.ts";
import { MIGRATIONS, SCHEMA_VERSION } from "../src/store/migrations.ts";
import { fileUrl } from "../src/store/sqlite.ts";
import type { PlatformId, UsageRow } from "../src/usage/types.ts";

/** Every test row belongs to one organisation unless a test says otherwise. */
const src = (platform: string) => ({ platform, org: "org:test" });

let dir: string;
let path: string;
let store: Store | undefined;
beforeEach(() => {
  // A space, '#' and '%' in the path check the file: URL encoding.
  dir = mkdtempSync(join(tmpdir(), "ai-usage store #%"));
  path = join(dir, "nested", "history.db");
});
afterEach(async () => {
  await store?.close();
  store = undefined;
  rmSync(dir, { recursive: true, force: true });
});

function row(day: string, identity: string, over: Partial<UsageRow> = {}): UsageRow {
  return {
    platform: "claude",
    day,
    identity,
    email: identity.includes("@") ? identity : null,
    model: "claude-sonnet-4",
    requests: 3,
    inputTokens: 100,
    outputTokens: 20,
    cacheReadTokens: 5,
    cacheWriteTokens: 1,
    costNanos: 1_230_000_000,
    costEstimated: false,
    ...over,
  };
}

async function all(
  s: Store,
  platforms: PlatformId[] = ["claude", "openai", "cursor"],
  since = "2000-01-01",
  until = "2100-01-01",
) {
  const out: UsageRow[] = [];
  for await (const r of s.readRows(platforms.map(src), since, until)) out.push(r);
  return out;
}
const sum = (rows: UsageRow[], f: "requests" | "costNanos") => rows.reduce((a, r) => a + r[f], 0);

describe("sqlite store", () => {
  it("round-trips rows exactly and survives reopening", async () => {
    const rows = [
      row("2025-05-01", "alice@example.com", {
        costNanos: 9_007_199_254_740_991,
        inputTokens: 4_000_000_000_000,
      }),
      row("2025-05-01", "api-key:Ünïcødé ключ 🔑", { costEstimated: true, model: "gpt-4.1" }),
      row("2025-05-02", "(unattributed)", { requests: 0, costNanos: 0 }),
    ];
    store = await openStore(path);
    await store.replaceDays(src("claude"), ["2025-05-01", "2025-05-02"], rows, 1_746_400_000_123);
    await store.close();
    store = await openStore(path);
    const back = await all(store);
    const byKey = (r: UsageRow) => `${r.day}|${r.identity}|${r.model}`;
    expect([...back].sort((a, b) => byKey(a).localeCompare(byKey(b)))).toEqual(
      [...rows].sort((a, b) => byKey(a).localeCompare(byKey(b))),
    );
    expect(back[0]!.email).toBe("alice@example.com");
    expect(back.find((r) => r.identity.startsWith("api-key"))!.email).toBeNull();
    expect(await store.fetchedDays(src("claude"), "2025-05-01", "2025-05-31")).toEqual(
      new Map([
        ["2025-05-01", 1_746_400_000_123],
        ["2025-05-02", 1_746_400_000_123],
      ]),
    );
  });

  it("replacing days twice never double counts, and leaves other days and platforms alone", async () => {
    store = await openStore(path);
    const days = ["2025-05-01", "2025-05-02", "2025-05-03"];
    const first = days.flatMap((d) => [row(d, "a@x.io"), row(d, "b@x.io")]);
    await store.replaceDays(src("claude"), days, first, 1);
    await store.replaceDays(src("claude"), days, first, 2);
    await store.replaceDays(
      src("openai"),
      ["2025-05-02"],
      [row("2025-05-02", "u1", { platform: "openai", requests: 50 })],
      2,
    );
    expect(sum(await all(store, ["claude"]), "requests")).toBe(18);

    // A re-fetch of one day with revised numbers replaces exactly that day.
    await store.replaceDays(
      src("claude"),
      ["2025-05-02"],
      [row("2025-05-02", "a@x.io", { requests: 10 })],
      3,
    );
    const claude = await all(store, ["claude"]);
    expect(claude.filter((r) => r.day === "2025-05-02")).toEqual([
      row("2025-05-02", "a@x.io", { requests: 10 }),
    ]);
    expect(sum(claude, "requests")).toBe(6 + 10 + 6);
    expect(sum(await all(store, ["openai"]), "requests")).toBe(50);
    expect(await store.fetchedDays(src("claude"), "2025-05-01", "2025-05-03")).toEqual(
      new Map([
        ["2025-05-01", 2],
        ["2025-05-02", 3],
        ["2025-05-03", 2],
      ]),
    );
    expect(await all(store, ["claude"], "2025-05-02", "2025-05-02")).toHaveLength(1);
  });

  it("records a day fetched with no rows, and replacing with none empties it", async () => {
    store = await openStore(path);
    await store.replaceDays(
      src("cursor"),
      ["2025-05-01"],
      [row("2025-05-01", "a@x.io", { platform: "cursor" })],
      5,
    );
    await store.replaceDays(src("cursor"), ["2025-05-01", "2025-05-02"], [], 7);
    expect(await all(store)).toEqual([]);
    expect(await store.fetchedDays(src("cursor"), "2025-05-01", "2025-05-02")).toEqual(
      new Map([
        ["2025-05-01", 7],
        ["2025-05-02", 7],
      ]),
    );
    expect(await store.fetchedDays(src("claude"), "2025-05-01", "2025-05-02")).toEqual(new Map());
  });

  it("sums rows that share a key instead of failing or dropping one", async () => {
    store = await openStore(path);
    const parts = [
      row("2025-05-01", "a@x.io"),
      row("2025-05-01", "a@x.io", { costEstimated: true, requests: 4 }),
    ];
    await store.replaceDays(src("claude"), ["2025-05-01"], parts, 1);
    expect(await all(store)).toEqual([
      row("2025-05-01", "a@x.io", {
        requests: 7,
        inputTokens: 200,
        outputTokens: 40,
        cacheReadTokens: 10,
        cacheWriteTokens: 2,
        costNanos: 2_460_000_000,
        costEstimated: true,
      }),
    ]);
  });

  it("rejects a bad replace whole, writing nothing", async () => {
    store = await openStore(path);
    await store.replaceDays(src("claude"), ["2025-05-01"], [row("2025-05-01", "a@x.io")], 1);
    const bad: [PlatformId, string[], UsageRow[]][] = [
      ["claude", ["2025-05-01"], [row("2025-05-02", "a@x.io")]],
      ["claude", ["2025-05-01"], [row("2025-05-01", "a@x.io", { platform: "openai" })]],
      ["claude", ["2025-05-01"], [row("2025-05-01", "a@x.io", { costNanos: 1.5 })]],
      ["claude", ["2025-5-1"], []],
    ];
    for (const [p, days, rows] of bad)
      await expect(store.replaceDays(src(p), days, rows, 9)).rejects.toThrow(StoreError);
    expect(await all(store)).toEqual([row("2025-05-01", "a@x.io")]);
    expect(await store.fetchedDays(src("claude"), "2025-05-01", "2025-05-02")).toEqual(
      new Map([["2025-05-01", 1]]),
    );
  });

  it("rolls back a replace the database refuses halfway, keeping the old rows and records", async () => {
    store = await openStore(path);
    await store.replaceDays(src("claude"), ["2025-05-01"], [row("2025-05-01", "a@x.io")], 1);
    // The bad row sits in the third INSERT chunk, after the DELETE and two chunks succeeded.
    const rows = Array.from({ length: 1_200 }, (_, i) => row("2025-05-01", `u${i}@x.io`));
    rows[1_100] = { ...row("2025-05-01", "x"), identity: null as unknown as string };
    await expect(store.replaceDays(src("claude"), ["2025-05-01"], rows, 2)).rejects.toThrow(/NOT NULL/);
    expect(await all(store)).toEqual([row("2025-05-01", "a@x.io")]);
    expect(await store.fetchedDays(src("claude"), "2025-05-01", "2025-05-01")).toEqual(
      new Map([["2025-05-01", 1]]),
    );
  });

  it("stores thousands of rows in one replace and streams them back in pages", async () => {
    store = await openStore(path);
    // 10 000 rows: two full pages of 5 000 and then an empty one.
    const rows = Array.from({ length: 10_000 }, (_, i) =>
      row(`2025-05-0${(i % 9) + 1}`, `user${i}@x.io`, { requests: i, costNanos: 1_000_000_007 }),
    );
    const days = Array.from({ length: 9 }, (_, i) => `2025-05-0${i + 1}`);
    await store.replaceDays(src("claude"), days, rows, 1);
    await store.replaceDays(src("claude"), days, rows, 2);
    const back = await all(store);
    expect(back).toHaveLength(10_000);
    expect(new Set(back.map((r) => r.identity)).size).toBe(10_000);
    expect(sum(back, "requests")).toBe((9_999 * 10_000) / 2);
    expect(sum(back, "costNanos")).toBe(10_000 * 1_000_000_007);
    const keys = back.map((r) => `${r.day}|${r.identity}`);
    expect(keys).toEqual([...keys].sort());
  });

  it("keeps no key: no key-like column, and the file never holds a key in the environment", async () => {
    const key = "sk-ant-admin01-STORETESTKEY-0123456789abcdef";
    process.env.ANTHROPIC_ADMIN_API_KEY = key;
    try {
      store = await openStore(path);
      await store.replaceDays(src("claude"), ["2025-05-01"], [row("2025-05-01", "a@x.io")], 1);
      await store.close();
      store = undefined;
    } finally {
      delete process.env.ANTHROPIC_ADMIN_API_KEY;
    }
    const client = createClient({ url: fileUrl(path) });
    const cols = await client.execute(
      "SELECT m.name AS t, p.name AS c FROM sqlite_master m, pragma_table_info(m.name) p WHERE m.type = 'table'",
    );
    client.close();
    expect(cols.rows.length).toBeGreaterThan(10);
    for (const r of cols.rows) expect(String(r.c)).not.toMatch(/key|secret|auth|password|credential/i);
    expect(readFileSync(path).includes(key)).toBe(false);
  });
});

describe("schema migration", () => {
  it("migrates a v1 store: rows of no known organisation are set aside, never counted, and said once", async () => {
    const { mkdirSync } = await import("node:fs");
    mkdirSync(join(dir, "nested"));
    const old = createClient({ url: fileUrl(path) });
    for (const sql of MIGRATIONS[0]!.statements) await old.execute(sql);
    await old.execute("PRAGMA user_version = 1");
    await old.execute(
      "INSERT INTO usage_rows VALUES ('cursor', '2025-01-02', 'bob@x.io', NULL, 'auto', 4, 10, 20, 30, 40, 5000000000, 0)",
    );
    await old.execute(
      "INSERT INTO usage_rows VALUES ('cursor', '2025-01-02', 'svc', NULL, 'auto', 1, 0, 0, 0, 0, 7, 1)",
    );
    await old.execute("INSERT INTO fetched_days VALUES ('cursor', '2025-01-02', 1736000000000)");
    await old.execute("INSERT INTO fetched_days VALUES ('cursor', '2025-01-03', 1736000000000)");
    old.close();

    store = await openStore(path);
    expect(store.notices).toEqual([
      expect.stringMatching(
        /^history store: history stored before per-organisation keeping \(cursor 2 days\) cannot be tied to an organisation; .* fetched again$/,
      ),
    ]);
    // Nothing is attributed to an organisation it may not belong to: the days are fetched again.
    expect(await all(store)).toEqual([]);
    expect(await store.fetchedDays(src("cursor"), "2025-01-01", "2025-01-31")).toEqual(new Map());
    await store.close();
    store = await openStore(path);
    expect(store.notices).toEqual([]);
    await store.close();
    store = undefined;
    const check = createClient({ url: fileUrl(path) });
    expect((await check.execute("PRAGMA user_version")).rows[0]![0]).toBe(SCHEMA_VERSION);
    expect(SCHEMA_VERSION).toBe(4);
    // Kept aside, not deleted: the user's old numbers are still in the file.
    const kept = await check.execute(
      "SELECT identity, requests, cost_nanos FROM legacy_usage_rows ORDER BY identity",
    );
    expect(kept.rows.map((r) => [r.identity, r.requests, r.cost_nanos])).toEqual([
      ["bob@x.io", 4, 5_000_000_000],
      ["svc", 1, 7],
    ]);
    const counts = await check.execute("SELECT day, row_count FROM legacy_fetched_days ORDER BY day");
    expect(counts.rows.map((r) => [r.day, r.row_count])).toEqual([
      ["2025-01-02", 2],
      ["2025-01-03", 0],
    ]);
    check.close();
  });

  it("refuses a store written by a newer version with a clear message", async () => {
    store = await openStore(path);
    await store.close();
    store = undefined;
    const c = createClient({ url: fileUrl(path) });
    await c.execute("PRAGMA user_version = 99");
    c.close();
    const err = await openStore(path).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toBe(
      `history store ${path} was written by a newer ai-usage (schema v99); upgrade or use --no-store`,
    );
  });

  it("reports a file that is not a database as a usage error naming it", async () => {
    const { mkdirSync } = await import("node:fs");
    mkdirSync(join(dir, "nested"));
    writeFileSync(
      path,
      "this is not sqlite, just some text that is long enough to have a header\n".repeat(20),
    );
    const err = await openStore(path).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toContain(`cannot open history store ${path}:`);
  });
});
