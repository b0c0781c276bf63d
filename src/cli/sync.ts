import { UsageError } from "../config/errors.ts";
import type { RawFlags } from "../config/options.ts";
import { count } from "../render/format.ts";
import { prepare, syncUsage } from "./context.ts";
import type { Io } from "./io.ts";

/** `ai-usage sync`: fetch what is not settled into the store, print one line per platform. */
export async function runSync(flags: RawFlags, io: Io): Promise<number> {
  if (flags.store === false) throw new UsageError("sync needs a history store; drop --no-store");
  const ctx = await prepare(flags, io);
  try {
    // The demo never opens a store; its sync fetches as a real one would and says nothing is kept.
    if (!ctx.store && !ctx.options.demo) throw new UsageError("sync needs a history store");
    if (!ctx.store) ctx.log.warn("demo: sync fetches as it would for real, but the demo keeps no history");
    const outcomes = await syncUsage(ctx, io, ctx.options);
    for (const o of outcomes) {
      const fetched = `fetched ${count(o.fetchedDays, "day")}, ${count(o.fetchedRows, "row")}`;
      const line =
        o.status.status !== "ok"
          ? `${o.status.status}: ${o.status.message}`
          : ctx.store
            ? `${fetched}; ${count(o.storedDays, "settled day")} already stored`
            : `${fetched}; nothing stored in the demo`;
      io.stdout(`${o.status.platform}: ${line}\n`);
    }
    return outcomes.some((o) => o.status.status === "ok") ? 0 : 1;
  } finally {
    await ctx.close();
  }
}
