import { DAY_MS, dayOf } from "../../usage/days.ts";
import { addCounts, emptyRow, type UsageRow } from "../../usage/types.ts";
import { HashSet52 } from "./dedupe.ts";
import { eventCostNanos, eventTokens, fingerprint, identityOf, isExcluded, NO_MODEL } from "./normalize.ts";
import type { CursorEvent } from "./schema.ts";
import type { EventWindow } from "./windows.ts";

type Rows = Map<string, UsageRow>;

/**
 * Folds one window's events into rows keyed by (UTC day, identity, model) as pages arrive; the
 * events themselves are dropped at once.
 *
 * Dedupe: events come newest first with no id, so if events are added while we page, pages shift
 * and an event can come twice. A repeated fingerprint goes to a side tally; at the end, when every
 * page reported the same total (nothing shifted), repeats were genuinely distinct events (or hash
 * collisions) and are counted after all; when the total moved, they were shift duplicates and go.
 */
export class WindowAggregator {
  private readonly rows: Rows = new Map();
  private readonly repeats: Rows = new Map();
  private readonly seen = new HashSet52();
  private readonly days = new Map<number, string>();
  /** Distinct events seen (fingerprints), excluded ones included: compared with the API's total. */
  unique = 0;
  excluded = 0;
  /** `excluded` by UTC day. */
  readonly excludedByDay = new Map<string, number>();
  private repeatedExcluded = 0;
  private readonly repeatedExcludedByDay = new Map<string, number>();
  repeated = 0;
  /** Events the API returned outside the requested bounds; ignored so no day is counted twice. */
  outside = 0;

  constructor(readonly window: EventWindow) {}

  add(events: readonly CursorEvent[]): void {
    for (const event of events) this.addOne(event);
  }

  private addOne(event: CursorEvent): void {
    const ms = event.timestamp;
    if (ms < this.window.startMs || ms > this.window.endMs) {
      this.outside++;
      return;
    }
    const fresh = this.seen.add(fingerprint(event));
    if (fresh) this.unique++;
    else this.repeated++;
    if (isExcluded(event)) {
      const byDay = fresh ? this.excludedByDay : this.repeatedExcludedByDay;
      const day = this.dayOf(ms);
      byDay.set(day, (byDay.get(day) ?? 0) + 1);
      if (fresh) this.excluded++;
      else this.repeatedExcluded++;
      return;
    }
    const { identity, email } = identityOf(event);
    const day = this.dayOf(ms);
    const model = event.model?.trim() || NO_MODEL;
    const key = `${day}\u0000${identity}\u0000${model}`;
    const target = fresh ? this.rows : this.repeats;
    let row = target.get(key);
    if (!row) {
      row = emptyRow({ platform: "cursor", day, identity, email, model, costEstimated: false });
      target.set(key, row);
    }
    const tokens = eventTokens(event);
    row.requests++;
    row.inputTokens += tokens.inputTokens;
    row.outputTokens += tokens.outputTokens;
    row.cacheReadTokens += tokens.cacheReadTokens;
    row.cacheWriteTokens += tokens.cacheWriteTokens;
    row.costNanos += eventCostNanos(event);
  }

  private dayOf(ms: number): string {
    const index = Math.floor(ms / DAY_MS);
    let day = this.days.get(index);
    if (!day) {
      day = dayOf(index * DAY_MS);
      this.days.set(index, day);
    }
    return day;
  }

  /** The window's rows; `shifted` says whether the pages moved while we read them. */
  finish(shifted: boolean): UsageRow[] {
    if (!shifted) {
      for (const [key, extra] of this.repeats) {
        const row = this.rows.get(key);
        if (!row) this.rows.set(key, extra);
        else addCounts(row, extra);
      }
      this.excluded += this.repeatedExcluded;
      this.repeatedExcluded = 0;
      for (const [day, n] of this.repeatedExcludedByDay)
        this.excludedByDay.set(day, (this.excludedByDay.get(day) ?? 0) + n);
      this.repeatedExcludedByDay.clear();
      this.repeats.clear();
    }
    return [...this.rows.values()];
  }
}
