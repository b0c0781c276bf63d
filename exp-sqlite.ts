import { existsSync } from "node:fs";
import { openStore } from "./src/store/index.ts";
import { addDays, daysBetween } from "./src/usage/days.ts";
const file = "/tmp/exp/h90.db";
const SRC = { platform: "claude", org: "org:bench" };
const MODELS = ["a", "b", "c"];
const fresh = !existsSync(file);
const store = await openStore(file);
const days = daysBetween("2026-04-01", "2026-06-29");
if (fresh) for (const day of days) {
  const rows = [];
  for (let p = 0; p < 2000; p++) for (const m of MODELS) rows.push({ platform: "claude", day, identity: `person${p}@company.com`, email: `person${p}@company.com`, model: m, requests: 1, inputTokens: 1, outputTokens: 1, cacheReadTokens: 1, cacheWriteTokens: 1, costNanos: 1, costEstimated: false });
  await store.replaceDays(SRC, [day], rows, Date.parse("2026-07-10T00:00:00Z"));
}
for (let i = 0; i < 2; i++) {
  const t = performance.now(); let n = 0;
  for await (const r of store.readRows([SRC], days[0]!, days.at(-1)!)) n += r.requests;
  console.log("readRows", n, Math.round(performance.now() - t), "ms");
}
await store.close();
