import {
  type CopilotEmulator,
  type CopilotEmulatorOptions,
  copilotData,
  DEFAULT_COPILOT_TOKEN,
  startCopilotEmulator,
  type UserDayRecord,
} from "../src/emulators/copilot/index.ts";
import { generateOrg } from "../src/emulators/org.ts";
import { fetchCopilotBatches } from "../src/platforms/copilot/index.ts";
import type { Batch, ClientOptions, DayRange, FetchNotes, SourceCache } from "../src/platforms/types.ts";
import type { UsageRow } from "../src/usage/types.ts";

/** Shared set-up for the Copilot tests: an emulator, a client pointed at it, reference sums. */

export const NOW = () => new Date("2026-06-30T12:00:00Z");
export const RANGE = { since: "2026-06-14", until: "2026-06-22" };

export function orgData(people = 14, range = RANGE) {
  return copilotData(generateOrg({ seed: 7, people }), range);
}

export async function emulator(options: Partial<CopilotEmulatorOptions> = {}): Promise<CopilotEmulator> {
  return startCopilotEmulator({ data: options.data ?? orgData(), now: NOW, ...options });
}

/** A SourceCache in memory that counts its calls. */
export function memoryCache(): SourceCache & { map: Map<string, string>; sets: number } {
  const map = new Map<string, string>();
  const cache = {
    map,
    sets: 0,
    async get(ns: string, keys: readonly string[]) {
      const out = new Map<string, string>();
      for (const k of keys) {
        const v = map.get(`${ns}/${k}`);
        if (v !== undefined) out.set(k, v);
      }
      return out;
    },
    async set(ns: string, entries: ReadonlyMap<string, string>) {
      cache.sets++;
      for (const [k, v] of entries) map.set(`${ns}/${k}`, v);
    },
  };
  return cache;
}

export function clientFor(emu: CopilotEmulator, extra: Partial<ClientOptions> = {}): ClientOptions {
  return {
    baseUrl: emu.url,
    apiKey: DEFAULT_COPILOT_TOKEN,
    fetch: globalThis.fetch,
    env: { COPILOT_ORG: "acme-corp" },
    now: NOW,
    backoffScale: 0.001,
    ...extra,
  };
}

export async function collect(client: ClientOptions, ranges: DayRange[] = [RANGE]) {
  const notes: FetchNotes = { warnings: [], notes: [] };
  const batches: Batch[] = [];
  for await (const b of fetchCopilotBatches(client, ranges, notes)) batches.push(b);
  return { batches, rows: batches.flatMap((b) => b.rows), notes };
}

export interface Sums {
  requests: number;
  inputTokens: number;
  outputTokens: number;
  costNanos: number;
  linesAdded: number;
}

const zero = (): Sums => ({ requests: 0, inputTokens: 0, outputTokens: 0, costNanos: 0, linesAdded: 0 });

/** What DESIGN §2 says a record is worth, computed from the emulator's own record. */
export function recordSums(r: UserDayRecord): Sums {
  const cliInFeatures = r.totals_by_feature.some((f) => f.feature === "copilot_cli");
  return {
    requests: r.user_initiated_interaction_count + (cliInFeatures ? 0 : (r.totals_by_cli?.prompt_count ?? 0)),
    inputTokens: r.totals_by_cli?.token_usage.prompt_tokens_sum ?? 0,
    outputTokens: r.totals_by_cli?.token_usage.output_tokens_sum ?? 0,
    // 1 credit = $0.01 = 10^7 nano-dollars; records hold whole hundredths of a credit.
    costNanos: Math.round((r.ai_credits_used ?? 0) * 100) * 100_000,
    linesAdded: r.loc_added_sum,
  };
}

export function bump(map: Map<string, Sums>, key: string, s: Sums) {
  const t = map.get(key) ?? zero();
  for (const k of Object.keys(s) as (keyof Sums)[]) t[k] += s[k];
  map.set(key, t);
}

export function rowSums(rows: readonly UsageRow[]): Map<string, Sums> {
  const out = new Map<string, Sums>();
  for (const r of rows)
    bump(out, `${r.day} ${r.identity}`, {
      requests: r.requests,
      inputTokens: r.inputTokens,
      outputTokens: r.outputTokens,
      costNanos: r.costNanos,
      linesAdded: r.activity?.linesAdded ?? 0,
    });
  return out;
}

export const reportRequests = (emu: CopilotEmulator) =>
  emu.requests.filter((r) => r.path.includes("/users-1-day"));
export const identityRequests = (emu: CopilotEmulator) =>
  emu.requests.filter((r) => r.path.endsWith("/graphql") || /\/users\/[^/]+$/.test(r.path));
