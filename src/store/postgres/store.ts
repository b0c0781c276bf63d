import type postgres from "postgres";
import type { UsageRow } from "../../usage/types.ts";
import { checkReplace, rowValues, totalsRow } from "../checks.ts";
import { monthOf, monthStatements, totalsQuery } from "../months.ts";
import type { DayCounters, Source, Store } from "../types.ts";
import { copyText, parseRows, ROW_COLUMNS } from "./copy-text.ts";
import { runError } from "./errors.ts";
import { PG_MONTHS } from "./months.ts";

/** Rows per INSERT, sent as one JSON parameter (no parameter-count limit, one round trip). */
const INSERT_CHUNK = 5_000;
/** Rows per page read: one COPY each, held in memory while it is parsed (a few MB). */
const READ_PAGE = 50_000;
/** A deadlock (two sources whose month locks hash alike) is retried, not reported. */
const RETRIES = 3;

const COLUMN_TYPES = [
  "date",
  "text",
  "text",
  "text",
  ...Array.from({ length: 6 }, () => "bigint"),
  "boolean",
  ...Array.from({ length: 6 }, () => "bigint"),
];
/** Each inserted row arrives as a JSON array in ROW_COLUMNS order; `->>` gives SQL NULL for null. */
const FROM_JSON = COLUMN_TYPES.map((t, i) => `(e->>${i})::${t}`).join(", ");

const MONTHS = monthStatements(PG_MONTHS);

const isRetryable = (e: unknown) => ["40P01", "40001"].includes((e as { code?: string })?.code ?? "");

export class PostgresStore implements Store {
  readonly notices: readonly string[] = [];
  constructor(
    private readonly sql: postgres.Sql,
    readonly location: string,
    private readonly password: string,
  ) {}

  private fail(what: string, e: unknown) {
    return runError(what, e, this.location, this.password);
  }

  async fetchedDays(source: Source, since: string, until: string): Promise<Map<string, number>> {
    try {
      const rows = await this.sql`SELECT to_char(day, 'YYYY-MM-DD') AS day, fetched_at::text AS at
        FROM ai_usage_fetched_days WHERE platform = ${source.platform} AND org = ${source.org}
        AND day BETWEEN ${since}::date AND ${until}::date`;
      return new Map(rows.map((r) => [String(r.day), Number(r.at)]));
    } catch (e) {
      throw this.fail("reading fetch records", e);
    }
  }

  async replaceDays(
    source: Source,
    days: readonly string[],
    rows: readonly UsageRow[],
    fetchedAt: number,
    counters?: DayCounters,
  ): Promise<void> {
    const checked = checkReplace(source, days, rows, fetchedAt, counters);
    if (checked.days.length === 0) return;
    const { platform, org } = source;
    const daysJson = JSON.stringify(checked.days);
    const monthsJson = JSON.stringify([...new Set(checked.days.map(monthOf))]);
    const records = JSON.stringify(
      checked.days.map((d) => [d, checked.rowCount.get(d)!, JSON.parse(checked.counters.get(d)!)]),
    );
    for (let attempt = 1; ; attempt++) {
      try {
        await this.sql.begin(async (tx) => {
          // One lock per (source, month), taken in month order: two machines replacing days of one
          // month queue behind each other, so each day ends as exactly one fetch wrote it, and the
          // month's totals add every replace.
          await tx`SELECT pg_advisory_xact_lock(hashtextextended(${platform} || chr(31) || ${org} || chr(31) || m, 7))
            FROM (SELECT DISTINCT to_char(d::date, 'YYYY-MM') AS m
              FROM json_array_elements_text(${daysJson}::text::json) d ORDER BY m) s`;
          await tx.unsafe(MONTHS.subtract, [platform, org, daysJson]);
          await tx.unsafe(
            `DELETE FROM ai_usage_rows WHERE platform = $1 AND org = $2 AND ${PG_MONTHS.oneOf("day", 3)}`,
            [platform, org, daysJson],
          );
          for (let i = 0; i < checked.rows.length; i += INSERT_CHUNK) {
            const part = JSON.stringify(checked.rows.slice(i, i + INSERT_CHUNK).map(rowValues));
            await tx.unsafe(
              `INSERT INTO ai_usage_rows (platform, org, ${ROW_COLUMNS})
               SELECT $1, $2, ${FROM_JSON} FROM jsonb_array_elements($3::text::jsonb) e`,
              [platform, org, part],
            );
          }
          await tx.unsafe(MONTHS.add, [platform, org, daysJson]);
          await tx.unsafe(MONTHS.dropEmpty, [platform, org, monthsJson]);
          await tx`INSERT INTO ai_usage_fetched_days (platform, org, day, fetched_at, row_count, counters)
            SELECT ${platform}, ${org}, (e->>0)::date, ${fetchedAt}, (e->>1)::integer, e->2
            FROM json_array_elements(${records}::text::json) e
            ON CONFLICT (platform, org, day) DO UPDATE SET fetched_at = excluded.fetched_at,
              row_count = excluded.row_count, counters = excluded.counters`;
        });
        return;
      } catch (e) {
        if (attempt < RETRIES && isRetryable(e)) continue;
        throw this.fail(`storing ${platform} days`, e);
      }
    }
  }

  async readCounters(source: Source, since: string, until: string): Promise<Record<string, number>> {
    try {
      const rows = await this.sql`SELECT c.key AS name, sum(c.value::bigint)::text AS total
        FROM ai_usage_fetched_days f, jsonb_each_text(f.counters) c
        WHERE f.platform = ${source.platform} AND f.org = ${source.org}
        AND f.day BETWEEN ${since}::date AND ${until}::date GROUP BY c.key ORDER BY c.key`;
      return Object.fromEntries(rows.map((r) => [String(r.name), Number(r.total)]));
    } catch (e) {
      throw this.fail("reading counters", e);
    }
  }

  async *readRows(sources: readonly Source[], since: string, until: string): AsyncIterable<UsageRow> {
    if (sources.length === 0) return;
    let conn: postgres.ReservedSql;
    try {
      conn = await this.sql.reserve();
      // One snapshot for every page of every source: a replace committed meanwhile is seen whole
      // or not at all.
      await conn`BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY`;
      await conn`SET LOCAL DateStyle = 'ISO'`;
    } catch (e) {
      throw this.fail("reading rows", e);
    }
    try {
      for (const { platform, org } of sources) {
        let after: UsageRow | null = null;
        for (;;) {
          const page = await this.readPage(conn, platform, org, since, until, after);
          // A plain loop: `yield*` over an array costs half as much again per row in an async generator.
          for (const r of page) yield r;
          if (page.length < READ_PAGE) break;
          after = page[page.length - 1]!;
        }
      }
    } finally {
      await conn`COMMIT`.catch(() => {});
      conn.release();
    }
  }

  /** One page of `source`'s rows in key order, after the key of `after`. */
  private async readPage(
    conn: postgres.ReservedSql,
    platform: string,
    org: string,
    since: string,
    until: string,
    after: UsageRow | null,
  ): Promise<UsageRow[]> {
    try {
      // COPY takes no bind parameters: the values travel as transaction-local settings.
      await conn`SELECT set_config('ai_usage.platform', ${platform}, true), set_config('ai_usage.org', ${org}, true),
        set_config('ai_usage.since', ${since}, true), set_config('ai_usage.until', ${until}, true),
        set_config('ai_usage.day', ${after?.day ?? since}, true), set_config('ai_usage.identity', ${after?.identity ?? ""}, true),
        set_config('ai_usage.model', ${after?.model ?? ""}, true)`;
      const setting = (name: string) => `current_setting('ai_usage.${name}')`;
      const keyFilter = after
        ? `AND (platform, org, day, identity, model) > (${setting("platform")}, ${setting("org")}, ${setting("day")}::date, ${setting("identity")}, ${setting("model")})`
        : "";
      const stream = await conn
        .unsafe(`COPY (SELECT ${ROW_COLUMNS} FROM ai_usage_rows
        WHERE platform = ${setting("platform")} AND org = ${setting("org")}
        AND day BETWEEN ${setting("since")}::date AND ${setting("until")}::date ${keyFilter}
        ORDER BY platform, org, day, identity, model LIMIT ${READ_PAGE}) TO STDOUT`)
        .readable();
      return parseRows(platform, await copyText(stream as unknown as NodeJS.ReadableStream));
    } catch (e) {
      throw this.fail("reading rows", e);
    }
  }

  async readTotals(sources: readonly Source[], since: string, until: string): Promise<UsageRow[]> {
    if (sources.length === 0) return [];
    const { text, params } = totalsQuery(PG_MONTHS, sources, since, until);
    let rows: postgres.Row[];
    try {
      rows = await this.sql.begin(async (tx) => {
        // Measured with bench/store.ts: compiling this one query costs more than it saves, and the
        // planner hashes the groups (rather than sorting every row on disk) once it may use 64 MB.
        await tx`SET LOCAL jit = off`;
        await tx`SET LOCAL work_mem = '64MB'`;
        return tx.unsafe(text, params).values();
      });
    } catch (e) {
      throw this.fail("reading totals", e);
    }
    return rows.map((v) => totalsRow(since, v as unknown as unknown[]));
  }

  async cacheGet(source: Source, namespace: string, keys: readonly string[]): Promise<Map<string, string>> {
    if (keys.length === 0) return new Map();
    try {
      const rows = await this.sql`SELECT key, value FROM ai_usage_cache
        WHERE platform = ${source.platform} AND org = ${source.org} AND namespace = ${namespace}
        AND key IN (SELECT json_array_elements_text(${JSON.stringify(keys)}::text::json))`;
      return new Map(rows.map((r) => [String(r.key), String(r.value)]));
    } catch (e) {
      throw this.fail("reading the cache", e);
    }
  }

  async cacheSet(source: Source, namespace: string, entries: ReadonlyMap<string, string>): Promise<void> {
    if (entries.size === 0) return;
    try {
      await this.sql`INSERT INTO ai_usage_cache (platform, org, namespace, key, value)
        SELECT ${source.platform}, ${source.org}, ${namespace}, e.key, e.value
        FROM json_each_text(${JSON.stringify(Object.fromEntries(entries))}::text::json) e
        ON CONFLICT (platform, org, namespace, key) DO UPDATE SET value = excluded.value`;
    } catch (e) {
      throw this.fail("writing the cache", e);
    }
  }

  async sources(): Promise<Source[]> {
    try {
      const rows = await this
        .sql`SELECT DISTINCT platform, org FROM ai_usage_fetched_days ORDER BY platform, org`;
      return rows.map((r) => ({ platform: String(r.platform), org: String(r.org) }));
    } catch (e) {
      throw this.fail("listing sources", e);
    }
  }

  async close(): Promise<void> {
    await this.sql.end({ timeout: 5 });
  }
}
