import { openSqliteStore } from "./sqlite.ts";
import type { Store } from "./types.ts";

export { defaultStorePath } from "./paths.ts";
export { type DayCounters, type Source, type Store, StoreError } from "./types.ts";

/** True for a `postgres://` or `postgresql://` URL: a store shared by a team rather than a file. */
export function isPostgresUrl(pathOrUrl: string): boolean {
  return /^postgres(ql)?:\/\//i.test(pathOrUrl.trim());
}

/**
 * Opens (creating and migrating as needed) the history store at `pathOrUrl`: PostgreSQL for a
 * `postgres://` URL (what it leaves out comes from `env`'s PG* variables, .env included when the
 * caller passes it), else an SQLite file. The PostgreSQL client loads only when it is used.
 */
export async function openStore(pathOrUrl: string, env: NodeJS.ProcessEnv = process.env): Promise<Store> {
  if (isPostgresUrl(pathOrUrl)) {
    const { openPostgresStore } = await import("./postgres/index.ts");
    return openPostgresStore(pathOrUrl, env);
  }
  return openSqliteStore(pathOrUrl);
}
