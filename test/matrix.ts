import "../src/platforms/registry.ts";
import { expect } from "vitest";
import {
  anthropicData,
  type ClaudeCodeRecord,
  startAnthropicEmulator,
} from "../src/emulators/anthropic/index.ts";
import type { CodexData } from "../src/emulators/codex/index.ts";
import type { CursorData } from "../src/emulators/cursor/data.ts";
import { type CursorEmulator, cursorData, startCursorEmulator } from "../src/emulators/cursor/index.ts";
import { type OpenAIData, openaiData, startOpenAIEmulator } from "../src/emulators/openai/index.ts";
import { generateOrg } from "../src/emulators/org.ts";
import type { EmulatorServer } from "../src/emulators/server.ts";
import type { Logger } from "../src/log.ts";
import { claude } from "../src/platforms/claude/index.ts";
import { createCursorPlatform } from "../src/platforms/cursor/index.ts";
import { openai } from "../src/platforms/openai/index.ts";
import type { ClientOptions, DayRange, Platform } from "../src/platforms/types.ts";
import type { UsageRow } from "../src/usage/types.ts";
import { fetchUsage, newNotes, type TestNotes } from "./batches.ts";
import { type CliResult, NOW, type RunOptions, runCli } from "./cli.ts";

/**
 * Shared pieces of the reliability matrix: emulators that accept only distinctive keys, in-process
 * platform runs with fast retries, and a recorder of every output so each file can prove at the end
 * that no part of any key was ever printed.
 */

export const KEYS = {
  claude: "sk-ant-admin01-RELIABILITY-7f3a9c",
  openai: "sk-admin-RELIABILITY-b4e81d",
  cursor: "crsr_RELIABILITY_52c0e7",
} as const;
/** Keys the emulators reject: unknown (401) or valid but without the rights (403). */
export const WRONG_KEYS = {
  claude: "sk-ant-admin01-WRONGKEY-91d2aa",
  openai: "sk-admin-WRONGKEY-3c7f05",
  cursor: "crsr_WRONGKEY_e6a1b8",
} as const;
export const NON_ADMIN_KEYS = {
  claude: "sk-ant-api03-NONADMIN-0a9b8c",
  openai: "sk-proj-NOSCOPE-d5e6f7",
} as const;
const ALL_KEYS = [...Object.values(KEYS), ...Object.values(WRONG_KEYS), ...Object.values(NON_ADMIN_KEYS)];

export const RANGE: DayRange = { since: "2026-11-01", until: "2026-11-07" };
export const CLI_RANGE = ["--since", RANGE.since, "--until", RANGE.until, "--no-store"];
/** The platforms the matrix covers. */
export type PlatformId = "claude" | "openai" | "cursor";
export const PLATFORM_IDS: PlatformId[] = ["claude", "openai", "cursor"];

/** Every text a test saw come out of the tool; scanned once per file in afterAll. */
export class OutputLog {
  readonly texts: string[] = [];
  add(...texts: string[]): void {
    this.texts.push(...texts);
  }
  /** Fails naming the fragment if any key, its last 8 characters, its distinctive word or its Basic-auth form leaked. */
  expectNoSecrets(): void {
    expect(this.texts.length).toBeGreaterThan(0);
    const all = this.texts.join("\n");
    for (const key of ALL_KEYS) {
      const word = /RELIABILITY|WRONGKEY|NONADMIN|NOSCOPE/.exec(key)![0];
      const fragments = [
        key,
        key.slice(-8),
        word,
        Buffer.from(`${key}:`).toString("base64"),
        Buffer.from(key).toString("base64").slice(0, 16),
      ];
      for (const fragment of fragments) expect(all, `leaked ${fragment}`).not.toContain(fragment);
    }
  }
  /** A logger that records warnings and the --verbose request log. */
  logger(): Logger {
    return { warn: (m) => this.add(m), debug: (m) => this.add(m) };
  }
}

export interface VendorData {
  anthropic: ClaudeCodeRecord[];
  openai: OpenAIData;
  cursor: CursorData;
}

export interface Vendors {
  data: VendorData;
  claude: EmulatorServer;
  openai: EmulatorServer;
  cursor: CursorEmulator;
  /** The CLI's environment for these emulators (keys and base URLs). */
  env: Record<string, string>;
  clearFaults(): void;
  close(): Promise<void>;
}

/** A small generated organisation over RANGE. */
export function smallOrgData(seed = 11, people = 6): VendorData {
  const org = generateOrg({ seed, people });
  return {
    anthropic: anthropicData(org, RANGE),
    openai: openaiData(org, RANGE),
    cursor: cursorData(org, RANGE),
  };
}

/** The three emulators with the distinctive keys, no Cursor rate limit, the pinned clock. */
export async function startVendors(
  data: VendorData = smallOrgData(),
  options: { cursorEnterprise?: boolean } = {},
): Promise<Vendors> {
  const now = () => new Date(NOW);
  const [claude, openai, cursor] = await Promise.all([
    startAnthropicEmulator({ records: data.anthropic, apiKeys: [KEYS.claude], now }),
    startOpenAIEmulator({ ...data.openai, apiKeys: [KEYS.openai], now }),
    startCursorEmulator({
      ...data.cursor,
      apiKeys: [KEYS.cursor],
      rateLimit: false,
      enterprise: options.cursorEnterprise ?? true,
    }),
  ]);
  return {
    data,
    claude,
    openai,
    cursor,
    env: {
      ANTHROPIC_ADMIN_API_KEY: KEYS.claude,
      ANTHROPIC_ADMIN_BASE_URL: claude.url,
      OPENAI_ORG_API_KEY: KEYS.openai,
      OPENAI_ADMIN_BASE_URL: openai.url,
      CURSOR_ADMIN_API_KEY: KEYS.cursor,
      CURSOR_ADMIN_BASE_URL: cursor.url,
    },
    clearFaults: () => {
      for (const s of [claude, openai, cursor]) s.clearFaults();
    },
    close: async () => {
      await Promise.all([claude.close(), openai.close(), cursor.close()]);
    },
  };
}

export function server(v: Vendors, id: PlatformId): EmulatorServer {
  return id === "claude" ? v.claude : id === "openai" ? v.openai : v.cursor;
}

// The Cursor client's own limiter (60/min) would make a fault matrix crawl; the emulator runs unlimited.
const fastCursor = createCursorPlatform({ requestsPerWindow: 10_000, windowMs: 100 });
const platformFor = (id: PlatformId): Platform =>
  id === "cursor" ? fastCursor : id === "claude" ? claude : openai;

export interface FetchResult {
  rows: UsageRow[];
  notes: TestNotes;
  error?: Error;
  ms: number;
}

/** One platform's fetch of RANGE, in process, with fast retries; never throws, records everything it says. */
export async function fetchPlatform(
  id: PlatformId,
  v: Vendors,
  out: OutputLog,
  overrides: Partial<ClientOptions> = {},
): Promise<FetchResult> {
  const notes: TestNotes = newNotes();
  const options: ClientOptions = {
    baseUrl: server(v, id).url,
    apiKey: KEYS[id],
    fetch: globalThis.fetch,
    now: () => new Date(NOW),
    backoffScale: 0.001,
    // Generous unless a test trips it on purpose: two cores running spawned CLIs can stall a loop.
    timeoutMs: 2_000,
    log: out.logger(),
    ...overrides,
  };
  const rows: UsageRow[] = [];
  const started = Date.now();
  try {
    for await (const row of fetchUsage(platformFor(id), options, [RANGE], notes)) rows.push(row);
  } catch (err) {
    out.add(String(err), (err as Error).stack ?? "");
    return { rows, notes, error: err as Error, ms: Date.now() - started };
  } finally {
    out.add(...notes.warnings);
  }
  return { rows, notes, ms: Date.now() - started };
}

export interface Sums {
  requests: number;
  tokens: number;
  costNanos: number;
}

export function sumRows(rows: readonly UsageRow[]): Sums {
  const s = { requests: 0, tokens: 0, costNanos: 0 };
  for (const r of rows) {
    s.requests += r.requests;
    s.tokens += r.inputTokens + r.outputTokens + r.cacheReadTokens + r.cacheWriteTokens;
    s.costNanos += r.costNanos;
  }
  return s;
}

/** Requests and tokens the emulators serve, summed from the raw vendor data without the client's code. */
export function expectedSums(data: VendorData & { codex?: CodexData }): Record<
  PlatformId,
  { requests: number; tokens: number }
> & {
  codex?: { requests: number; tokens: number };
} {
  const claude = { requests: 0, tokens: 0 };
  for (const r of data.anthropic) {
    claude.requests += r.core_metrics.num_sessions;
    for (const m of r.model_breakdown)
      claude.tokens += m.tokens.input + m.tokens.output + m.tokens.cache_read + m.tokens.cache_creation;
  }
  const openai = { requests: 0, tokens: 0 };
  for (const { result } of data.openai.results) {
    openai.requests += result.num_model_requests;
    openai.tokens += result.input_tokens + result.output_tokens; // input already holds the cached part
  }
  const cursor = { requests: 0, tokens: 0 };
  for (const e of data.cursor.events) {
    if (/errored|aborted/i.test(e.kind)) continue;
    const t = e.tokenUsage;
    cursor.requests++;
    cursor.tokens += t ? t.inputTokens + t.outputTokens + t.cacheReadTokens + t.cacheWriteTokens : 0;
  }
  if (!data.codex) return { claude, openai, cursor };
  // The full emulator set (src/emulators/index.ts) serves Codex too: turns and text tokens.
  const codex = { requests: 0, tokens: 0 };
  for (const r of data.codex.records) {
    codex.requests += r.turns;
    codex.tokens += r.uncached + r.cached + r.output;
  }
  return { claude, openai, codex, cursor };
}

/** Rows in a stable order, so two runs can be compared for exact equality. */
export function sorted(rows: readonly UsageRow[]): UsageRow[] {
  const key = (r: UsageRow) => `${r.day}\u0000${r.identity}\u0000${r.model}`;
  return [...rows].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

/** runCli that records what the CLI printed. */
export async function runRecorded(
  out: OutputLog,
  args: string[],
  env: Record<string, string | undefined>,
  options?: RunOptions,
): Promise<CliResult> {
  const res = await runCli(args, env, options);
  out.add(res.stdout, res.stderr);
  return res;
}

/** No stack frame lines, no "Error:" dumps. */
export function expectNoStack(text: string): void {
  expect(text).not.toMatch(/^\s+at /m);
  expect(text).not.toMatch(/\n\s*at .+:\d+:\d+\)?$/m);
}
