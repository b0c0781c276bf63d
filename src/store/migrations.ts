import type { Client } from "@libsql/client";
import { UsageError } from "../config/errors.ts";
import { type MonthDialect, monthsSchema } from "./months.ts";

/** How SQLite spells the month totals (src/store/months.ts). */
export const SQLITE_MONTHS: MonthDialect = {
  rowsTable: "usage_rows",
  monthsTable: "usage_months",
  monthType: "TEXT",
  intType: "INTEGER",
  boolType: "INTEGER",
  tableOptions: " STRICT",
  monthOfDay: "(substr(day, 1, 8) || '01')",
  param: (n) => `?${n}`,
  oneOf: (column, n) => `${column} IN (SELECT value FROM json_each(?${n}))`,
};

/** One step of the schema; `version` is what `PRAGMA user_version` says once it has run. */
export interface Migration {
  version: number;
  statements: readonly string[];
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    statements: [
      // STRICT keeps every count and cost an exact INTEGER; a float can never slip in.
      `CREATE TABLE usage_rows (
        platform TEXT NOT NULL,
        day TEXT NOT NULL,
        identity TEXT NOT NULL,
        email TEXT,
        model TEXT NOT NULL,
        requests INTEGER NOT NULL,
        input_tokens INTEGER NOT NULL,
        output_tokens INTEGER NOT NULL,
        cache_read_tokens INTEGER NOT NULL,
        cache_write_tokens INTEGER NOT NULL,
        cost_nanos INTEGER NOT NULL,
        cost_estimated INTEGER NOT NULL CHECK (cost_estimated IN (0, 1)),
        PRIMARY KEY (platform, day, identity, model)
      ) STRICT, WITHOUT ROWID`,
      `CREATE TABLE fetched_days (
        platform TEXT NOT NULL,
        day TEXT NOT NULL,
        fetched_at INTEGER NOT NULL,
        PRIMARY KEY (platform, day)
      ) STRICT, WITHOUT ROWID`,
    ],
  },
  {
    version: 2,
    statements: [
      // How many rows each fetch stored, so a check can tell a complete day from a damaged one.
      "ALTER TABLE fetched_days ADD COLUMN row_count INTEGER NOT NULL DEFAULT 0",
      `UPDATE fetched_days SET row_count = (
        SELECT count(*) FROM usage_rows u WHERE u.platform = fetched_days.platform AND u.day = fetched_days.day
      )`,
    ],
  },
  {
    version: 3,
    statements: [
      // Side counts of a fetched day as JSON ({"excludedEvents": 3}), so a day served from the store
      // reports the same counts as when it was fetched. Days stored before this have none.
      "ALTER TABLE fetched_days ADD COLUMN counters TEXT NOT NULL DEFAULT '{}'",
    ],
  },
  {
    version: 4,
    statements: [
      // History per source (platform + organisation). Rows written before cannot be attributed to an
      // organisation, so they are set aside (not deleted, not read) and their days fetched again.
      "ALTER TABLE usage_rows RENAME TO legacy_usage_rows",
      "ALTER TABLE fetched_days RENAME TO legacy_fetched_days",
      `CREATE TABLE usage_rows (
        platform TEXT NOT NULL,
        org TEXT NOT NULL,
        day TEXT NOT NULL,
        identity TEXT NOT NULL,
        email TEXT,
        model TEXT NOT NULL,
        requests INTEGER NOT NULL,
        input_tokens INTEGER NOT NULL,
        output_tokens INTEGER NOT NULL,
        cache_read_tokens INTEGER NOT NULL,
        cache_write_tokens INTEGER NOT NULL,
        cost_nanos INTEGER NOT NULL,
        cost_estimated INTEGER NOT NULL CHECK (cost_estimated IN (0, 1)),
        lines_added INTEGER,
        lines_removed INTEGER,
        commits INTEGER,
        pull_requests INTEGER,
        suggestions_accepted INTEGER,
        suggestions_rejected INTEGER,
        PRIMARY KEY (platform, org, day, identity, model)
      ) STRICT, WITHOUT ROWID`,
      `CREATE TABLE fetched_days (
        platform TEXT NOT NULL,
        org TEXT NOT NULL,
        day TEXT NOT NULL,
        fetched_at INTEGER NOT NULL,
        row_count INTEGER NOT NULL,
        counters TEXT NOT NULL DEFAULT '{}',
        PRIMARY KEY (platform, org, day)
      ) STRICT, WITHOUT ROWID`,
      `CREATE TABLE source_cache (
        platform TEXT NOT NULL,
        org TEXT NOT NULL,
        namespace TEXT NOT NULL,
        entry TEXT NOT NULL,
        value TEXT NOT NULL,
        PRIMARY KEY (platform, org, namespace, entry)
      ) STRICT, WITHOUT ROWID`,
    ],
  },
  {
    version: 5,
    // Month totals: a report over a year reads months, not every row (src/store/months.ts).
    statements: monthsSchema(SQLITE_MONTHS),
  },
];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

async function userVersion(run: Pick<Client, "execute">): Promise<number> {
  const rs = await run.execute("PRAGMA user_version");
  return Number(rs.rows[0]?.[0] ?? 0);
}

function tooNew(path: string, version: number): UsageError {
  return new UsageError(
    `history store ${path} was written by a newer ai-usage (schema v${version}); upgrade or use --no-store`,
  );
}

/**
 * Brings the schema at `path` up to SCHEMA_VERSION, all steps in one write transaction. Returns
 * notices for the user (history set aside by the move to per-organisation sources).
 */
export async function migrate(client: Client, path: string): Promise<string[]> {
  // WAL lets a report read while another run writes; it is a property of the file and must be set
  // outside a transaction.
  await client.execute("PRAGMA journal_mode = WAL");
  const seen = await userVersion(client);
  if (seen > SCHEMA_VERSION) throw tooNew(path, seen);
  if (seen === SCHEMA_VERSION) return [];

  const tx = await client.transaction("write");
  try {
    // Another run may have migrated while we waited for the write lock.
    const current = await userVersion(tx);
    if (current > SCHEMA_VERSION) throw tooNew(path, current);
    for (const m of MIGRATIONS) {
      if (m.version <= current) continue;
      for (const sql of m.statements) await tx.execute(sql);
      await tx.execute(`PRAGMA user_version = ${m.version}`);
    }
    const notices = current > 0 && current < 4 ? await legacyNotice(tx) : [];
    await tx.commit();
    return notices;
  } finally {
    tx.close();
  }
}

async function legacyNotice(run: Pick<Client, "execute">): Promise<string[]> {
  const rs = await run.execute(
    "SELECT platform, count(*) AS days FROM legacy_fetched_days GROUP BY platform ORDER BY platform",
  );
  if (rs.rows.length === 0) return [];
  const list = rs.rows.map((r) => `${r.platform} ${r.days} ${Number(r.days) === 1 ? "day" : "days"}`);
  return [
    `history store: history stored before per-organisation keeping (${list.join(", ")}) cannot be tied to an organisation; it is kept aside, not counted, and those days are fetched again`,
  ];
}
