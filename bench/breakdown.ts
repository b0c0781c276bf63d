import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { cursorSyntheticEvents } from "../src/emulators/cursor/index.ts";
import { WindowAggregator } from "../src/platforms/cursor/aggregate.ts";
import { type CursorEvent, parseEventsPage } from "../src/platforms/cursor/schema.ts";
import { addDays, dayStartMs } from "../src/usage/days.ts";
import { runNode } from "./cli.ts";
import { median } from "./stats.ts";

export interface Breakdown {
  /** Milliseconds of CPU per million events for each step, in this process (no HTTP). */
  jsonParse: number;
  validate: number;
  aggregate: number;
  /** A child process that only fetches the pages (native fetch + text()), less an empty process. */
  fetchText: number;
  sampleEvents: number;
}

/** What a child that does nothing but `fetch` + `text()` of `pages` copies of `body` costs, in CPU ms. */
async function fetchCost(body: string, pages: number): Promise<number> {
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  const loop =
    "let left = Number(process.argv[2]); const url = process.argv[1];" +
    "const one = async () => { while (left-- > 0) await (await fetch(url, { method: 'POST', body: '{}' })).text(); };" +
    "Promise.all([one(), one(), one(), one()]);";
  try {
    const runs: number[] = [];
    for (let r = 0; r < 3; r++) {
      const empty = await runNode(["-e", "0"], {});
      const full = await runNode(["-e", loop, url, String(pages)], {});
      runs.push(full.cpuMs - empty.cpuMs);
    }
    return median(runs);
  } finally {
    server.close();
  }
}

/**
 * Where the CPU of reading Cursor events goes, step by step, on pre-serialised pages of the same
 * synthetic events: JSON.parse, the page check (parseEventsPage), and the window aggregator (dedupe + fold).
 * Measured on `pages` pages and scaled to a million events; plus what receiving them with native
 * fetch costs a process that does nothing else.
 */
export async function cursorBreakdown(pages = 100, repeats = 3): Promise<Breakdown> {
  const until = "2026-06-30";
  const since = addDays(until, -29);
  const source = cursorSyntheticEvents({
    count: 1_000_000,
    range: { since, until },
    emails: ["alice@company.com", "bob@company.com", "carol@company.com"],
  });
  const texts: string[] = [];
  for (let p = 0; p < pages; p++) {
    const usageEvents = source.slice({ startMs: 0, endMs: Number.MAX_SAFE_INTEGER }, p * 1000, 1000);
    texts.push(
      JSON.stringify({ totalUsageEventsCount: 1_000_000, pagination: { numPages: 1000 }, usageEvents }),
    );
  }
  const window = { startMs: dayStartMs(since), endMs: dayStartMs(addDays(until, 1)) - 1 };
  const scale = 1_000_000 / (pages * 1000);
  const times = { jsonParse: [] as number[], validate: [] as number[], aggregate: [] as number[] };
  for (let r = 0; r < repeats; r++) {
    // Page by page, as the client does, so only one page is alive at a time.
    const agg = new WindowAggregator(window);
    let parse = 0;
    let validate = 0;
    let aggregate = 0;
    for (const text of texts) {
      const t0 = performance.now();
      const body = JSON.parse(text) as unknown;
      const t1 = performance.now();
      const events: CursorEvent[] = parseEventsPage(body).usageEvents;
      const t2 = performance.now();
      agg.add(events);
      const t3 = performance.now();
      parse += t1 - t0;
      validate += t2 - t1;
      aggregate += t3 - t2;
    }
    const t4 = performance.now();
    agg.finish(false);
    aggregate += performance.now() - t4;
    times.jsonParse.push(parse);
    times.validate.push(validate);
    times.aggregate.push(aggregate);
  }
  return {
    jsonParse: median(times.jsonParse) * scale,
    validate: median(times.validate) * scale,
    aggregate: median(times.aggregate) * scale,
    // A thousand pages, not a scaled sample: loading undici is a fixed cost that scaling would inflate.
    fetchText: await fetchCost(texts[0]!, 1000),
    sampleEvents: pages * 1000,
  };
}
