import { mergeConcurrent } from "../../http/concurrent.ts";
import { createPriceLookup } from "../../pricing/lookup.ts";
import { DAY_MS, dayStartMs, daysBetween } from "../../usage/days.ts";
import type { Batch, ClientOptions, DayRange, FetchNotes, Platform } from "../types.ts";
import { fetchUsageBuckets, usageSlices } from "./client.ts";
import { normalizeBuckets } from "./normalize.ts";
import { type BucketBody, errorMessage } from "./schema.ts";
import { openaiUsers } from "./users.ts";

/** Slices fetched at once. No rate limits are documented. */
export const SLICE_CONCURRENCY = 4;

/**
 * Streams OpenAI completions usage for `ranges`: one request sequence per ≤31-day slice (slices
 * run concurrently), users listed at the same time; each slice is a batch once all its pages are
 * in, with estimated list-price costs.
 */
export async function* fetchOpenAIBatches(
  options: ClientOptions,
  ranges: readonly DayRange[],
  notes: FetchNotes,
): AsyncGenerator<Batch> {
  const stop = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
  const client: ClientOptions = { ...options, signal };
  const prices = options.prices ?? createPriceLookup();
  const slices = usageSlices(ranges);
  const directory = openaiUsers(client, notes);
  let outside = 0;
  let done = 0;
  try {
    const sources = slices.map(
      (slice) => () =>
        (async function* () {
          const buckets: BucketBody[] = [];
          for await (const page of fetchUsageBuckets(client, slice)) {
            for (const b of page) {
              if (b.start_time >= slice.startTime && b.start_time < slice.endTime) buckets.push(b);
              else outside += b.results.length;
            }
          }
          yield { slice, buckets };
        })(),
    );
    for await (const { slice, buckets } of mergeConcurrent(sources, SLICE_CONCURRENCY)) {
      const ids = buckets.flatMap((b) => b.results.flatMap((r) => (r.user_id ? [r.user_id] : [])));
      const emails = await directory.resolve(ids);
      const emailFor = (id: string) => emails.get(id) ?? null;
      options.onProgress?.(++done, slices.length);
      const rows = [...normalizeBuckets(buckets, { emailOf: emailFor, prices })];
      yield { days: daysBetween(slice.since, slice.until), rows };
    }
  } finally {
    stop.abort();
  }
  if (outside > 0)
    notes.warnings.push(
      `openai: ignored ${outside} ${outside === 1 ? "result" : "results"} in buckets outside the requested days`,
    );
}

export const openai = {
  id: "openai",
  label: "OpenAI",
  keyEnv: ["OPENAI_ORG_API_KEY", "OPENAI_ADMIN_KEY"],
  baseUrlEnv: "OPENAI_ADMIN_BASE_URL",
  defaultBaseUrl: "https://api.openai.com",
  keyShape: /\b(?:sk-admin-[\w*.-]*[\w*]|sk-proj-[\w*.-]*[\w*]|sk-[\w*]{3,}(?:[\w*.-]*[\w*])?)/g,
  settledAfter: (day) => dayStartMs(day) + DAY_MS + 48 * 3_600_000,
  progressUnit: "slices",
  estimate: "OpenAI from list prices (it reports no per-user cost)",
  help: "OpenAI API-key usage: OPENAI_ORG_API_KEY or OPENAI_ADMIN_KEY (an Admin key, sk-admin-…)",
  errorMessage,
  advice: (status) =>
    status === 401 || status === 403
      ? "use an Admin key (sk-admin-…) from the organisation's Admin keys page; project keys cannot read usage"
      : undefined,
  fetchBatches: (options, ranges, notes) => fetchOpenAIBatches(options, ranges, notes),
} satisfies Platform;
