import type { CodexRecord, CodexUser } from "../src/emulators/codex/index.ts";
import { codex } from "../src/platforms/codex/index.ts";
import type { Batch, ClientOptions, DayRange, FetchNotes } from "../src/platforms/types.ts";
import type { UsageRow } from "../src/usage/types.ts";

/**
 * Shared by the Codex tests: run the platform against an emulator, and compute what it should
 * report straight from the emulator's records (never from the code under test).
 */

export const WORKSPACE = "7c0a3e52-4b1d-4e8f-9a6b-2f1d0c9e8b7a";

export function clientFor(url: string, extra: Partial<ClientOptions> = {}): ClientOptions {
  return {
    baseUrl: url,
    apiKey: "chatgpt-admin-test",
    fetch: globalThis.fetch,
    env: { CODEX_WORKSPACE_ID: WORKSPACE },
    backoffScale: 0.001,
    maxAttempts: 3,
    ...extra,
  };
}

export async function collect(client: ClientOptions, ranges: DayRange[]) {
  const notes: FetchNotes = { warnings: [], notes: [] };
  const batches: Batch[] = [];
  for await (const batch of codex.fetchBatches(client, ranges, notes)) batches.push(batch);
  const rows = batches.flatMap((b) => b.rows);
  rows.sort((a, b) => `${a.day}${a.identity}${a.model}`.localeCompare(`${b.day}${b.identity}${b.model}`));
  return { batches, rows, notes };
}

/** The identity the API's rows should map to, from the emulator's user record. */
export function expectedIdentity(user: CodexUser | undefined, userId: string, emails = true): string {
  const email = emails && user?.emailIn !== "none" ? user?.email?.toLowerCase() : undefined;
  return email ?? `codex-user:${userId}`;
}

export interface Sums {
  requests: number;
  input: number;
  cached: number;
  output: number;
  /** Micro-credits (credits × 1e6), an integer for generated data. */
  micro: number;
  usdNanos: number;
}

const zero = (): Sums => ({ requests: 0, input: 0, cached: 0, output: 0, micro: 0, usdNanos: 0 });

/** Record sums per `key(record)`. */
export function sumRecords(records: readonly CodexRecord[], key: (r: CodexRecord) => string) {
  const out = new Map<string, Sums>();
  for (const r of records) {
    const k = key(r);
    const s = out.get(k) ?? zero();
    s.requests += r.turns;
    s.input += r.uncached;
    s.cached += r.cached;
    s.output += r.output;
    s.micro += r.microCredits;
    s.usdNanos += r.costUsdNanos ?? 0;
    out.set(k, s);
  }
  return out;
}

/** Row sums per `key(row)` in the same shape (cost in nano-dollars instead of credits). */
export function sumRows(rows: readonly UsageRow[], key: (r: UsageRow) => string) {
  const out = new Map<
    string,
    { requests: number; input: number; cached: number; output: number; nanos: number }
  >();
  for (const r of rows) {
    const k = key(r);
    const s = out.get(k) ?? { requests: 0, input: 0, cached: 0, output: 0, nanos: 0 };
    s.requests += r.requests;
    s.input += r.inputTokens;
    s.cached += r.cacheReadTokens;
    s.output += r.outputTokens;
    s.nanos += r.costNanos;
    out.set(k, s);
  }
  return out;
}

/** Expected per-key sums with cost = micro-credits × (nano-dollars per micro-credit) + USD-billed. */
export function expectedCost(sums: Map<string, Sums>, nanosPerMicroCredit: number) {
  return new Map(
    [...sums].map(([k, s]) => [
      k,
      {
        requests: s.requests,
        input: s.input,
        cached: s.cached,
        output: s.output,
        nanos: s.micro * nanosPerMicroCredit + s.usdNanos,
      },
    ]),
  );
}
