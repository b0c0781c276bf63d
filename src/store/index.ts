import { openSqliteStore } from "./sqlite.ts";
import type { Store } from "./types.ts";

export { defaultStorePath } from "./paths.ts";
export { type DayCounters, type Source, type Store, StoreError } from "./types.ts";

/** Opens (creating and migrating as needed) the history store at `path`. */
export function openStore(path: string): Promise<Store> {
  return openSqliteStore(path);
}
