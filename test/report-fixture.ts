import { type ClaudeCodeRecord, claudeCodeRecord } from "../src/emulators/anthropic/data.ts";
import type { Teams } from "../src/identity/teams.ts";
import { normalizeClaudeRecords } from "../src/platforms/claude/normalize.ts";
import { claudeCodeRecordSchema } from "../src/platforms/claude/schema.ts";
import { Aggregator, type BuildArgs } from "../src/report/aggregate.ts";
import { emptyRow, type UsageRow } from "../src/usage/types.ts";

/** Emulator records for the report tests, and the rows the Claude normalizer makes of them. */

const rec = (date: string, email: string, sessions: number, model: string, input: number) =>
  claudeCodeRecord({
    date: `${date}T00:00:00Z`,
    email,
    sessions,
    models: [{ model, input, output: input / 10, cacheRead: input * 2, cacheWrite: 0 }],
  });

/** The window 2026-11-02 (Mon) … 2026-11-15 (Sun): two ISO weeks; nobody works on 11-08. */
export const WINDOW = { since: "2026-11-02", until: "2026-11-15", days: 14 };
export const PREVIOUS = { since: "2026-10-19", until: "2026-11-01", days: 14 };

export const CURRENT_RECORDS: ClaudeCodeRecord[] = [
  rec("2026-11-02", "alice@co.com", 5, "claude-opus-4-8", 1000),
  rec("2026-11-03", "alice@co.com", 3, "claude-sonnet-5", 2000),
  rec("2026-11-03", "bob@co.com", 4, "claude-sonnet-5", 500),
  rec("2026-11-10", "bob@co.com", 2, "claude-opus-4-8", 800),
  rec("2026-11-15", "carol@co.com", 9, "claude-haiku-4-5-20251001", 300),
];
export const PREVIOUS_RECORDS: ClaudeCodeRecord[] = [
  rec("2026-10-19", "alice@co.com", 4, "claude-opus-4-8", 1000),
  rec("2026-10-27", "dave@co.com", 6, "claude-sonnet-5", 100),
];

/** An OpenAI-like row: usage without activity (that vendor reports none). */
export function openaiRow(day: string, email: string, requests: number): UsageRow {
  const row = emptyRow({
    platform: "openai",
    day,
    identity: email,
    email,
    model: "gpt-5",
    costEstimated: true,
  });
  row.requests = requests;
  row.inputTokens = requests * 100;
  row.costNanos = requests * 1_000_000;
  return row;
}

/** Records as the client reads them (the schema's view). */
const parsed = (records: ClaudeCodeRecord[]) => records.map((r) => claudeCodeRecordSchema.parse(r));

export function aggregate(teams: Teams = new Map(), compare = false) {
  const agg = new Aggregator(new Map(), teams);
  for (const row of normalizeClaudeRecords(parsed(CURRENT_RECORDS))) agg.add(row);
  agg.add(openaiRow("2026-11-03", "alice@co.com", 7));
  if (compare) for (const row of normalizeClaudeRecords(parsed(PREVIOUS_RECORDS))) agg.addPrevious(row);
  return agg;
}

export function build(agg: Aggregator, over: Partial<BuildArgs> = {}) {
  return agg.build({
    window: WINDOW,
    windowMode: "range",
    sort: "requests",
    top: null,
    platforms: [
      { platform: "claude", status: "ok", message: null },
      { platform: "openai", status: "ok", message: null },
    ],
    demo: false,
    unpricedModels: [],
    ...over,
  });
}

/** Sessions (requests) and tokens of records, summed here from the vendor fields. */
export function sums(records: ClaudeCodeRecord[]) {
  let requests = 0;
  let tokens = 0;
  let cents = 0;
  for (const r of records) {
    requests += r.core_metrics.num_sessions;
    for (const m of r.model_breakdown) {
      tokens += m.tokens.input + m.tokens.output + m.tokens.cache_read + m.tokens.cache_creation;
      cents += m.estimated_cost.amount;
    }
  }
  return { requests, tokens, costNanos: cents * 10_000_000 };
}
