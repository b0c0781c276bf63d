import type { Client } from "@libsql/client";
import { UsageError } from "../config/errors.ts";

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

/** Brings the schema at `path` up to SCHEMA_VERSION, all steps in one write transaction. */
export async function migrate(client: Client, path: string): Promise<void> {
  // WAL lets a report read while another run writes; it is a property of the file and must be set
  // outside a transaction.
  await client.execute("PRAGMA journal_mode = WAL");
  const seen = await userVersion(client);
  if (seen > SCHEMA_VERSION) throw tooNew(path, seen);
  if (seen === SCHEMA_VERSION) return;

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
    await tx.commit();
  } finally {
    tx.close();
  }
}
