import { type EmulatorServer, startServer } from "../server.ts";
import { type ClaudeCodeRecord, EMULATED_ORG_ID } from "./data.ts";
import { anthropicHandler, errorBody, requestId } from "./routes.ts";

export type { ClaudeCodeRecord } from "./data.ts";
export { anthropicData, claudeCodeRecord, estimateCents } from "./data.ts";
export { errorBody } from "./routes.ts";

export const DEFAULT_ANTHROPIC_KEY = "sk-ant-admin01-test";

export interface AnthropicEmulatorOptions {
  records: ClaudeCodeRecord[];
  /** Accepted admin keys; default ["sk-ant-admin01-test"]. */
  apiKeys?: string[];
  latencyMs?: number;
  /** The emulator's clock: days after its UTC date are served empty. Default: the real clock. */
  now?: () => Date;
}

/** The Anthropic Admin API (Claude Code usage report) on 127.0.0.1 with a random port. */
export function startAnthropicEmulator(options: AnthropicEmulatorOptions): Promise<EmulatorServer> {
  return startServer({
    handler: anthropicHandler({
      records: options.records,
      apiKeys: options.apiKeys ?? [DEFAULT_ANTHROPIC_KEY],
      now: options.now ?? (() => new Date()),
    }),
    errorBody,
    commonHeaders: () => ({ "request-id": requestId(), "anthropic-organization-id": EMULATED_ORG_ID }),
    latencyMs: options.latencyMs,
  });
}
