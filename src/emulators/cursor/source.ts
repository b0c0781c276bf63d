import { DAY_MS, dayStartMs, daysBetween } from "../../usage/days.ts";
import { rng } from "../org.ts";
import { type Actor, makeEvent, type UsageEvent } from "./data.ts";

/** What the events route asks of its data: inclusive bounds in ms, AND-ed filters. */
export interface EventQuery {
  startMs: number;
  endMs: number;
  /** Compared case-insensitively. */
  email?: string;
  serviceAccountId?: string;
}

/** Events sorted newest first, with random access by position, so any page can be served. */
export interface CursorEventSource {
  count(query: EventQuery): number;
  slice(query: EventQuery, offset: number, limit: number): UsageEvent[];
}

const ts = (e: UsageEvent) => Number(e.timestamp);

function matches(e: UsageEvent, q: EventQuery): boolean {
  if (q.email !== undefined && e.userEmail?.trim().toLowerCase() !== q.email.trim().toLowerCase())
    return false;
  if (q.serviceAccountId !== undefined && e.serviceAccountId !== q.serviceAccountId) return false;
  return true;
}

const filtered = (q: EventQuery) => q.email !== undefined || q.serviceAccountId !== undefined;

/** First index whose timestamp is <= `ms` in a newest-first array. */
function firstAtOrBefore(events: readonly UsageEvent[], ms: number): number {
  let lo = 0;
  let hi = events.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ts(events[mid]!) > ms) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** An in-memory source; `insert` adds events later (as late-ingested data would) to test page shifts. */
export class ArrayEventSource implements CursorEventSource {
  readonly events: UsageEvent[];
  constructor(events: readonly UsageEvent[]) {
    this.events = [...events].sort((a, b) => ts(b) - ts(a));
  }
  private bounds(q: EventQuery): [number, number] {
    return [firstAtOrBefore(this.events, q.endMs), firstAtOrBefore(this.events, q.startMs - 1)];
  }
  count(q: EventQuery): number {
    const [lo, hi] = this.bounds(q);
    if (!filtered(q)) return Math.max(0, hi - lo);
    let n = 0;
    for (let i = lo; i < hi; i++) if (matches(this.events[i]!, q)) n++;
    return n;
  }
  slice(q: EventQuery, offset: number, limit: number): UsageEvent[] {
    const [lo, hi] = this.bounds(q);
    if (!filtered(q)) return this.events.slice(Math.min(lo + offset, hi), Math.min(lo + offset + limit, hi));
    return this.events
      .slice(lo, hi)
      .filter((e) => matches(e, q))
      .slice(offset, offset + limit);
  }
  insert(events: readonly UsageEvent[]): void {
    this.events.push(...events);
    this.events.sort((a, b) => ts(b) - ts(a));
  }
}

export interface SyntheticOptions {
  /** How many events (e.g. 1_000_000 for the benchmark). */
  count: number;
  range: { since: string; until: string };
  /** Member emails to spread events over. */
  emails: readonly string[];
  seed?: number;
}

/**
 * A lazily generated source for large runs: event i (0 = newest) sits at a fixed timestamp and is
 * built from its own seeded generator, so any page is made on demand and nothing is held.
 * Every 50th event belongs to the service account and every 97th to a removed user.
 */
export class SyntheticEventSource implements CursorEventSource {
  readonly size: number;
  private readonly newestMs: number;
  private readonly stepMs: number;
  private readonly seed: number;
  private readonly emails: readonly string[];

  constructor(options: SyntheticOptions) {
    const days = daysBetween(options.range.since, options.range.until).length;
    const span = days * DAY_MS;
    if (options.count > span) throw new RangeError("more events than milliseconds in the range");
    if (options.emails.length === 0) throw new RangeError("synthetic events need at least one email");
    this.size = options.count;
    this.stepMs = Math.floor(span / Math.max(1, options.count));
    this.newestMs = dayStartMs(options.range.until) + DAY_MS - 1;
    this.seed = options.seed ?? 42;
    this.emails = options.emails;
  }

  /** The i-th newest event. */
  at(i: number): UsageEvent {
    const rand = rng(Math.imul(this.seed, 0x9e3779b1) ^ Math.imul(i + 1, 0x85ebca6b));
    const actor: Actor =
      i % 50 === 49
        ? { serviceAccount: true }
        : i % 97 === 96
          ? { removed: true }
          : { email: this.emails[Math.floor(rand() * this.emails.length)]! };
    return makeEvent(rand, this.newestMs - i * this.stepMs, actor);
  }

  private indexRange(q: EventQuery): [number, number] {
    const first = Math.max(0, Math.ceil((this.newestMs - q.endMs) / this.stepMs));
    const last = Math.min(this.size - 1, Math.floor((this.newestMs - q.startMs) / this.stepMs));
    return [first, Math.max(first, last + 1)];
  }

  count(q: EventQuery): number {
    const [lo, hi] = this.indexRange(q);
    if (!filtered(q)) return hi - lo;
    let n = 0;
    for (let i = lo; i < hi; i++) if (matches(this.at(i), q)) n++;
    return n;
  }

  slice(q: EventQuery, offset: number, limit: number): UsageEvent[] {
    const [lo, hi] = this.indexRange(q);
    const out: UsageEvent[] = [];
    if (!filtered(q)) {
      for (let i = lo + offset; i < Math.min(hi, lo + offset + limit); i++) out.push(this.at(i));
      return out;
    }
    let skipped = 0;
    for (let i = lo; i < hi && out.length < limit; i++) {
      const e = this.at(i);
      if (!matches(e, q)) continue;
      if (skipped++ >= offset) out.push(e);
    }
    return out;
  }

  /** All events, newest first, one at a time (to compute expected totals without holding them). */
  *[Symbol.iterator](): Iterator<UsageEvent> {
    for (let i = 0; i < this.size; i++) yield this.at(i);
  }
}

/** The fast generator for benchmarks: ~1,000,000 events that are never all in memory. */
export function cursorSyntheticEvents(options: SyntheticOptions): SyntheticEventSource {
  return new SyntheticEventSource(options);
}
