import type { Batch, ClientOptions, DayRange, FetchNotes, Platform } from "../src/platforms/types.ts";
import type { UsageRow } from "../src/usage/types.ts";

/** Notes plus the batches' counters summed, as tests and benchmarks check them. */
export type TestNotes = FetchNotes & { counters: Record<string, number> };

export const newNotes = (): TestNotes => ({ warnings: [], notes: [], counters: {} });

/** Every row of a platform's batches, with their counters summed into `notes.counters`. */
export async function* rowsOf(batches: AsyncIterable<Batch>, notes: TestNotes): AsyncGenerator<UsageRow> {
  for await (const batch of batches) {
    for (const day of Object.values(batch.counters ?? {}))
      for (const [name, n] of Object.entries(day)) notes.counters[name] = (notes.counters[name] ?? 0) + n;
    yield* batch.rows;
  }
}

/** A platform's rows for `ranges`, batch boundaries ignored. */
export function fetchUsage(
  platform: Platform,
  options: ClientOptions,
  ranges: readonly DayRange[],
  notes: TestNotes = newNotes(),
): AsyncGenerator<UsageRow> {
  return rowsOf(platform.fetchBatches(options, ranges, notes), notes);
}
