import { openSqliteStore } from "./sqlite.ts";
import type { Store } from "./types.ts";

export { defaultStorePath } from "./paths.ts";
export { DEFAULT_SETTLE_MS, daysToFetch, isSettled, uncoveredDays } from "./plan.ts";
export { type DayCounters, type Store, StoreError } from "./types.ts";

/** Opens (creating and migrating as needed) the history store at `path`. */
export function openStore(path: string): Promise<Store> {
  return openSqliteStore(path);
}
