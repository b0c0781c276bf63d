import { collect } from "../collect.ts";
import type { RawFlags } from "../config/options.ts";
import { createPriceLookup } from "../pricing/lookup.ts";
import { defaultPricesPath, loadPriceOverrides } from "../pricing/overrides.ts";
import { render } from "../render/index.ts";
import { Aggregator } from "../usage/aggregate.ts";
import { type Io, prepare } from "./context.ts";
import { createProgress } from "./progress.ts";

/** The default command: fetch, merge, rank, print. Returns the exit code. */
export async function runReport(flags: RawFlags, io: Io): Promise<number> {
  // JSON/CSV go to programs: keep stderr to warnings and errors unless --verbose.
  const ctx = await prepare(flags, io);
  try {
    const { options } = ctx;
    const prices = createPriceLookup(loadPriceOverrides(undefined, ctx.env));
    const aggregator = new Aggregator();
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
      aggregator,
      client: { prices },
      onProgress: progress.update,
    }).finally(progress.stop);

    const unpricedModels = [...aggregator.estimatedModels].filter((m) => !prices(m)).sort();
    if (unpricedModels.length > 0) {
      ctx.log.warn(
        `no list price for model(s) ${unpricedModels.join(", ")}: their estimated cost counts as $0 (add prices in ${defaultPricesPath(ctx.env).path})`,
      );
    }
    const report = aggregator.build({
      window: { since: options.since, until: options.until, days: options.days },
      windowMode: options.windowMode,
      sort: options.sort,
      top: options.top,
      platforms: outcomes.map((o) => o.status),
      demo: options.demo,
      unpricedModels,
    });
    const color = io.stdoutIsTTY && !io.env.NO_COLOR && io.env.TERM !== "dumb";
    io.stdout(render(report, options.format, { width: terminalWidth(io), color }));
    return outcomes.some((o) => o.status.status === "ok") ? 0 : 1;
  } finally {
    await ctx.close();
  }
}

function terminalWidth(io: Io): number {
  const fromEnv = Number(io.env.COLUMNS);
  if (Number.isInteger(fromEnv) && fromEnv > 0) return fromEnv;
  return io.columns && io.columns > 0 ? io.columns : 80;
}
