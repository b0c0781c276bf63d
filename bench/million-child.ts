/**
 * The CLI's pipeline for Cursor — the platform client (paging, page check, dedupe, aggregation),
 * the people merge and the JSON renderer — with the client's rate limiter lifted, bundled like
 * dist/ and run as its own process by bench/million.ts. The real CLI cannot be used here: its
 * limiter holds Cursor to 60 requests a minute, so a million events (1,000 pages) take 17 minutes.
 */
import { createCursorPlatform } from "../src/platforms/cursor/index.ts";
import type {} from "../src/platforms/types.ts";
import { renderJson } from "../src/render/json.ts";
import { Aggregator } from "../src/report/aggregate.ts";
import { daysBetween } from "../src/usage/days.ts";
import { fetchUsage, newNotes, type TestNotes } from "../test/batches.ts";

const env = process.env;
const since = env.BENCH_SINCE ?? "";
const until = env.BENCH_UNTIL ?? "";
const now = new Date(env.AI_USAGE_NOW ?? "");

const platform = createCursorPlatform({ requestsPerWindow: 1_000_000 });
const notes: TestNotes = newNotes();
const aggregator = new Aggregator();
const client = {
  baseUrl: env.CURSOR_ADMIN_BASE_URL ?? "",
  apiKey: env.CURSOR_ADMIN_API_KEY ?? "",
  fetch: globalThis.fetch,
  now: () => now,
};
for await (const row of fetchUsage(platform, client, [{ since, until }], notes)) aggregator.add(row);
for (const warning of notes.warnings) process.stderr.write(`${warning}\n`);
const report = aggregator.build({
  window: { since, until, days: daysBetween(since, until).length },
  windowMode: "range",
  sort: "requests",
  top: null,
  platforms: [{ platform: "cursor", status: "ok", message: null, counters: notes.counters }],
  demo: false,
  unpricedModels: [],
});
process.stdout.write(renderJson(report));
