import type { Logger } from "../log.ts";
import type { ModelPrice } from "../pricing/types.ts";
import type { PlatformId, UsageRow } from "../usage/types.ts";

/** What every platform client is given: where to call, with which key, and with which fetch. */
export interface ClientOptions {
  baseUrl: string;
  apiKey: string;
  fetch: typeof globalThis.fetch;
  signal?: AbortSignal;
  log?: Logger;
  /** Per-request timeout; the HTTP layer has a default. */
  timeoutMs?: number;
  /** Attempts per request including the first; the HTTP layer has a default. */
  maxAttempts?: number;
  /** Scale for backoff sleeps (tests use a small value so retries do not slow them down). */
  backoffScale?: number;
  /** Page cap per cursor-paged request sequence (default MAX_PAGES); tests lower it to trip the guard fast. */
  maxPages?: number;
  /** Injected clock, so "is this day over yet" and "fix the window end in the past" are testable. */
  now?: () => Date;
  /** List-price lookup for estimating cost where the vendor gives none (OpenAI). See src/pricing. */
  prices?: (model: string) => ModelPrice | undefined;
  /** Long fetches (Cursor) report progress: pages done of pages known so far. */
  onProgress?: (done: number, total: number) => void;
}

/** A window of whole UTC days, inclusive at both ends (YYYY-MM-DD). */
export interface DayRange {
  since: string;
  until: string;
}

/** Side facts a platform learns while fetching, reported on stderr and in JSON. */
export interface FetchNotes {
  warnings: string[];
  /** Extra counters for the JSON `platforms[]` entry, e.g. Cursor's `excludedEvents`. */
  counters: Record<string, number>;
  /**
   * The same counters split by UTC day (day → name → count) where the platform can tell, so the
   * history store keeps them with each day. Given by the caller when it wants them.
   */
  countersByDay?: Record<string, Record<string, number>>;
}

export interface Platform {
  id: PlatformId;
  /** Env var(s) holding the key; the first is the one named in messages. */
  keyEnv: readonly string[];
  baseUrlEnv: string;
  defaultBaseUrl: string;
  /** How far back the live API may be asked (Cursor: 90 days), if limited. */
  maxLookbackDays?: number;
  /**
   * Streams the usage of every day in `ranges` as normalised rows. Rows for one day may arrive
   * in any order; when the iterator finishes without throwing, every requested day is complete.
   */
  fetchUsage(options: ClientOptions, ranges: DayRange[], notes: FetchNotes): AsyncIterable<UsageRow>;
}
