import { AbortedError, ApiError, PlatformError } from "../http/errors.ts";
import { redact } from "../http/redact.ts";
import type { Logger } from "../log.ts";
import type { Batch, ClientOptions, FetchNotes, Platform } from "../platforms/types.ts";
import type { PlatformStatus } from "../report/report.ts";
import type { Store } from "../store/types.ts";
import { daysBetween, toRanges } from "../usage/days.ts";
import type { PlatformId, UsageRow } from "../usage/types.ts";
import { daysWithoutActivity, reportedCounters } from "./activity.ts";
import { clientFor } from "./client.ts";
import { noteLookback } from "./lookback.ts";
import { daysToFetch, oldestLiveDay } from "./plan.ts";
import { platformKey, sourceOf } from "./source.ts";

/** Everything a sync needs; built by the CLI from options and environment. */
export interface SyncInput {
  platforms: readonly Platform[];
  since: string;
  until: string;
  env: Readonly<Record<string, string | undefined>>;
  fetch: typeof globalThis.fetch;
  log: Logger;
  signal: AbortSignal;
  now: Date;
  store: Store | null;
  /** Why there is no store, for messages ("with --no-store", "in the demo"). */
  noStoreReason?: string;
  refresh: boolean;
  /** Receives every row of the window of each platform that succeeded (a report); absent for `sync`. */
  onRow?: (row: UsageRow) => void;
  /**
   * The report does not split by day, so the store may hand `onRow` its rows summed over the window
   * (`Store.readTotals`): a year of a large organisation is thousands of rows instead of millions.
   */
  wholeWindow?: boolean;
  client?: Partial<ClientOptions>;
  onProgress?: (platform: PlatformId, done: number, total: number) => void;
  onWait?: (platform: PlatformId, ms: number, why: string) => void;
}

export interface PlatformOutcome {
  status: PlatformStatus;
  /** Days fetched live (committed), and days served from the store. */
  fetchedDays: number;
  storedDays: number;
  /** Rows fetched live, and rows handed to `onRow`. */
  fetchedRows: number;
  rows: number;
}

/** Fetches (and stores) each platform in parallel; one platform's failure never stops the others. */
export function syncAll(input: SyncInput): Promise<PlatformOutcome[]> {
  return Promise.all(input.platforms.map((p) => syncOne(p, input)));
}

async function syncOne(platform: Platform, input: SyncInput): Promise<PlatformOutcome> {
  const status: PlatformStatus = {
    platform: platform.id,
    label: platform.label,
    status: "ok",
    message: null,
  };
  const outcome: PlatformOutcome = { status, fetchedDays: 0, storedDays: 0, fetchedRows: 0, rows: 0 };
  const apiKey = platformKey(platform, input.env);
  if (!apiKey) {
    status.status = "skipped";
    status.message = `${platform.keyEnv[0]} is not set`;
    return outcome;
  }
  const { store } = input;
  const source = sourceOf(platform, input.env, apiKey);
  const window = daysBetween(input.since, input.until);
  const oldestLive = oldestLiveDay(platform.lookback, input.now);
  const liveDays = oldestLive ? window.filter((d) => d >= oldestLive) : window;
  const fetched = store
    ? await store.fetchedDays(source, input.since, input.until)
    : new Map<string, number>();
  let toFetch = store
    ? daysToFetch({
        days: liveDays,
        fetched,
        now: input.now,
        settledAfter: platform.settledAfter,
        refresh: input.refresh,
      })
    : liveDays;
  noteLookback({ platform, window, oldestLive, fetched, store, reason: input.noStoreReason, log: input.log });
  if (store && input.client?.activity && platform.activityRoute) {
    const stored = liveDays.filter((d) => fetched.has(d) && !toFetch.includes(d));
    toFetch = [...toFetch, ...(await daysWithoutActivity(store, source, stored))].sort();
  }

  // The platform's standing notes hold whether or not this run fetched anything.
  const notes: FetchNotes = { warnings: [], notes: [...(platform.notes?.(input.env) ?? [])] };
  const client = clientFor(platform, input, apiKey, source);
  const startedAt = input.now.getTime();
  const pending = new Set(toFetch);
  /** Without a store, rows wait here until the platform is complete: never partial numbers. */
  const held: Batch[] = [];
  try {
    if (toFetch.length > 0)
      for await (const batch of platform.fetchBatches(client, toRanges(toFetch), notes)) {
        if (store) await store.replaceDays(source, batch.days, batch.rows, startedAt, batch.counters);
        else held.push(batch);
        for (const d of batch.days) pending.delete(d);
        outcome.fetchedDays += batch.days.length;
        outcome.fetchedRows += batch.rows.length;
      }
    // The platform finished: any requested day it had nothing to say about is fetched and empty.
    if (store && pending.size > 0) await store.replaceDays(source, [...pending], [], startedAt);
    outcome.fetchedDays += pending.size;
    outcome.storedDays = window.filter((d) => fetched.has(d) && !toFetch.includes(d)).length;
    if (store) {
      const counters = reportedCounters(await store.readCounters(source, input.since, input.until));
      if (Object.keys(counters).length > 0) status.counters = counters;
      if (input.onRow) {
        const rows = input.wholeWindow
          ? await store.readTotals([source], input.since, input.until)
          : store.readRows([source], input.since, input.until);
        for await (const row of rows) {
          input.onRow(row);
          outcome.rows++;
        }
      }
    } else {
      const counters = reportedCounters(sumCounters(held));
      if (Object.keys(counters).length > 0) status.counters = counters;
      for (const batch of held)
        for (const row of batch.rows) {
          input.onRow?.(row);
          outcome.rows++;
        }
    }
  } catch (err) {
    if (err instanceof AbortedError || input.signal.aborted) throw new AbortedError();
    status.status = "error";
    status.message = describeError(err);
    const requestId = err instanceof ApiError && err.requestId ? ` (request id ${err.requestId})` : "";
    const advice = err instanceof ApiError ? platform.advice?.(err.status, err.vendorMessage) : undefined;
    input.log.warn(`${platform.id}: error: ${status.message}${requestId}${advice ? ` — ${advice}` : ""}`);
    if (store && outcome.fetchedDays > 0)
      input.log.warn(
        `${platform.id}: ${outcome.fetchedDays} of ${toFetch.length} ${toFetch.length === 1 ? "day" : "days"} fetched before the error ${outcome.fetchedDays === 1 ? "is" : "are"} kept in the history store; the next run fetches only the rest`,
      );
  }
  for (const warning of notes.warnings) input.log.warn(redact(warning));
  const allNotes = [...new Set(notes.notes)];
  if (status.status === "ok" && allNotes.length > 0) {
    status.notes = allNotes;
    // Notes say how to read a report; `sync` (cron) prints none, so it stays quiet when all is well.
    if (input.onRow) for (const note of allNotes) input.log.warn(`${platform.id}: ${note}`);
  }
  return outcome;
}

function sumCounters(batches: readonly Batch[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const b of batches)
    for (const day of Object.values(b.counters ?? {}))
      for (const [name, n] of Object.entries(day)) out[name] = (out[name] ?? 0) + n;
  // In name order, as the store reads them back, so a run with and without a store prints alike.
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Vendor errors keep their own text; anything else is our bug, shown without a stack. */
function describeError(err: unknown): string {
  if (err instanceof PlatformError) return redact(err.message);
  return redact(`internal error: ${err instanceof Error ? err.message : String(err)}`);
}
