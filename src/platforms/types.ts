import type { HttpClient } from "../http/request.ts";
import type { ModelPrice } from "../pricing/types.ts";
import type { PlatformId, UsageRow } from "../usage/types.ts";

/** What every platform client is given: where to call, with which key, and with which fetch. */
export interface ClientOptions extends HttpClient {
  /** The environment (with .env applied), for a platform's own extra variables (workspace id, org…). */
  env?: Readonly<Record<string, string | undefined>>;
  /** Page cap per cursor-paged request sequence (default MAX_PAGES); tests lower it to trip the guard fast. */
  maxPages?: number;
  /** Injected clock, so "is this day over yet" and "fix the window end in the past" are testable. */
  now?: () => Date;
  /** List-price lookup for estimating cost where the vendor gives none (OpenAI). See src/pricing. */
  prices?: (model: string) => ModelPrice | undefined;
  /** Long fetches report progress: units done of units known so far (the descriptor names the unit). */
  onProgress?: (done: number, total: number) => void;
  /** A per-source key/value cache kept in the history store (identity lookups); absent with --no-store. */
  cache?: SourceCache;
  /** With --activity: fetch what the AI produced too (extra routes where a vendor needs them). */
  activity?: boolean;
}

/** Small per-source memo kept in the store, e.g. GitHub login → email. Values are plain strings. */
export interface SourceCache {
  get(namespace: string, keys: readonly string[]): Promise<Map<string, string>>;
  set(namespace: string, entries: ReadonlyMap<string, string>): Promise<void>;
}

/** A window of whole UTC days, inclusive at both ends (YYYY-MM-DD). */
export interface DayRange {
  since: string;
  until: string;
}

/**
 * A completed unit of work: every row of `days`, final for this fetch. The sync commits each batch
 * in one transaction as soon as it arrives, so a run that fails later keeps it.
 * A day of `days` without rows is "fetched, empty". Rows must all fall on `days`.
 */
export interface Batch {
  days: string[];
  rows: UsageRow[];
  /** day → counter name → count (e.g. Cursor's excluded events), kept with each day. */
  counters?: Record<string, Record<string, number>>;
}

/** Side facts a platform learns while fetching, reported on stderr and in JSON. */
export interface FetchNotes {
  /** One line each on stderr. */
  warnings: string[];
  /** Facts about what the numbers mean for this organisation (JSON `platforms[].notes`, once on stderr). */
  notes: string[];
}

/**
 * One vendor: everything vendor-specific the rest of the tool needs. Lives in
 * `src/platforms/<id>/index.ts`; the registry lists them.
 */
export interface Platform {
  id: PlatformId;
  /** Display name: table sub-rows and the Tools column. */
  label: string;
  /** Env var(s) holding the key; the first set wins, the first is the one named in messages. */
  keyEnv: readonly string[];
  /** Variables needed besides the key: each inner list means "one of these" (a key without it is exit 2). */
  requiredEnv?: readonly (readonly string[])[];
  /** What this platform's numbers mean, said with every report whether or not anything was fetched. */
  notes?(env: Readonly<Record<string, string | undefined>>): string[];
  /** A malformed setting of this platform's own (e.g. a price), as one line naming it: the CLI exits 2. */
  checkEnv?(env: Readonly<Record<string, string | undefined>>): string | undefined;
  baseUrlEnv: string;
  defaultBaseUrl: string;
  /** What this vendor's keys look like, so echoed fragments are redacted everywhere. */
  keyShape?: RegExp;
  /** Epoch ms from which a fetch of `day` sees its final values (DESIGN §2 "Settled days"). */
  settledAfter(day: string): number;
  /** How far back the live API reaches: a number of days back from today and/or a first day. */
  lookback?: { days?: number; earliest?: string };
  /** What `onProgress` counts ("days", "pages", "windows"). */
  progressUnit: string;
  /** How this platform's cost is estimated, for the `~` footnote (only platforms that estimate). */
  estimate?: string;
  /** One line for `--help`: what it covers and what to set. */
  help: string;
  /** Pulls the vendor's message out of an error body. */
  errorMessage(body: unknown): string | undefined;
  /** What a failed request should tell the user to do, by status (e.g. which key type is needed). */
  advice?(status: number, message: string): string | undefined;
  /**
   * The organisation the key reads, for keeping history apart: the vendor's own id where it is
   * known without a request (a workspace id, a GitHub org), else null and the sync uses a one-way
   * fingerprint of base URL + key.
   */
  organization?(env: Readonly<Record<string, string | undefined>>): string | null;
  /**
   * Activity needs an extra route here, fetched only with `activity`: each day fetched with it
   * carries the per-day counter `activityDays: 1`, so the sync re-fetches stored days without it.
   */
  activityRoute?: boolean;
  /**
   * Team memberships the vendor knows, for `--by team` only: person (email where the platform
   * resolves one, else its own identity) → team names, as of the last day up to `until` with data.
   */
  teams?(client: ClientOptions, until: string): Promise<Map<string, string[]>>;
  /** Streams the usage of every day in `ranges` as completed batches. */
  fetchBatches(client: ClientOptions, ranges: readonly DayRange[], notes: FetchNotes): AsyncIterable<Batch>;
}
