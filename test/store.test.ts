import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient } from "@libsql/client";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { UsageError } from "../src/config/errors.ts";
import { openStore, type Store } from "../src/store/index.ts";
import { MIGRATIONS, SCHEMA_VERSION } from "../src/store/migrations.ts";
import { fileUrl } from "../src/store/sqlite.ts";
import type { PlatformId, UsageRow } from "../src/usage/types.ts";
import { row } from "./store-helpers.ts";

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

// The engine-independent checks (round trips, replaces, sums, rollbacks, paging, snapshots) are the
// store contract, run on SQLite and PostgreSQL alike: test/store-contract.test.ts.
describe("sqlite store", () => {
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
    expect(SCHEMA_VERSION).toBe(5);
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

  it("migrates a v4 store: month totals are summed from the rows already stored", async () => {
    store = await openStore(path);
    const days = ["2025-01-30", "2025-01-31", "2025-02-01"];
    await store.replaceDays(
      src("claude"),
      days,
      days.map((d, i) => row(d, "a@x.io", { requests: i + 1 })),
      1,
    );
    await store.close();
    const v4 = createClient({ url: fileUrl(path) });
    await v4.execute("DROP TABLE usage_months");
    await v4.execute("PRAGMA user_version = 4");
    v4.close();
    store = await openStore(path);
    const january = await store.readTotals([src("claude")], "2025-01-01", "2025-01-31");
    expect(january.map((r) => r.requests)).toEqual([1 + 2]);
    const both = await store.readTotals([src("claude")], "2025-01-01", "2025-02-28");
    expect(both.map((r) => r.requests)).toEqual([1 + 2 + 3]);
    const check = createClient({ url: fileUrl(path) });
    const months = await check.execute("SELECT month, rows, requests FROM usage_months ORDER BY month");
    expect(months.rows.map((r) => [r.month, r.rows, r.requests])).toEqual([
      ["2025-01-01", 2, 3],
      ["2025-02-01", 1, 3],
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
