import type { Fault, LoggedRequest } from "../src/emulators/server.ts";
import type { PlatformId } from "./matrix.ts";

/** Fault builders and request-log helpers shared by the reliability tests. */

export const USAGE_PATH: Record<PlatformId, string> = {
  claude: "/usage_report/claude_code",
  openai: "/usage/completions",
  cursor: "/filtered-usage-events",
};

export const status = (code: number, headers?: Record<string, string>): Fault => ({
  kind: "status",
  status: code,
  headers,
});

export const page200 = (body: unknown): Fault => ({ kind: "status", status: 200, body });

/** The most times any one request (same path, query and body) was sent. */
export function maxRepeats(requests: readonly LoggedRequest[]): number {
  const seen = new Map<string, number>();
  for (const r of requests) {
    const key = `${r.method} ${r.path}${r.query} ${JSON.stringify(r.body)}`;
    seen.set(key, (seen.get(key) ?? 0) + 1);
  }
  return Math.max(0, ...seen.values());
}

/** The field a mutation broke, recorded by the mutation itself. */
let broken = "";

/** The field the last `stringForNumber` mutation broke ("" after `resetBrokenField`). */
export const brokenField = () => broken;
export const resetBrokenField = () => {
  broken = "";
};

export function stringForNumber(id: PlatformId): Fault {
  return {
    kind: "mutate",
    mutate: (body) => {
      // A copy: the Cursor emulator shares nested objects with its stored events.
      // biome-ignore lint/suspicious/noExplicitAny: reaching into vendor JSON to break one field
      const b = structuredClone(body) as Record<string, any>;
      if (id === "claude" && b.data[0]) {
        b.data[0].core_metrics.num_sessions = String(b.data[0].core_metrics.num_sessions);
        broken = "data[0].core_metrics.num_sessions";
      }
      if (id === "openai") {
        const i = b.data.findIndex((bucket: { results: unknown[] }) => bucket.results.length > 0);
        b.data[i].results[0].num_model_requests = "12";
        broken = `data[${i}].results[0].num_model_requests`;
      }
      if (id === "cursor") {
        const i = b.usageEvents.findIndex((e: { tokenUsage?: unknown }) => e.tokenUsage);
        b.usageEvents[i].tokenUsage.inputTokens = "1200";
        broken = `usageEvents[${i}].tokenUsage.inputTokens`;
      }
      return b;
    },
  };
}
