import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { UsageError } from "../config/errors.ts";
import type { RawFlags } from "../config/options.ts";
import { count } from "../render/format.ts";
import { collectUsage, type Io, prepare } from "./context.ts";

/** `ai-usage sync`: fetch what is not settled into the store, print one line per platform. */
export async function runSync(flags: RawFlags, io: Io): Promise<number> {
  if (flags.store === false) throw new UsageError("sync needs a history store; drop --no-store");
  // The demo never writes the user's history: unless a store is named, it syncs into a throwaway one.
  const scratch =
    flags.demo && flags.store === undefined ? mkdtempSync(join(tmpdir(), "ai-usage-demo-")) : null;
  try {
    const ctx = await prepare(scratch ? { ...flags, store: join(scratch, "history.db") } : flags, io);
    try {
      if (scratch) ctx.log.warn("demo: syncing into a temporary history store, deleted when done");
      const outcomes = await collectUsage(ctx, io);
      for (const o of outcomes) {
        const line =
          o.status.status === "ok"
            ? `fetched ${count(o.fetchedDays, "day")}, ${count(o.rows, "row")}; ${count(o.storedDays, "settled day")} already stored`
            : `${o.status.status}: ${o.status.message}`;
        io.stdout(`${o.status.platform}: ${line}\n`);
      }
      return outcomes.some((o) => o.status.status === "ok") ? 0 : 1;
    } finally {
      await ctx.close();
    }
  } finally {
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  }
}
