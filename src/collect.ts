import { AbortedError, ApiError, PlatformError } from "./http/errors.ts";
import { redact } from "./http/redact.ts";
import type { Logger } from "./log.ts";
import { platforms as registry } from "./platforms/index.ts";
import type { ClientOptions, FetchNotes, Platform } from "./platforms/types.ts";
import { daysToFetch } from "./store/plan.ts";
import type { Store } from "./store/types.ts";
import type { Aggregator } from "./report/aggregate.ts";
import { addDays, daysBetween, todayUtc, toRanges } from "./usage/days.ts";
import type { PlatformStatus } from "./report/report.ts";
import type { PlatformId, UsageRow } from "./usage/types.ts";

/** Everything the collector needs; built by the CLI from options and environment. */
export interface CollectInput {
  platforms: PlatformId[];
  since: string;
  until: string;
  env: NodeJS.ProcessEnv;
  fetch: typeof globalThis.fetch;
  log: Logger;
  signal: AbortSignal;
  now: Date;
  store: Store | null;
  refresh: boolean;
  /** Where rows go for a report; absent for `sync`. */
  aggregator?: Aggregator;
  client?: Partial<ClientOptions>;
  onProgress?: (platform: PlatformId, done: number, total: number) => void;
}

export interface PlatformOutcome {
  status: PlatformStatus;
  /** Days fetched live, and days served from the store. */
  fetchedDays: number;
  storedDays: number;
  rows: number;
}

/** The key of a platform from the environment (first variable set wins), or undefined. */
export function platformKey(platform: Platform, env: NodeJS.ProcessEnv): string | undefined {
  for (const name of platform.keyEnv) {
    const value = env[name]?.trim();
    if (value) return value;
  }
  return undefined;
}

/** Fetches (and stores) each platform in parallel; one platform's failure never stops the others. */
export async function collect(input: CollectInput): Promise<PlatformOutcome[]> {
  return Promise.all(input.platforms.map((id) => collectOne(registry[id], input)));
}

async function collectOne(platform: Platform, input: CollectInput): Promise<PlatformOutcome> {
  const outcome: PlatformOutcome = {
    status: { platform: platform.id, status: "ok", message: null },
    fetchedDays: 0,
    storedDays: 0,
    rows: 0,
  };
  const apiKey = platformKey(platform, input.env);
  if (!apiKey) {
    const message = `${platform.keyEnv[0]} is not set`;
    input.log.warn(`${platform.id}: skipped, ${message}`);
    outcome.status = { platform: platform.id, status: "skipped", message };
    return outcome;
  }

  const window = daysBetween(input.since, input.until);
  const oldestLive = platform.maxLookbackDays
    ? addDays(todayUtc(input.now), -(platform.maxLookbackDays - 1))
    : undefined;
  const liveDays = oldestLive ? window.filter((d) => d >= oldestLive) : window;
  const fetched = input.store
    ? await input.store.fetchedDays(platform.id, input.since, input.until)
    : new Map();
  const toFetch = input.store
    ? daysToFetch({ days: liveDays, fetched, now: input.now, refresh: input.refresh })
    : liveDays;
  noteLookback(platform, input, window, liveDays, fetched, oldestLive);

  // With a store, counters are kept per day like the rows, and reported from the store.
  const notes: FetchNotes = { warnings: [], counters: {}, countersByDay: input.store ? {} : undefined };
  let counters = notes.counters;
  const options: ClientOptions = {
    baseUrl: input.env[platform.baseUrlEnv]?.trim() || platform.defaultBaseUrl,
    apiKey,
    fetch: input.fetch,
    signal: input.signal,
    log: input.log,
    now: () => input.now,
    onProgress: input.onProgress && ((done, total) => input.onProgress?.(platform.id, done, total)),
    ...input.client,
  };
  try {
    const startedAt = input.now.getTime();
    const ranges = toRanges(toFetch);
    if (input.store) {
      const rows: UsageRow[] = [];
      if (ranges.length > 0)
        for await (const row of platform.fetchUsage(options, ranges, notes)) rows.push(row);
      await input.store.replaceDays(platform.id, toFetch, rows, startedAt, dayCounters(toFetch, notes));
      counters = await input.store.readCounters(platform.id, input.since, input.until);
      if (input.aggregator) {
        for await (const row of input.store.readRows([platform.id], input.since, input.until)) {
          input.aggregator.add(row);
          outcome.rows++;
        }
      } else outcome.rows = rows.length;
    } else if (ranges.length > 0) {
      for await (const row of platform.fetchUsage(options, ranges, notes)) {
        input.aggregator?.add(row);
        outcome.rows++;
      }
    }
    outcome.fetchedDays = toFetch.length;
    const live = new Set(toFetch);
    outcome.storedDays = window.filter((d) => !live.has(d) && fetched.has(d)).length;
  } catch (err) {
    if (err instanceof AbortedError || input.signal.aborted) throw new AbortedError();
    outcome.status = { platform: platform.id, status: "error", message: describeError(err) };
    const requestId = err instanceof ApiError && err.requestId ? ` (request id ${err.requestId})` : "";
    input.log.warn(`${platform.id}: error: ${outcome.status.message}${requestId}`);
  }
  for (const warning of notes.warnings) input.log.warn(redact(warning));
  // Counters describe delivered data; a failed platform delivered none.
  if (outcome.status.status === "ok" && Object.keys(counters).length > 0) outcome.status.counters = counters;
  return outcome;
}

/** Each fetched day's counters, zero where the platform saw nothing, so a stored day counts as 0. */
function dayCounters(days: readonly string[], notes: FetchNotes): Record<string, Record<string, number>> {
  const names = Object.keys(notes.counters);
  const out: Record<string, Record<string, number>> = {};
  for (const day of days)
    out[day] = Object.fromEntries(names.map((n) => [n, notes.countersByDay?.[day]?.[n] ?? 0]));
  return out;
}

/** Vendor errors keep their own text; anything else is our bug, reported without a stack. */
function describeError(err: unknown): string {
  if (err instanceof PlatformError) return redact(err.message);
  return redact(`internal error: ${err instanceof Error ? err.message : String(err)}`);
}

function noteLookback(
  platform: Platform,
  input: CollectInput,
  window: string[],
  liveDays: string[],
  fetched: Map<string, number>,
  oldestLive: string | undefined,
): void {
  if (!oldestLive || liveDays.length === window.length) return;
  const older = window.filter((d) => d < oldestLive);
  const missing = older.filter((d) => !fetched.has(d));
  const limit = `${platform.id}: the live API reaches back ${platform.maxLookbackDays} days (to ${oldestLive})`;
  const span = (days: string[]) => `${days[0]} – ${days[days.length - 1]}`;
  if (!input.store)
    input.log.warn(
      `${limit}; the ${older.length} older days (${span(older)}) are not counted with --no-store`,
    );
  else if (missing.length === 0)
    input.log.warn(`${limit}; the ${older.length} older days come from the history store`);
  else
    input.log.warn(
      `${limit}; ${missing.length} of the ${older.length} older days (${span(missing)}) are not in the history store and are not counted`,
    );
}
