import { UsageError } from "../config/errors.ts";
import type { RawFlags } from "../config/options.ts";
import { prepare, syncUsage } from "./context.ts";
import type { Io } from "./io.ts";

/** `ai-usage sync`: fetch what is not settled into the store, print one line per platform. */
export async function runSync(flags: RawFlags, io: Io): Promise<number> {
  const ctx = await prepare(flags, io);
  try {
    if (!ctx.store) throw new UsageError("sync needs a history store; drop --no-store");
    const outcomes = await syncUsage(ctx, io, ctx.options);
    for (const o of outcomes) {
      const line =
        o.status.status === "ok"
          ? `fetched ${o.fetchedDays} day(s), ${o.fetchedRows} row(s); ${o.storedDays} settled day(s) already stored`
          : `${o.status.status}: ${o.status.message}`;
      io.stdout(`${o.status.platform}: ${line}\n`);
    }
    return outcomes.some((o) => o.status.status === "ok") ? 0 : 1;
  } finally {
    await ctx.close();
  }
}
