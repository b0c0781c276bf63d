import { DAY_MS, dayOf } from "../../usage/days.ts";
import { addCounts, emptyRow, type UsageRow } from "../../usage/types.ts";
import { HashSet52, hash52 } from "./dedupe.ts";
import {
  type EventIdentity,
  eventCostNanos,
  fingerprint,
  identityOf,
  isExcluded,
  NO_MODEL,
} from "./normalize.ts";
import { type CursorEvent, eventMs } from "./schema.ts";
import type { EventWindow } from "./windows.ts";

type Rows = Map<string, UsageRow>;

const HOUR_MS = 3_600_000;

const rowKey = (day: string, identity: string, model: string) => `${day}\u0000${identity}\u0000${model}`;

/** One identity's rows, by model number and then by day of the window (0 for its first day). */
interface Owner {
  identity: string;
  byModel: (UsageRow[] | undefined)[];
}

/**
 * What the fold needs about one distinct raw value of a repeated field (email, model, kind),
 * worked out once per window instead of once per event: its hash for the fingerprint, and what
 * it means (whose the event is, which model row, whether it is excluded).
 */
interface EmailInfo {
  hash: number;
  /** Whose an event without a service account is; set on first use. */
  who: EventIdentity | undefined;
  owner: Owner | undefined;
}
interface ModelInfo {
  hash: number;
  /** Index of the trimmed name in `modelNames`. */
  index: number;
}
interface KindInfo {
  hash: number;
  excluded: boolean;
}

/** Distinct raw values kept per field before a table starts over: a guard against unbounded data. */
const TABLE_LIMIT = 100_000;

function remember<T>(table: Map<string, T>, raw: string, info: T): T {
  if (table.size >= TABLE_LIMIT) table.clear();
  table.set(raw, info);
  return info;
}

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
  /** Every row by its full key, in first-seen order; `owners` reaches the same rows without a key. */
  private readonly rows: Rows = new Map();
  private readonly repeats: Rows = new Map();
  /** Fingerprints by the hour of their event (see seenIn). */
  private readonly seen = new Map<number, HashSet52>();
  private seenHour = Number.NaN;
  private seenSet = new HashSet52();
  private readonly days = new Map<number, string>();
  private readonly owners = new Map<string, Owner>();
  private readonly emails = new Map<string, EmailInfo>();
  private readonly models = new Map<string, ModelInfo>();
  private readonly modelNames: string[] = [];
  private readonly modelIndex = new Map<string, number>();
  private readonly kinds = new Map<string, KindInfo>();
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

  /** The window's first UTC day, as a day number (epoch ms / DAY_MS). */
  private readonly firstDay: number;

  constructor(readonly window: EventWindow) {
    this.firstDay = Math.floor(window.startMs / DAY_MS);
  }

  add(events: readonly CursorEvent[]): void {
    for (const event of events) this.addOne(event);
  }

  private addOne(event: CursorEvent): void {
    const ms = eventMs(event);
    if (ms < this.window.startMs || ms > this.window.endMs) {
      this.outside++;
      return;
    }
    const rawEmail = event.userEmail ?? "";
    const email = this.emails.get(rawEmail) ?? remember(this.emails, rawEmail, this.emailInfo(rawEmail));
    const rawModel = event.model ?? "";
    const model = this.models.get(rawModel) ?? remember(this.models, rawModel, this.modelInfo(rawModel));
    const rawKind = event.kind ?? "";
    const kind = this.kinds.get(rawKind) ?? remember(this.kinds, rawKind, this.kindInfo(rawKind));
    const fresh = this.seenIn(ms).add(fingerprint(event, ms, email.hash, model.hash, kind.hash));
    if (fresh) this.unique++;
    else this.repeated++;
    if (kind.excluded) {
      const byDay = fresh ? this.excludedByDay : this.repeatedExcludedByDay;
      const day = this.dayOf(ms);
      byDay.set(day, (byDay.get(day) ?? 0) + 1);
      if (fresh) this.excluded++;
      else this.repeatedExcluded++;
      return;
    }
    // Only an event with a service account needs its identity worked out afresh.
    let who: EventIdentity;
    let owner: Owner;
    if (event.serviceAccountId == null) {
      email.who ??= identityOf(event);
      email.owner ??= this.ownerOf(email.who.identity);
      who = email.who;
      owner = email.owner;
    } else {
      who = identityOf(event);
      owner = this.ownerOf(who.identity);
    }
    const row = fresh ? this.rowOf(owner, who, model.index, ms) : this.repeatRow(who, model.index, ms);
    row.requests++;
    const t = event.tokenUsage;
    if (t) {
      row.inputTokens += t.inputTokens;
      row.outputTokens += t.outputTokens;
      row.cacheReadTokens += t.cacheReadTokens;
      row.cacheWriteTokens += t.cacheWriteTokens;
    }
    row.costNanos += eventCostNanos(event);
  }

  /**
   * The fingerprints of one hour. A repeat has the same timestamp, so it can only be in its own
   * hour's set; events come newest first, so one small set is in use at a time and stays in the
   * CPU cache, where one table for a million events (16 MB) missed it on almost every lookup.
   */
  private seenIn(ms: number): HashSet52 {
    const hour = Math.floor(ms / HOUR_MS);
    if (hour !== this.seenHour) {
      let set = this.seen.get(hour);
      if (!set) {
        // Sized like the hour before it: event rates change slowly, and growing costs rehashing.
        set = new HashSet52(this.seenSet.size);
        this.seen.set(hour, set);
      }
      this.seenHour = hour;
      this.seenSet = set;
    }
    return this.seenSet;
  }

  private emailInfo(raw: string): EmailInfo {
    return { hash: hash52(raw), who: undefined, owner: undefined };
  }

  private kindInfo(raw: string): KindInfo {
    return { hash: hash52(raw), excluded: isExcluded({ kind: raw }) };
  }

  private modelInfo(raw: string): ModelInfo {
    const name = raw.trim() || NO_MODEL;
    let index = this.modelIndex.get(name);
    if (index === undefined) {
      index = this.modelNames.push(name) - 1;
      this.modelIndex.set(name, index);
    }
    return { hash: hash52(raw), index };
  }

  private ownerOf(identity: string): Owner {
    let owner = this.owners.get(identity);
    if (!owner) {
      owner = { identity, byModel: [] };
      this.owners.set(identity, owner);
    }
    return owner;
  }

  /** The row of (day, identity, model); a new row takes the email of the event that opens it. */
  private rowOf(owner: Owner, who: EventIdentity, model: number, ms: number): UsageRow {
    let byDay = owner.byModel[model];
    if (!byDay) {
      byDay = [];
      owner.byModel[model] = byDay;
    }
    const day = Math.floor(ms / DAY_MS) - this.firstDay;
    let row = byDay[day];
    if (!row) {
      row = this.newRow(this.dayOf(ms), who, model);
      this.rows.set(rowKey(row.day, row.identity, row.model), row);
      byDay[day] = row;
    }
    return row;
  }

  /** Repeats are rare (pages shifted, or equal events), so they take the slower keyed path. */
  private repeatRow(who: EventIdentity, model: number, ms: number): UsageRow {
    const day = this.dayOf(ms);
    const key = rowKey(day, who.identity, this.modelNames[model]!);
    let row = this.repeats.get(key);
    if (!row) {
      row = this.newRow(day, who, model);
      this.repeats.set(key, row);
    }
    return row;
  }

  private newRow(day: string, who: EventIdentity, model: number): UsageRow {
    return emptyRow({
      platform: "cursor",
      day,
      identity: who.identity,
      email: who.email,
      model: this.modelNames[model]!,
      costEstimated: false,
    });
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
