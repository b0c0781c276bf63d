import { closeSync, mkdirSync, openSync } from "node:fs";
import { dirname, resolve, sep } from "node:path";
import { type Client, createClient, type InStatement, type Transaction } from "@libsql/client";
import { UsageError } from "../config/errors.ts";
import type { UsageRow } from "../usage/types.ts";
import { activityFrom, checkReplace, rowValues, totalsRow } from "./checks.ts";
import { migrate, SQLITE_MONTHS } from "./migrations.ts";
import { monthOf, monthStatements, TOTALS_COLUMNS, totalsQuery } from "./months.ts";
import { type DayCounters, type Source, type Store, StoreError } from "./types.ts";

/** Rows per INSERT: 500 × 19 parameters stays far below SQLite's 32 766-parameter limit. */
const INSERT_CHUNK = 500;
const DAY_CHUNK = 500;
const READ_PAGE = 5_000;
/** How long a write waits for another run's transaction before giving up. */
const DEFAULT_BUSY_TIMEOUT_MS = 15_000;

const COLUMNS =
  "platform, org, day, identity, email, model, requests, input_tokens, output_tokens, " +
  "cache_read_tokens, cache_write_tokens, cost_nanos, cost_estimated, lines_added, lines_removed, " +
  "commits, pull_requests, suggestions_accepted, suggestions_rejected";
const COLUMN_COUNT = 19;
const KEY = "platform, org, day, identity, model";
const MONTHS = monthStatements(SQLITE_MONTHS);

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
    const notices = await migrate(client, location);
    return new SqliteStore(client, location, notices);
  } catch (e) {
    client?.close();
    if (e instanceof UsageError) throw e;
    throw new UsageError(
      `cannot open history store ${location}: ${reason(e)}; choose another with --store or use --no-store`,
    );
  }
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
    readonly notices: readonly string[],
  ) {}

  private fail(what: string, e: unknown): StoreError {
    return new StoreError(`history store ${this.location}: ${what} failed: ${reason(e)}`, { cause: e });
  }

  async fetchedDays(source: Source, since: string, until: string): Promise<Map<string, number>> {
    try {
      const rs = await this.client.execute({
        sql: "SELECT day, fetched_at FROM fetched_days WHERE platform = ? AND org = ? AND day BETWEEN ? AND ?",
        args: [source.platform, source.org, since, until],
      });
      return new Map(rs.rows.map((r) => [String(r.day), Number(r.fetched_at)]));
    } catch (e) {
      throw this.fail("reading fetch records", e);
    }
  }

  async replaceDays(
    source: Source,
    days: readonly string[],
    rows: readonly UsageRow[],
    fetchedAt: number,
    counters: DayCounters = {},
  ): Promise<void> {
    if (days.length === 0) return;
    const checked = checkReplace(source, days, rows, fetchedAt, counters);
    const { days: uniqueDays, rows: merged } = checked;
    const { platform, org } = source;

    const daysJson = JSON.stringify(uniqueDays);
    const stmts: InStatement[] = [{ sql: MONTHS.subtract, args: [platform, org, daysJson] }];
    for (const part of chunks(uniqueDays, DAY_CHUNK)) {
      stmts.push({
        sql: `DELETE FROM usage_rows WHERE platform = ? AND org = ? AND day IN (${marks(part.length)})`,
        args: [platform, org, ...part],
      });
    }
    for (const part of chunks(merged, INSERT_CHUNK)) {
      stmts.push({
        sql: `INSERT INTO usage_rows (${COLUMNS}) VALUES ${marks(part.length, `(${marks(COLUMN_COUNT)})`)}`,
        // libsql stores a boolean as the integer 1 or 0.
        args: part.flatMap((r) => [platform, org, ...rowValues(r)]),
      });
    }
    stmts.push(
      { sql: MONTHS.add, args: [platform, org, daysJson] },
      { sql: MONTHS.dropEmpty, args: [platform, org, JSON.stringify([...new Set(uniqueDays.map(monthOf))])] },
    );
    for (const part of chunks(uniqueDays, DAY_CHUNK)) {
      stmts.push({
        sql:
          `INSERT INTO fetched_days (platform, org, day, fetched_at, row_count, counters) VALUES ${marks(part.length, "(?, ?, ?, ?, ?, ?)")} ` +
          "ON CONFLICT (platform, org, day) DO UPDATE SET fetched_at = excluded.fetched_at, " +
          "row_count = excluded.row_count, counters = excluded.counters",
        args: part.flatMap((d) => [
          platform,
          org,
          d,
          fetchedAt,
          checked.rowCount.get(d)!,
          checked.counters.get(d)!,
        ]),
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

  async readCounters(source: Source, since: string, until: string): Promise<Record<string, number>> {
    try {
      const rs = await this.client.execute({
        sql:
          "SELECT c.key AS name, sum(c.value) AS total FROM fetched_days f, json_each(f.counters) c " +
          "WHERE f.platform = ? AND f.org = ? AND f.day BETWEEN ? AND ? GROUP BY c.key ORDER BY c.key",
        args: [source.platform, source.org, since, until],
      });
      return Object.fromEntries(rs.rows.map((r) => [String(r.name), Number(r.total)]));
    } catch (e) {
      throw this.fail("reading counters", e);
    }
  }

  async *readRows(sources: readonly Source[], since: string, until: string): AsyncIterable<UsageRow> {
    if (sources.length === 0) return;
    let tx: Transaction;
    try {
      // One read transaction: every page comes from the same snapshot even if another run
      // replaces days meanwhile.
      tx = await this.client.transaction("read");
    } catch (e) {
      throw this.fail("reading rows", e);
    }
    try {
      for (const source of sources) {
        let after: JsonRow | null = null;
        for (;;) {
          const page = await this.readPage(
            tx,
            source,
            after ? [after[2], after[3], after[5]] : null,
            since,
            until,
          );
          for (const r of page) yield fromJson(r);
          if (page.length < READ_PAGE) break;
          after = page[page.length - 1]!;
        }
      }
    } finally {
      tx.close();
    }
  }

  /**
   * One page of `source`'s rows in key order, after the (day, identity, model) `after`. Equality on
   * the source and a range on the rest of the key let SQLite walk the primary key from where the
   * last page ended (an OR of sources made it scan from the start for every page). The page comes
   * back as a single JSON text: libsql builds a JS object per column per row, ten times slower.
   */
  private async readPage(
    tx: Transaction,
    source: Source,
    after: string[] | null,
    since: string,
    until: string,
  ): Promise<JsonRow[]> {
    const from = after ? "(day, identity, model) > (?, ?, ?)" : "day >= ?";
    try {
      const rs = await tx.execute({
        sql:
          `SELECT json_group_array(json_array(${COLUMNS}) ORDER BY ${KEY}) AS page FROM (SELECT ${COLUMNS} FROM usage_rows ` +
          `WHERE platform = ? AND org = ? AND ${from} AND day <= ? ORDER BY ${KEY} LIMIT ${READ_PAGE})`,
        args: [source.platform, source.org, ...(after ?? [since]), until],
      });
      return JSON.parse(String(rs.rows[0]?.page ?? "[]")) as JsonRow[];
    } catch (e) {
      throw this.fail("reading rows", e);
    }
  }

  async readTotals(sources: readonly Source[], since: string, until: string): Promise<UsageRow[]> {
    if (sources.length === 0) return [];
    const { text, params } = totalsQuery(SQLITE_MONTHS, sources, since, until);
    try {
      // As in readPage, the result comes back as one JSON text.
      const rs = await this.client.execute({
        sql: `SELECT json_group_array(json_array(${TOTALS_COLUMNS.join(", ")})) AS rows FROM (${text})`,
        args: params,
      });
      const rows = JSON.parse(String(rs.rows[0]?.rows ?? "[]")) as unknown[][];
      return rows.map((v) => totalsRow(since, v));
    } catch (e) {
      if (e instanceof StoreError) throw e;
      throw this.fail("reading totals", e);
    }
  }

  async cacheGet(source: Source, namespace: string, keys: readonly string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    try {
      for (const part of chunks(keys, DAY_CHUNK)) {
        const rs = await this.client.execute({
          sql: `SELECT entry, value FROM source_cache WHERE platform = ? AND org = ? AND namespace = ? AND entry IN (${marks(part.length)})`,
          args: [source.platform, source.org, namespace, ...part],
        });
        for (const r of rs.rows) out.set(String(r.entry), String(r.value));
      }
    } catch (e) {
      throw this.fail("reading the cache", e);
    }
    return out;
  }

  async cacheSet(source: Source, namespace: string, entries: ReadonlyMap<string, string>): Promise<void> {
    const stmts: InStatement[] = chunks([...entries], INSERT_CHUNK).map((part) => ({
      sql:
        `INSERT INTO source_cache (platform, org, namespace, entry, value) VALUES ${marks(part.length, "(?, ?, ?, ?, ?)")} ` +
        "ON CONFLICT (platform, org, namespace, entry) DO UPDATE SET value = excluded.value",
      args: part.flatMap(([k, v]) => [source.platform, source.org, namespace, k, v]),
    }));
    if (stmts.length === 0) return;
    try {
      await this.client.batch(stmts, "write");
    } catch (e) {
      throw this.fail("writing the cache", e);
    }
  }

  async sources(): Promise<Source[]> {
    try {
      const rs = await this.client.execute(
        "SELECT DISTINCT platform, org FROM fetched_days ORDER BY platform, org",
      );
      return rs.rows.map((r) => ({ platform: String(r.platform), org: String(r.org) }));
    } catch (e) {
      throw this.fail("listing sources", e);
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
  ...(number | null)[],
];

function fromJson(r: JsonRow): UsageRow {
  const row: UsageRow = {
    platform: r[0],
    day: r[2],
    identity: r[3],
    email: r[4],
    model: r[5],
    requests: r[6],
    inputTokens: r[7],
    outputTokens: r[8],
    cacheReadTokens: r[9],
    cacheWriteTokens: r[10],
    costNanos: r[11],
    costEstimated: r[12] === 1,
  };
  const activity = activityFrom(r.slice(13) as (number | null)[]);
  if (activity) row.activity = activity;
  return row;
}
