import {
  anthropicData,
  type ClaudeCodeRecord,
  DEFAULT_ANTHROPIC_KEY,
  startAnthropicEmulator,
} from "./anthropic/index.ts";
import {
  type CopilotData,
  type CopilotEmulator,
  copilotData,
  DEFAULT_COPILOT_TOKEN,
  EMULATED_ORG,
  startCopilotEmulator,
} from "./copilot/index.ts";
import type { CursorData } from "./cursor/data.ts";
import {
  type CursorEmulator,
  type CursorEmulatorOptions,
  cursorData,
  startCursorEmulator,
} from "./cursor/index.ts";
import { DEFAULT_OPENAI_KEY, type OpenAIData, openaiData, startOpenAIEmulator } from "./openai/index.ts";
import { generateOrg, type Org } from "./org.ts";
import type { EmulatorServer } from "./server.ts";

export const DEFAULT_CURSOR_KEY = "crsr_test";

export interface EmulatorSet {
  org: Org;
  /** The vendor records served, for tests that sum them independently. */
  data: { anthropic: ClaudeCodeRecord[]; openai: OpenAIData; cursor: CursorData; copilot?: CopilotData };
  anthropic: EmulatorServer;
  openai: EmulatorServer;
  cursor: CursorEmulator;
  /** Present with `copilot: true`. */
  copilot?: CopilotEmulator;
  /** Keys and base URLs that point the CLI at these emulators. */
  env: Record<string, string>;
  close(): Promise<void>;
}

export interface EmulatorSetOptions {
  since: string;
  until: string;
  org?: Org;
  /** Size of the generated organisation when `org` is not given (default 40). */
  people?: number;
  seed?: number;
  now?: () => Date;
  latencyMs?: number;
  cursorRateLimit?: CursorEmulatorOptions["rateLimit"];
  /** The generated people's email domain (default company.com). */
  domain?: string;
  /** Keys the emulators accept and the env carries, instead of the defaults (a second organisation). */
  keys?: { anthropic?: string; openai?: string; cursor?: string; copilot?: string };
  /** Also emulate GitHub Copilot (its env variables join `env`). */
  copilot?: boolean;
}

/**
 * The three vendor emulators serving one synthetic organisation, on loopback ports. Used by the
 * demo, the end-to-end tests and the benchmarks, so all three exercise the same clients and HTTP layer.
 */
export async function startEmulators(options: EmulatorSetOptions): Promise<EmulatorSet> {
  const org =
    options.org ??
    generateOrg({ seed: options.seed ?? 42, people: options.people ?? 40, domain: options.domain });
  const keys = {
    anthropic: options.keys?.anthropic ?? DEFAULT_ANTHROPIC_KEY,
    openai: options.keys?.openai ?? DEFAULT_OPENAI_KEY,
    cursor: options.keys?.cursor ?? DEFAULT_CURSOR_KEY,
  };
  const range = { since: options.since, until: options.until };
  const data = {
    anthropic: anthropicData(org, range),
    openai: openaiData(org, range),
    cursor: cursorData(org, range),
  };
  const copilotRecords = options.copilot ? copilotData(org, range) : undefined;
  const copilotToken = options.keys?.copilot ?? DEFAULT_COPILOT_TOKEN;
  const [anthropic, openai, cursor, copilot] = await Promise.all([
    startAnthropicEmulator({
      records: data.anthropic,
      now: options.now,
      latencyMs: options.latencyMs,
      apiKeys: [keys.anthropic],
    }),
    startOpenAIEmulator({
      ...data.openai,
      now: options.now,
      latencyMs: options.latencyMs,
      apiKeys: [keys.openai],
    }),
    startCursorEmulator({
      ...data.cursor,
      latencyMs: options.latencyMs,
      rateLimit: options.cursorRateLimit,
      apiKeys: [keys.cursor],
    }),
    copilotRecords &&
      startCopilotEmulator({
        data: copilotRecords,
        now: options.now,
        latencyMs: options.latencyMs,
        tokens: { [copilotToken]: ["read:org", "read:enterprise"] },
      }),
  ]);
  return {
    org,
    data: { ...data, copilot: copilotRecords },
    anthropic,
    openai,
    cursor,
    copilot,
    env: {
      ANTHROPIC_ADMIN_API_KEY: keys.anthropic,
      ANTHROPIC_ADMIN_BASE_URL: anthropic.url,
      OPENAI_ORG_API_KEY: keys.openai,
      OPENAI_ADMIN_BASE_URL: openai.url,
      CURSOR_ADMIN_API_KEY: keys.cursor,
      CURSOR_ADMIN_BASE_URL: cursor.url,
      ...(copilot && {
        COPILOT_METRICS_TOKEN: copilotToken,
        COPILOT_API_BASE_URL: copilot.url,
        COPILOT_ORG: EMULATED_ORG,
      }),
    },
    close: async () => {
      await Promise.all([anthropic.close(), openai.close(), cursor.close(), copilot?.close()]);
    },
  };
}
