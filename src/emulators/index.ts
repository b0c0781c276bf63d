import {
  anthropicData,
  type ClaudeCodeRecord,
  DEFAULT_ANTHROPIC_KEY,
  startAnthropicEmulator,
} from "./anthropic/index.ts";
import {
  DEFAULT_ANALYTICS_KEY,
  type EnterpriseEmulator,
  enterpriseData,
  type SeatRecord,
  startEnterpriseEmulator,
} from "./claude-enterprise/index.ts";
import {
  type CodexData,
  codexData,
  DEFAULT_CODEX_KEY,
  startCodexEmulator,
  workspaceIdFor,
} from "./codex/index.ts";
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
  data: {
    anthropic: ClaudeCodeRecord[];
    openai: OpenAIData;
    codex: CodexData;
    cursor: CursorData;
    enterprise: SeatRecord[];
    copilot: CopilotData;
  };
  anthropic: EmulatorServer;
  /** Claude Enterprise seats; in `env` only with the `enterprise` option. */
  enterprise: EnterpriseEmulator;
  openai: EmulatorServer;
  codex: EmulatorServer;
  cursor: CursorEmulator;
  /** GitHub Copilot; in `env` only with the `copilot` option. */
  copilot: CopilotEmulator;
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
  keys?: {
    anthropic?: string;
    openai?: string;
    codex?: string;
    cursor?: string;
    enterprise?: string;
    copilot?: string;
  };
  /** Put the Claude Enterprise seats emulator's key and URL in `env` (the demo does). */
  enterprise?: boolean;
  /** Put the GitHub Copilot emulator's token, URL and organisation in `env` (the demo does). */
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
    codex: options.keys?.codex ?? DEFAULT_CODEX_KEY,
    cursor: options.keys?.cursor ?? DEFAULT_CURSOR_KEY,
    enterprise: options.keys?.enterprise ?? DEFAULT_ANALYTICS_KEY,
  };
  const range = { since: options.since, until: options.until };
  const data = {
    anthropic: anthropicData(org, range),
    openai: openaiData(org, range),
    codex: codexData(org, range),
    cursor: cursorData(org, range),
    enterprise: enterpriseData(org, range),
    copilot: copilotData(org, range),
  };
  const copilotToken = options.keys?.copilot ?? DEFAULT_COPILOT_TOKEN;
  const [anthropic, openai, codex, cursor, enterprise, copilot] = await Promise.all([
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
    startCodexEmulator({
      ...data.codex,
      now: options.now,
      latencyMs: options.latencyMs,
      adminKeys: [keys.codex],
      workspaceId: workspaceIdFor(keys.codex),
    }),
    startCursorEmulator({
      ...data.cursor,
      latencyMs: options.latencyMs,
      rateLimit: options.cursorRateLimit,
      apiKeys: [keys.cursor],
    }),
    startEnterpriseEmulator({
      records: data.enterprise,
      now: options.now,
      latencyMs: options.latencyMs,
      apiKeys: [keys.enterprise],
    }),
    startCopilotEmulator({
      data: data.copilot,
      now: options.now,
      latencyMs: options.latencyMs,
      tokens: { [copilotToken]: ["read:org", "read:enterprise"] },
    }),
  ]);
  return {
    org,
    data,
    anthropic,
    enterprise,
    openai,
    codex,
    cursor,
    copilot,
    env: {
      ANTHROPIC_ADMIN_API_KEY: keys.anthropic,
      ANTHROPIC_ADMIN_BASE_URL: anthropic.url,
      OPENAI_ORG_API_KEY: keys.openai,
      OPENAI_ADMIN_BASE_URL: openai.url,
      CODEX_ANALYTICS_API_KEY: keys.codex,
      CODEX_WORKSPACE_ID: workspaceIdFor(keys.codex),
      CODEX_ANALYTICS_BASE_URL: codex.url,
      CURSOR_ADMIN_API_KEY: keys.cursor,
      CURSOR_ADMIN_BASE_URL: cursor.url,
      ...(options.enterprise
        ? { CLAUDE_ANALYTICS_API_KEY: keys.enterprise, CLAUDE_ANALYTICS_BASE_URL: enterprise.url }
        : {}),
      ...(options.copilot
        ? {
            COPILOT_METRICS_TOKEN: copilotToken,
            COPILOT_API_BASE_URL: copilot.url,
            COPILOT_ORG: EMULATED_ORG,
          }
        : {}),
    },
    close: async () => {
      await Promise.all([
        anthropic.close(),
        openai.close(),
        codex.close(),
        cursor.close(),
        enterprise.close(),
        copilot.close(),
      ]);
    },
  };
}
