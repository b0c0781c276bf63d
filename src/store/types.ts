import type { PlatformId, UsageRow } from "../usage/types.ts";

/**
 * Whose history a row is: a platform and an organisation. `org` is the vendor's own organisation id
 * where known (`org:…`), else a one-way fingerprint of base URL + key (`fp:…`), never the key.
 * Reports read only the sources of the keys in use, so two organisations never mix.
 */
export interface Source {
  platform: PlatformId;
  org: string;
}

/**
 * The history store, independent of its backend (embedded SQLite, or PostgreSQL for a team).
 * It keeps normalised rows with the raw vendor identity, plus which (source, day) were fetched
 * and when, so a report only re-fetches days that are not settled. It never receives API keys.
 */
export interface Store {
  /** Where the store lives, for messages (a file path, or a URL without its password). */
  readonly location: string;
  /** One-line messages for the user from opening the store (e.g. history set aside by an upgrade). */
  readonly notices: readonly string[];
  /** day → fetchedAt (epoch ms) for every day of `since..until` recorded as fetched for `source`. */
  fetchedDays(source: Source, since: string, until: string): Promise<Map<string, number>>;
  /**
   * In one transaction: drop `source`'s rows for `days`, insert `rows`, and record every day of
   * `days` as fetched at `fetchedAt` (a day without rows is "fetched, empty"). Every row must be of
   * `source.platform` and of one of `days`, else nothing is written. Rows sharing a key are summed.
   * Pass as `fetchedAt` the time the fetch started, so a day still open then never counts as settled.
   * `counters` (day → name → count, e.g. Cursor's excluded events) are kept with each day.
   */
  replaceDays(
    source: Source,
    days: readonly string[],
    rows: readonly UsageRow[],
    fetchedAt: number,
    counters?: DayCounters,
  ): Promise<void>;
  /** The stored counters of `source` summed over the fetched days of `since..until`. */
  readCounters(source: Source, since: string, until: string): Promise<Record<string, number>>;
  /** The stored rows of `sources` for `since..until`, as one consistent snapshot. */
  readRows(sources: readonly Source[], since: string, until: string): AsyncIterable<UsageRow>;
  /**
   * The same rows summed over the days of `since..until` (in one statement, so one snapshot): a row
   * per platform, identity, email, model and costEstimated, each with `day` = `since`. An activity
   * figure stays null only where no day reports it. For reports that do not split by time, which
   * then fold thousands of rows instead of millions.
   */
  readTotals(sources: readonly Source[], since: string, until: string): Promise<UsageRow[]>;
  /** A small key/value memo for `source` (identity lookups): namespace → key → value. */
  cacheGet(source: Source, namespace: string, keys: readonly string[]): Promise<Map<string, string>>;
  cacheSet(source: Source, namespace: string, entries: ReadonlyMap<string, string>): Promise<void>;
  /** Every source with a fetch record, for `ai-usage store copy`. */
  sources?(): Promise<Source[]>;
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
