import type { SeatRecord } from "../src/emulators/claude-enterprise/index.ts";
import type { EmulatorServer } from "../src/emulators/server.ts";
import {
  type ClaudeEnterpriseTuning,
  createClaudeEnterprisePlatform,
} from "../src/platforms/claude-enterprise/index.ts";
import type { Batch, ClientOptions, DayRange, FetchNotes } from "../src/platforms/types.ts";
import type { UsageRow } from "../src/usage/types.ts";

export const ANALYTICS_KEY = "sk-ant-api01-analytics-test";

export interface Totals {
  requests: number;
  tokens: number;
  costNanos: number;
}

/** The spec's arithmetic over the emulator's records, written independently of src/platforms. */
export function expectedTotals(
  records: readonly SeatRecord[],
  range: DayRange,
  by: (r: SeatRecord) => string,
) {
  const out = new Map<string, Totals>();
  for (const r of records) {
    if (r.product !== "claude_code" || r.day < range.since || r.day > range.until) continue;
    const key = by(r);
    const t = out.get(key) ?? { requests: 0, tokens: 0, costNanos: 0 };
    t.requests += r.requests;
    t.tokens += r.uncached + r.cacheRead + r.cache5m + r.cache1h + r.output;
    t.costNanos += r.amount * 10; // micro-cents → nano-dollars
    out.set(key, t);
  }
  return out;
}

export const personOf = (r: SeatRecord) => r.actor.email?.toLowerCase() ?? `claude-user:${r.actor.user_id}`;

export function actualTotals(rows: readonly UsageRow[], by: (r: UsageRow) => string) {
  const out = new Map<string, Totals>();
  for (const r of rows) {
    const key = by(r);
    const t = out.get(key) ?? { requests: 0, tokens: 0, costNanos: 0 };
    t.requests += r.requests;
    t.tokens += r.inputTokens + r.outputTokens + r.cacheReadTokens + r.cacheWriteTokens;
    t.costNanos += r.costNanos;
    out.set(key, t);
  }
  return out;
}

/** Distinct (user, day, model) groups a window's report has: its pages at `limit` rows each. */
export function expectedPages(records: readonly SeatRecord[], window: DayRange, limit: number): number {
  const groups = new Set<string>();
  for (const r of records)
    if (r.product === "claude_code" && r.day >= window.since && r.day <= window.until)
      groups.add(`${r.actor.user_id} ${r.day} ${r.model}`);
  return Math.max(1, Math.ceil(groups.size / limit));
}

export async function runPlatform(
  server: EmulatorServer,
  ranges: DayRange[],
  options: { tuning?: ClaudeEnterpriseTuning; client?: Partial<ClientOptions>; now: Date },
) {
  const notes: FetchNotes = { warnings: [], notes: [] };
  const batches: Batch[] = [];
  const platform = createClaudeEnterprisePlatform({
    requestsPerWindow: 1000,
    windowMs: 100,
    ...options.tuning,
  });
  const client: ClientOptions = {
    baseUrl: server.url,
    apiKey: ANALYTICS_KEY,
    fetch: globalThis.fetch,
    now: () => options.now,
    backoffScale: 0.001,
    ...options.client,
  };
  for await (const batch of platform.fetchBatches(client, ranges, notes)) batches.push(batch);
  return { batches, rows: batches.flatMap((b) => b.rows), notes };
}
