import pLimit from "p-limit";
import { mergeConcurrent } from "../../http/concurrent.ts";
import { AuthenticationError, NotFoundError, PermissionDeniedError } from "../../http/errors.ts";
import { createPriceLookup } from "../../pricing/lookup.ts";
import { DAY_MS, dayStartMs, daysBetween } from "../../usage/days.ts";
import type { Batch, ClientOptions, DayRange, FetchNotes, Platform } from "../types.ts";
import { emailOf, fetchUsageBuckets, listUsers, retrieveUser, usageSlices } from "./client.ts";
import { normalizeBuckets } from "./normalize.ts";
import { type BucketBody, errorMessage } from "./schema.ts";

/** Slices fetched at once, and single-user lookups at once. No rate limits are documented. */
export const SLICE_CONCURRENCY = 4;
export const USER_LOOKUP_CONCURRENCY = 4;

function isAccessError(err: unknown): err is Error {
  return (
    err instanceof AuthenticationError || err instanceof PermissionDeniedError || err instanceof NotFoundError
  );
}

/**
 * user id → email. The list is fetched alongside the usage; ids it lacks are looked up one by one
 * (once each). When the list is off limits for this key, ids stay ids and a warning says why.
 */
function userDirectory(client: ClientOptions, notes: FetchNotes) {
  const listed = listUsers(client).then(
    (emails) => ({ emails, lookups: true }),
    (err: unknown) => {
      if (!isAccessError(err)) throw err;
      notes.warnings.push(`openai: cannot list users (${err.message}); showing user ids`);
      return { emails: new Map<string, string | null>(), lookups: false };
    },
  );
  listed.catch(() => {}); // awaited later; the usage may fail first
  const limit = pLimit(USER_LOOKUP_CONCURRENCY);
  const looked = new Map<string, Promise<string | null>>();
  return {
    /** Resolves every user id of these buckets; then `emailOf` answers synchronously. */
    async resolve(buckets: readonly BucketBody[]) {
      const { emails, lookups } = await listed;
      const missing = new Set<string>();
      for (const b of buckets)
        for (const r of b.results) if (r.user_id && !emails.has(r.user_id)) missing.add(r.user_id);
      if (!lookups) return (id: string) => emails.get(id) ?? null;
      for (const id of missing)
        if (!looked.has(id))
          looked.set(
            id,
            limit(() => retrieveUser(client, id)).then(
              (user) => (user ? emailOf(user) : null),
              (err: unknown) => {
                if (isAccessError(err)) return null;
                throw err;
              },
            ),
          );
      const ids = [...missing];
      // Awaited together so a failing lookup is never left without a handler.
      const resolved = await Promise.all(ids.map((id) => looked.get(id)!));
      const found = new Map(ids.map((id, i) => [id, resolved[i] ?? null]));
      return (id: string) => emails.get(id) ?? found.get(id) ?? null;
    },
  };
}

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
  const directory = userDirectory(client, notes);
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
      const emailFor = await directory.resolve(buckets);
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
  help: "OpenAI API-key usage: OPENAI_ORG_API_KEY or OPENAI_ADMIN_KEY (an Admin key, sk-admin-…)",
  errorMessage,
  advice: (status) =>
    status === 401 || status === 403
      ? "use an Admin key (sk-admin-…) from the organisation's Admin keys page; project keys cannot read usage"
      : undefined,
  fetchBatches: (options, ranges, notes) => fetchOpenAIBatches(options, ranges, notes),
} satisfies Platform;
