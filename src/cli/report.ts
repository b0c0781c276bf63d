import type { RawFlags } from "../config/options.ts";
import { defaultPricesPath } from "../config/prices.ts";
import { render } from "../render/index.ts";
import { Aggregator } from "../usage/aggregate.ts";
import { prepare, syncUsage } from "./context.ts";
import type { Io } from "./io.ts";

/** The default command: fetch, merge, rank, print. Returns the exit code. */
export async function runReport(flags: RawFlags, io: Io): Promise<number> {
  const ctx = await prepare(flags, io);
  try {
    const { options, prices } = ctx;
    const aggregator = new Aggregator(ctx.aliases);
    const outcomes = await syncUsage(ctx, io, options, (row) => aggregator.add(row));

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
    io.stdout(await render(report, options.format, { width: terminalWidth(io), color }));
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
