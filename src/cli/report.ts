import type { RawFlags } from "../config/options.ts";
import { defaultPricesPath } from "../config/prices.ts";
import { render } from "../render/index.ts";
import { Aggregator } from "../report/aggregate.ts";
import { isTimeDimension, previousWindow } from "../report/periods.ts";
import { UsageSeries } from "../report/series.ts";
import { prepare, syncUsage } from "./context.ts";
import type { Io } from "./io.ts";
import { checkOutput, writeOutput } from "./output.ts";

/** The default command: fetch, merge, rank, print. Returns the exit code. */
export async function runReport(flags: RawFlags, io: Io): Promise<number> {
  const ctx = await prepare(flags, io);
  try {
    const { options, prices } = ctx;
    if (options.output) checkOutput(options.output, io.cwd);
    const aggregator = new Aggregator(ctx.aliases, ctx.teams);
    // The HTML charts need per-day and per-model sums; only that format collects them.
    const series = options.format === "html" ? new UsageSeries(options) : undefined;
    // Without days in the output, the store sums the window itself (Store.readTotals).
    const wholeWindow = !series && !isTimeDimension(options.by);
    const outcomes = await syncUsage(
      ctx,
      io,
      options,
      (row) => {
        aggregator.add(row);
        series?.add(row);
      },
      wholeWindow,
    );
    // --compare: the previous window through the same sync (the store serves its settled days),
    // for the platforms that delivered this window: a failed one must not read as "−100%".
    const previous = options.compare ? previousWindow(options) : undefined;
    const notes: string[] = [];
    if (previous) {
      const ok = new Set(outcomes.filter((o) => o.status.status === "ok").map((o) => o.status.platform));
      const platforms = ctx.platforms.filter((p) => ok.has(p.id));
      const before =
        platforms.length === 0
          ? []
          : await syncUsage(
              { ...ctx, platforms },
              io,
              previous,
              (row) => aggregator.addPrevious(row),
              wholeWindow,
            );
      const failed = before.filter((o) => o.status.status === "error").map((o) => o.status.platform);
      if (failed.length > 0)
        notes.push(
          `the previous period of ${failed.join(", ")} could not be read, so its change is overstated`,
        );
    }

    const unpricedModels = [...aggregator.estimatedModels].filter((m) => !prices(m)).sort();
    if (unpricedModels.length > 0) {
      ctx.log.warn(
        `no list price for ${unpricedModels.length === 1 ? "model" : "models"} ${unpricedModels.join(", ")}: ${unpricedModels.length === 1 ? "its" : "their"} estimated cost counts as $0 (add prices in ${defaultPricesPath(ctx.env).path})`,
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
      by: options.by,
      previousWindow: previous,
      activity: options.activity,
    });
    if (notes.length > 0) report.notes = [...(report.notes ?? []), ...notes];
    const color = io.stdoutIsTTY && !io.env.NO_COLOR && io.env.TERM !== "dumb";
    const html = { generatedAt: io.now, series };
    const text = await render(report, options.format, { width: terminalWidth(io), color, html });
    if (options.output) writeOutput(options.output, io.cwd, text);
    else io.stdout(text);
    return outcomes.some((o) => o.status.status === "ok") ? 0 : 1;
  } finally {
    await ctx.close();
  }
}

/**
 * The width to draw in, read when drawing (a terminal may have been resized during a long run):
 * `COLUMNS`, else the terminal's width; piped with no `COLUMNS`, Infinity, so nothing is cut.
 */
export function terminalWidth(io: Pick<Io, "env" | "columns" | "stdoutIsTTY">): number {
  const fromEnv = Number(io.env.COLUMNS);
  if (Number.isInteger(fromEnv) && fromEnv > 0) return fromEnv;
  if (!io.stdoutIsTTY) return Number.POSITIVE_INFINITY;
  return io.columns && io.columns > 0 ? io.columns : 80;
}
