import pLimit from "p-limit";
import { type ClientRateLimiter, createRateLimiter, pauseOn429 } from "../../http/limiter.ts";
import { dayOf, daysBetween } from "../../usage/days.ts";
import { plural } from "../../usage/plural.ts";
import type { Batch, ClientOptions, FetchNotes } from "../types.ts";
import { WindowAggregator } from "./aggregate.ts";
import { CURSOR_PAGE_SIZE, type EventsPage, fetchEventsPage } from "./client.ts";
import { attachActivity, DAILY_REQUESTS_PER_MINUTE, fetchDailyActivity } from "./daily.ts";
import type { EventWindow } from "./windows.ts";

export interface CursorTuning {
  /** Requests per limiter window on the events route: 60 per minute (api/cursor.md §7). */
  requestsPerWindow?: number;
  windowMs?: number;
  pageSize?: number;
  /** Pages in flight at once; the limiter, not this, sets the pace. */
  concurrency?: number;
}

export const CURSOR_PAGE_CONCURRENCY = 4;
/** Re-reads of a window whose pages shifted before we give up and warn. */
const MAX_REPAIR_PASSES = 2;

/** The state of one window while its pages come in. */
class WindowRun {
  readonly agg: WindowAggregator;
  readonly totals = new Set<number>();
  maxTotal = 0;
  knownPages = 1;
  repairPages = 0;
  constructor(readonly window: EventWindow) {
    this.agg = new WindowAggregator(window);
  }
  observe(page: EventsPage): void {
    this.agg.add(page.events);
    this.totals.add(page.total);
    this.maxTotal = Math.max(this.maxTotal, page.total);
    this.knownPages = Math.max(this.knownPages, page.numPages);
  }
}

const label = (w: EventWindow) => `${dayOf(w.startMs)}…${dayOf(w.endMs)}`;

/**
 * Reads every window with the fewest requests: page 1 of each window first (so the run's page
 * count, and an ETA, is known early), then each window's other pages concurrently, all through one
 * limiter. Yields a window's rows once all its pages are in; events are folded in as they arrive.
 */
export async function* fetchCursorWindows(
  client: ClientOptions,
  windows: readonly EventWindow[],
  notes: FetchNotes,
  tuning: CursorTuning = {},
): AsyncGenerator<Batch> {
  const pageSize = tuning.pageSize ?? CURSOR_PAGE_SIZE;
  const limiter: ClientRateLimiter = createRateLimiter({
    limit: tuning.requestsPerWindow ?? 60,
    windowMs: tuning.windowMs ?? 60_000,
  });
  const stop = new AbortController();
  const signal = client.signal ? AbortSignal.any([client.signal, stop.signal]) : stop.signal;
  const scoped: ClientOptions = { ...client, signal, fetch: pauseOn429(client.fetch, limiter) };
  const pool = pLimit(tuning.concurrency ?? CURSOR_PAGE_CONCURRENCY);
  // --activity: daily-usage-data, one request per window and page, under its own 20-a-minute limit.
  const daily = client.activity
    ? createRateLimiter({ limit: DAILY_REQUESTS_PER_MINUTE, windowMs: tuning.windowMs ?? 60_000 })
    : undefined;
  const runs = windows.map((w) => new WindowRun(w));
  let done = 0;
  const progress = () =>
    client.onProgress?.(
      done,
      runs.reduce((sum, r) => sum + r.knownPages + r.repairPages, 0),
    );
  const get = (run: WindowRun, page: number) =>
    pool(async () => {
      const result = await fetchEventsPage(scoped, limiter, run.window, page, pageSize);
      run.observe(result);
      done++;
      progress();
    });

  try {
    progress();
    // Every window's first page at once; a failed one fails the run only when its turn comes, so the
    // windows before it are still completed and kept.
    const firsts = await Promise.allSettled(runs.map((run) => get(run, 1)));
    for (const [i, run] of runs.entries()) {
      const first = firsts[i]!;
      if (first.status === "rejected") throw first.reason;
      for (let next = 2; next <= run.knownPages; ) {
        const last = run.knownPages;
        const batch: Promise<void>[] = [];
        for (; next <= last; next++) batch.push(get(run, next));
        await Promise.all(batch);
      }
      const shifted = run.totals.size > 1;
      if (shifted) await repair(run, get, pageSize, notes);
      let rows = run.agg.finish(shifted);
      if (daily) {
        const dailyClient = { ...scoped, fetch: pauseOn429(client.fetch, daily) };
        rows = attachActivity(rows, await fetchDailyActivity(dailyClient, daily, run.window));
      }
      const days = daysBetween(dayOf(run.window.startMs), dayOf(run.window.endMs));
      // Every day of the window gets a count, zero included, so a stored day reports 0, not nothing.
      const counters = Object.fromEntries(
        days.map((d) => [
          d,
          // activityDays: this day's rows carry daily-usage-data's figures (src/sync/activity.ts).
          { excludedEvents: run.agg.excludedByDay.get(d) ?? 0, ...(daily ? { activityDays: 1 } : {}) },
        ]),
      );
      if (run.agg.outside > 0)
        notes.warnings.push(
          `cursor: the API returned ${run.agg.outside} ${run.agg.outside === 1 ? "event" : "events"} outside ${label(run.window)}; ignored`,
        );
      client.log?.debug(
        `cursor: ${label(run.window)}: ${plural(run.maxTotal, "event")}, ${plural(run.knownPages + run.repairPages, "page")}` +
          (shifted ? `, pages shifted (${run.agg.repeated} repeats dropped)` : ""),
      );
      yield { days, rows, counters };
    }
  } finally {
    pool.clearQueue();
    stop.abort();
  }
}

/**
 * Events were added inside the window while we paged (the total moved). Reading pages out of
 * order can then miss events at page edges, so re-read in order — newest first, as insertions
 * shift pages only towards older ones — until every event the API counts has been seen; the
 * fingerprints make re-read events free.
 */
async function repair(
  run: WindowRun,
  get: (run: WindowRun, page: number) => Promise<void>,
  pageSize: number,
  notes: FetchNotes,
): Promise<void> {
  for (let pass = 0; pass < MAX_REPAIR_PASSES && run.agg.unique < run.maxTotal; pass++) {
    for (let page = 1; page <= Math.ceil(run.maxTotal / pageSize) && run.agg.unique < run.maxTotal; page++) {
      run.repairPages++;
      await get(run, page);
    }
  }
  const missing = run.maxTotal - run.agg.unique;
  if (missing > 0)
    notes.warnings.push(
      `cursor: events kept arriving while ${label(run.window)} was read; ${missing} may be missing — run again to include them`,
    );
}
