import type { PlatformId, UsageRow } from "../usage/types.ts";

/**
 * The history store, independent of its backend (embedded SQLite today, Postgres later).
 * It keeps normalised rows with the raw vendor identity, plus which (platform, day) were fetched
 * and when, so a report only re-fetches days that are not settled. It never receives API keys.
 */
export interface Store {
  /** Where the store lives, for messages (a file path for SQLite). */
  readonly location: string;
  /** day → fetchedAt (epoch ms) for every day of `since..until` recorded as fetched. */
  fetchedDays(platform: PlatformId, since: string, until: string): Promise<Map<string, number>>;
  /**
   * In one transaction: drop `platform`'s rows for `days`, insert `rows`, and record every day of
   * `days` as fetched at `fetchedAt` (a day without rows is "fetched, empty"). Every row must be of
   * `platform` and of one of `days`, else nothing is written. Rows sharing a key are summed.
   * Pass as `fetchedAt` the time the fetch started, so a day still open then never counts as settled.
   * `counters` (day → name → count, e.g. Cursor's excluded events) are kept with each day.
   */
  replaceDays(
    platform: PlatformId,
    days: readonly string[],
    rows: readonly UsageRow[],
    fetchedAt: number,
    counters?: DayCounters,
  ): Promise<void>;
  /** The stored counters of `platform` summed over the fetched days of `since..until`. */
  readCounters(platform: PlatformId, since: string, until: string): Promise<Record<string, number>>;
  /** The stored rows of `platforms` for `since..until`, as one consistent snapshot. */
  readRows(platforms: readonly PlatformId[], since: string, until: string): AsyncIterable<UsageRow>;
  close(): Promise<void>;
}

/** day → counter name → count. */
export type DayCounters = Readonly<Record<string, Readonly<Record<string, number>>>>;

/** The store failed at run time (locked too long, disk full, corrupt file, a bad row from our code). */
export class StoreError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "StoreError";
  }
}
