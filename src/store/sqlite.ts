import { closeSync, mkdirSync, openSync } from "node:fs";
import { dirname, resolve, sep } from "node:path";
import { type Client, createClient, type InStatement, type Transaction } from "@libsql/client";
import { UsageError } from "../config/errors.ts";
import { isDay } from "../usage/days.ts";
import type { PlatformId, UsageRow } from "../usage/types.ts";
import { migrate } from "./migrations.ts";
import { type DayCounters, type Store, StoreError } from "./types.ts";

/** Rows per INSERT: 500 × 12 parameters stays far below SQLite's 32 766-parameter limit. */
const INSERT_CHUNK = 500;
const DAY_CHUNK = 500;
const READ_PAGE = 5_000;
/** How long a write waits for another run's transaction before giving up. */
const DEFAULT_BUSY_TIMEOUT_MS = 15_000;

const COLUMNS =
  "platform, day, identity, email, model, requests, input_tokens, output_tokens, " +
  "cache_read_tokens, cache_write_tokens, cost_nanos, cost_estimated";
const INTEGER_FIELDS = [
  "requests",
  "inputTokens",
  "outputTokens",
  "cacheReadTokens",
  "cacheWriteTokens",
  "costNanos",
] as const;

/**
 * libsql reads the path part of a `file:` URL percent-decoded and stops it at `?` or `#`, so every
 * segment is encoded; `file:/abs/path` (one slash) avoids an authority part.
 */
export function fileUrl(path: string): string {
  return `file:${resolve(path).split(sep).map(encodeURIComponent).join("/")}`;
}

function reason(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export async function openSqliteStore(path: string, opts: { busyTimeoutMs?: number } = {}): Promise<Store> {
  const location = resolve(path);
  let client: Client | undefined;
  try {
    // The store holds emails: directories we create and a new file are private to the user. SQLite
    // gives its -wal and -shm files the database file's mode. An existing file keeps its mode.
    mkdirSync(dirname(location), { recursive: true, mode: 0o700 });
    closeSync(openSync(location, "a", 0o600));
    client = createClient({ url: fileUrl(location), timeout: opts.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS });
    await migrate(client, location);
  } catch (e) {
    client?.close();
    if (e instanceof UsageError) throw e;
    throw new UsageError(
      `cannot open history store ${location}: ${reason(e)}; choose another with --store or use --no-store`,
    );
  }
  return new SqliteStore(client, location);
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

const marks = (n: number, one = "?") => Array.from({ length: n }, () => one).join(", ");

class SqliteStore implements Store {
  constructor(
    private readonly client: Client,
    readonly location: string,
  ) {}

  private fail(what: string, e: unknown): StoreError {
    return new StoreError(`history store ${this.location}: ${what} failed: ${reason(e)}`, { cause: e });
  }

  async fetchedDays(platform: PlatformId, since: string, until: string): Promise<Map<string, number>> {
    try {
      const rs = await this.client.execute({
        sql: "SELECT day, fetched_at FROM fetched_days WHERE platform = ? AND day BETWEEN ? AND ?",
        args: [platform, since, until],
      });
      return new Map(rs.rows.map((r) => [String(r.day), Number(r.fetched_at)]));
    } catch (e) {
      throw this.fail("reading fetch records", e);
    }
  }

  async replaceDays(
    platform: PlatformId,
    days: readonly string[],
    rows: readonly UsageRow[],
    fetchedAt: number,
    counters: DayCounters = {},
  ): Promise<void> {
    const uniqueDays = [...new Set(days)];
    if (uniqueDays.length === 0) return;
    const countersJson = new Map(uniqueDays.map((d) => [d, countersOf(platform, d, counters[d])]));
    for (const d of Object.keys(counters))
      if (!countersJson.has(d))
        throw new StoreError(`${platform} counters for ${d}, a day not being replaced`);
    const merged = mergeRows(platform, new Set(uniqueDays), rows);
    if (!Number.isSafeInteger(fetchedAt))
      throw new StoreError(`fetchedAt must be epoch ms, got ${fetchedAt}`);
    const perDay = new Map(uniqueDays.map((d) => [d, 0]));
    for (const r of merged) perDay.set(r.day, perDay.get(r.day)! + 1);

    const stmts: InStatement[] = [];
    for (const part of chunks(uniqueDays, DAY_CHUNK)) {
      stmts.push({
        sql: `DELETE FROM usage_rows WHERE platform = ? AND day IN (${marks(part.length)})`,
        args: [platform, ...part],
      });
    }
    for (const part of chunks(merged, INSERT_CHUNK)) {
      stmts.push({
        sql: `INSERT INTO usage_rows (${COLUMNS}) VALUES ${marks(part.length, `(${marks(12)})`)}`,
        args: part.flatMap((r) => [
          r.platform,
          r.day,
          r.identity,
          r.email,
          r.model,
          r.requests,
          r.inputTokens,
          r.outputTokens,
          r.cacheReadTokens,
          r.cacheWriteTokens,
          r.costNanos,
          r.costEstimated ? 1 : 0,
        ]),
      });
    }
    for (const part of chunks(uniqueDays, DAY_CHUNK)) {
      stmts.push({
        sql:
          `INSERT INTO fetched_days (platform, day, fetched_at, row_count, counters) VALUES ${marks(part.length, "(?, ?, ?, ?, ?)")} ` +
          "ON CONFLICT (platform, day) DO UPDATE SET fetched_at = excluded.fetched_at, " +
          "row_count = excluded.row_count, counters = excluded.counters",
        args: part.flatMap((d) => [platform, d, fetchedAt, perDay.get(d)!, countersJson.get(d)!]),
      });
    }
    try {
      // "write" begins IMMEDIATE: the lock is taken up front (waiting out another run's
      // transaction), and a crash at any point leaves the previous state.
      await this.client.batch(stmts, "write");
    } catch (e) {
      throw this.fail(`storing ${platform} days`, e);
    }
  }

  async readCounters(platform: PlatformId, since: string, until: string): Promise<Record<string, number>> {
    try {
      const rs = await this.client.execute({
        sql:
          "SELECT c.key AS name, sum(c.value) AS total FROM fetched_days f, json_each(f.counters) c " +
          "WHERE f.platform = ? AND f.day BETWEEN ? AND ? GROUP BY c.key ORDER BY c.key",
        args: [platform, since, until],
      });
      return Object.fromEntries(rs.rows.map((r) => [String(r.name), Number(r.total)]));
    } catch (e) {
      throw this.fail("reading counters", e);
    }
  }

  async *readRows(platforms: readonly PlatformId[], since: string, until: string): AsyncIterable<UsageRow> {
    if (platforms.length === 0) return;
    let tx: Transaction;
    try {
      // One read transaction: every page comes from the same snapshot even if another run
      // replaces days meanwhile.
      tx = await this.client.transaction("read");
    } catch (e) {
      throw this.fail("reading rows", e);
    }
    try {
      let after: string[] | null = null;
      for (;;) {
        const page = await this.readPage(tx, platforms, since, until, after);
        for (const r of page) yield fromJson(r);
        if (page.length < READ_PAGE) return;
        const last = page[page.length - 1]!;
        after = [last[0], last[1], last[2], last[4]] as string[];
      }
    } finally {
      tx.close();
    }
  }

  /**
   * One page of rows in key order, after the key `after`. The page comes back as a single JSON
   * text: libsql builds a JS object per column per row, which is ten times slower for big reads.
   */
  private async readPage(
    tx: Transaction,
    platforms: readonly PlatformId[],
    since: string,
    until: string,
    after: string[] | null,
  ): Promise<JsonRow[]> {
    const keyFilter = after ? "AND (platform, day, identity, model) > (?, ?, ?, ?)" : "";
    try {
      const rs = await tx.execute({
        sql:
          `SELECT json_group_array(json_array(${COLUMNS}) ORDER BY platform, day, identity, model) AS page ` +
          `FROM (SELECT ${COLUMNS} FROM usage_rows WHERE platform IN (${marks(platforms.length)}) ` +
          `AND day BETWEEN ? AND ? ${keyFilter} ORDER BY platform, day, identity, model LIMIT ${READ_PAGE})`,
        args: [...platforms, since, until, ...(after ?? [])],
      });
      return JSON.parse(String(rs.rows[0]?.page ?? "[]")) as JsonRow[];
    } catch (e) {
      throw this.fail("reading rows", e);
    }
  }

  async close(): Promise<void> {
    this.client.close();
  }
}

/** A row as `json_array(COLUMNS)` gives it. */
type JsonRow = [
  string,
  string,
  string,
  string | null,
  string,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
];

function fromJson(r: JsonRow): UsageRow {
  return {
    platform: r[0] as PlatformId,
    day: r[1],
    identity: r[2],
    email: r[3],
    model: r[4],
    requests: r[5],
    inputTokens: r[6],
    outputTokens: r[7],
    cacheReadTokens: r[8],
    cacheWriteTokens: r[9],
    costNanos: r[10],
    costEstimated: r[11] === 1,
  };
}

/** One day's counters as stored JSON; only safe integers, so sums stay exact. */
function countersOf(
  platform: PlatformId,
  day: string,
  counters: Readonly<Record<string, number>> = {},
): string {
  for (const [name, value] of Object.entries(counters))
    if (!Number.isSafeInteger(value))
      throw new StoreError(`${platform} ${day} counter ${name} is not an integer: ${value}`);
  return JSON.stringify(counters);
}

/**
 * Checks every row against the replace and sums rows sharing a key (a platform may emit a key in
 * parts), so the primary key holds and no usage is dropped.
 */
function mergeRows(platform: PlatformId, days: ReadonlySet<string>, rows: readonly UsageRow[]): UsageRow[] {
  for (const d of days) if (!isDay(d)) throw new StoreError(`not a day: ${JSON.stringify(d)}`);
  const byKey = new Map<string, UsageRow>();
  for (const r of rows) {
    if (r.platform !== platform)
      throw new StoreError(`a ${r.platform} row was given to replace ${platform} days`);
    if (!days.has(r.day))
      throw new StoreError(`a ${platform} row for ${r.day} is outside the days being replaced`);
    for (const f of INTEGER_FIELDS) {
      if (!Number.isSafeInteger(r[f]))
        throw new StoreError(`${platform} ${r.day} ${f} is not an integer: ${r[f]}`);
    }
    const key = JSON.stringify([r.day, r.identity, r.model]);
    const prev = byKey.get(key);
    if (!prev) {
      byKey.set(key, { ...r });
      continue;
    }
    for (const f of INTEGER_FIELDS) {
      prev[f] += r[f];
      if (!Number.isSafeInteger(prev[f]))
        throw new StoreError(`${platform} ${r.day} ${f} overflows when summed`);
    }
    prev.costEstimated ||= r.costEstimated;
    prev.email ??= r.email;
  }
  return [...byKey.values()];
}
