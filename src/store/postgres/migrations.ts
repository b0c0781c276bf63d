import type postgres from "postgres";
import { UsageError } from "../../config/errors.ts";
import { monthsSchema } from "../months.ts";
import { PG_MONTHS } from "./months.ts";

/**
 * The PostgreSQL schema, in versioned steps. Tables carry an `ai_usage_` prefix so the store can
 * share a database (or schema) with other things. Every count and cost is a bigint: exact, and
 * the store only ever writes safe integers, so reading them back as JS numbers is exact too.
 */
export const PG_MIGRATIONS: readonly { version: number; statements: readonly string[] }[] = [
  {
    version: 1,
    statements: [
      `CREATE TABLE ai_usage_rows (
        platform text NOT NULL,
        org text NOT NULL,
        day date NOT NULL,
        identity text NOT NULL,
        email text,
        model text NOT NULL,
        requests bigint NOT NULL,
        input_tokens bigint NOT NULL,
        output_tokens bigint NOT NULL,
        cache_read_tokens bigint NOT NULL,
        cache_write_tokens bigint NOT NULL,
        cost_nanos bigint NOT NULL,
        cost_estimated boolean NOT NULL,
        lines_added bigint,
        lines_removed bigint,
        commits bigint,
        pull_requests bigint,
        suggestions_accepted bigint,
        suggestions_rejected bigint,
        -- The report reads one source's days in key order: this index is that query's plan.
        PRIMARY KEY (platform, org, day, identity, model)
      )`,
      `CREATE TABLE ai_usage_fetched_days (
        platform text NOT NULL,
        org text NOT NULL,
        day date NOT NULL,
        fetched_at bigint NOT NULL,
        row_count integer NOT NULL,
        counters jsonb NOT NULL DEFAULT '{}',
        PRIMARY KEY (platform, org, day)
      )`,
      `CREATE TABLE ai_usage_cache (
        platform text NOT NULL,
        org text NOT NULL,
        namespace text NOT NULL,
        key text NOT NULL,
        value text NOT NULL,
        PRIMARY KEY (platform, org, namespace, key)
      )`,
    ],
  },
  {
    version: 2,
    statements: [
      // A report that does not split by time sums a window per person and model: whole months from
      // ai_usage_months, partial ones from rows. These statistics let the planner see how few groups
      // the rows make, so it hashes them rather than sorting every row.
      "CREATE STATISTICS ai_usage_rows_groups (ndistinct) ON identity, email, model, cost_estimated FROM ai_usage_rows",
      "ANALYZE ai_usage_rows",
      ...monthsSchema(PG_MONTHS),
    ],
  },
];

export const PG_SCHEMA_VERSION = PG_MIGRATIONS[PG_MIGRATIONS.length - 1]!.version;

/** One number for the whole tool: two machines starting at once migrate one after the other. */
const MIGRATION_LOCK = 0x61697573; // "aius"

async function currentVersion(sql: postgres.Sql | postgres.TransactionSql): Promise<number> {
  // A catalog query under this statement's snapshot: name lookups such as to_regclass may use a
  // cache that has not yet seen a table another session created while we waited for the lock.
  const [t] = await sql`SELECT count(*)::int AS n FROM pg_catalog.pg_tables
    WHERE schemaname = current_schema() AND tablename = 'ai_usage_schema'`;
  if (!t?.n) return 0;
  const [row] = await sql`SELECT version FROM ai_usage_schema`;
  return row ? Number(row.version) : 0;
}

function tooNew(location: string, version: number): UsageError {
  return new UsageError(
    `history store ${location} was written by a newer ai-usage (schema v${version}); upgrade or use --no-store`,
  );
}

/**
 * Brings the schema up to PG_SCHEMA_VERSION in one transaction under an advisory lock. A store
 * already current is only read, so a role that may not create tables can still report.
 */
export async function migratePg(sql: postgres.Sql, location: string): Promise<void> {
  const seen = await currentVersion(sql);
  if (seen > PG_SCHEMA_VERSION) throw tooNew(location, seen);
  if (seen === PG_SCHEMA_VERSION) return;
  await sql.begin(async (tx) => {
    await tx`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK})`;
    // Another machine may have migrated while we waited for the lock.
    const now = await currentVersion(tx);
    if (now > PG_SCHEMA_VERSION) throw tooNew(location, now);
    if (now === 0)
      await tx.unsafe(
        "CREATE TABLE ai_usage_schema (id integer PRIMARY KEY CHECK (id = 1), version integer NOT NULL)",
      );
    for (const m of PG_MIGRATIONS) {
      if (m.version <= now) continue;
      for (const statement of m.statements) await tx.unsafe(statement);
    }
    await tx`INSERT INTO ai_usage_schema (id, version) VALUES (1, ${PG_SCHEMA_VERSION})
      ON CONFLICT (id) DO UPDATE SET version = excluded.version`;
  });
}
