import { collect } from "../collect.ts";
import { UsageError } from "../config/errors.ts";
import type { RawFlags } from "../config/options.ts";
import { createPriceLookup } from "../pricing/lookup.ts";
import { loadPriceOverrides } from "../pricing/overrides.ts";
import { type Io, prepare } from "./context.ts";
import { createProgress } from "./progress.ts";

/** `ai-usage sync`: fetch what is not settled into the store, print one line per platform. */
export async function runSync(flags: RawFlags, io: Io): Promise<number> {
  const ctx = await prepare(flags, io);
  try {
    if (!ctx.store) throw new UsageError("sync needs a history store; drop --no-store");
    const { options } = ctx;
    const progress = createProgress(io, options.verbose);
    const outcomes = await collect({
      platforms: ctx.platforms,
      since: options.since,
      until: options.until,
      env: ctx.env,
      fetch: io.fetch,
      log: ctx.log,
      signal: io.signal,
      now: io.now,
      store: ctx.store,
      refresh: options.refresh,
      client: { prices: createPriceLookup(loadPriceOverrides(undefined, ctx.env)) },
      onProgress: progress.update,
    }).finally(progress.stop);
    for (const o of outcomes) {
      const line =
        o.status.status === "ok"
          ? `fetched ${o.fetchedDays} day(s), ${o.rows} row(s); ${o.storedDays} settled day(s) already stored`
          : `${o.status.status}: ${o.status.message}`;
      io.stdout(`${o.status.platform}: ${line}\n`);
    }
    return outcomes.some((o) => o.status.status === "ok") ? 0 : 1;
  } finally {
    await ctx.close();
  }
}
