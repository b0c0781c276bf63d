import type { Logger } from "../log.ts";
import type { Platform } from "../platforms/types.ts";
import type { Store } from "../store/types.ts";

const days = (n: number) => (n === 1 ? "the older day" : `the ${n} older days`);
const are = (n: number) => (n === 1 ? "is" : "are");

/**
 * Days older than the live API reaches come from the store; say so, and name the days neither
 * the API nor the store has (they are not counted).
 */
export function noteLookback(args: {
  platform: Platform;
  window: readonly string[];
  oldestLive: string | undefined;
  fetched: ReadonlyMap<string, number>;
  store: Store | null;
  /** Why there is no store ("with --no-store", "in the demo"). */
  reason?: string;
  log: Logger;
}): void {
  const { platform, window, oldestLive, fetched } = args;
  if (!oldestLive || window[0]! >= oldestLive) return;
  const older = window.filter((d) => d < oldestLive);
  const missing = older.filter((d) => !fetched.has(d));
  const byDays = platform.lookback?.days && oldestLive !== platform.lookback.earliest;
  const reach = byDays ? `${platform.lookback?.days} days (to ${oldestLive})` : `to ${oldestLive}`;
  const limit = `${platform.id}: the live API reaches back ${reach}`;
  const span = (list: readonly string[]) =>
    list.length === 1 ? list[0] : `${list[0]} – ${list[list.length - 1]}`;
  if (!args.store)
    args.log.warn(
      `${limit}; ${days(older.length)} (${span(older)}) ${are(older.length)} not counted ${args.reason ?? "without a history store"}`,
    );
  else if (missing.length === 0)
    args.log.warn(
      `${limit}; ${days(older.length)} ${older.length === 1 ? "comes" : "come"} from the history store`,
    );
  else
    args.log.warn(
      `${limit}; ${missing.length} of ${days(older.length)} (${span(missing)}) ${are(missing.length)} not in the history store and ${are(missing.length)} not counted`,
    );
}
