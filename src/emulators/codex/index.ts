import { createHash } from "node:crypto";
import { type EmulatorServer, type Fault, type FaultRule, startServer } from "../server.ts";
import type { CodexRecord, CodexUser } from "./data.ts";
import { codexHandler } from "./routes.ts";
import type { Blocks } from "./usage.ts";

export type { CodexData, CodexRecord, CodexUser } from "./data.ts";
export { CODEX_CLIENTS, CODEX_MODELS, codexData, codexPeople, codexRecord, RATE_CARD } from "./data.ts";
export type { Blocks } from "./usage.ts";

/** An emulator ChatGPT workspace Admin key, and the workspace it reads. */
export const DEFAULT_CODEX_KEY = "chatgpt-admin-test";
export const DEFAULT_CODEX_PROJECT_KEY = "sk-proj-codex-analytics-test";
export const DEFAULT_WORKSPACE_ID = "7c0a3e52-4b1d-4e8f-9a6b-2f1d0c9e8b7a";

/** The workspace a key reads: the default one for the default key, else one derived from the key. */
export function workspaceIdFor(key: string): string {
  if (key === DEFAULT_CODEX_KEY) return DEFAULT_WORKSPACE_ID;
  const h = createHash("sha256").update(key).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export interface CodexEmulatorOptions {
  users: CodexUser[];
  records: CodexRecord[];
  workspaceId?: string;
  adminKeys?: string[];
  projectKeys?: string[];
  /** Optional blocks; every one is on by default. */
  blocks?: Partial<Blocks>;
  /** USD per credit at the workspace's overage rate, e.g. "0.045": rows then carry estimated_cost_usd. */
  overageUsdPerCredit?: string;
  /** `start_time` older than 90 days: a 422 (default) or clamped to the 90 days. */
  lookback?: "reject" | "clamp";
  /** Today's and yesterday's rows change between calls, as the dashboard's do until settled. */
  unsettled?: boolean;
  now?: () => Date;
  latencyMs?: number;
  /** Faults from the start (429 with or without Retry-After, 500/503…); off by default. */
  faults?: FaultRule[];
}

const ALL_BLOCKS: Blocks = {
  totalsTokens: true,
  clients: true,
  models: true,
  modelTokens: true,
  emails: true,
  moneyAsStrings: false,
  codeAttribution: true,
};

/** The Codex Analytics API (`/v1/analytics/codex/workspaces/{id}/…`) on 127.0.0.1 with a random port. */
export async function startCodexEmulator(options: CodexEmulatorOptions): Promise<EmulatorServer> {
  const overage = options.overageUsdPerCredit;
  const server = await startServer({
    handler: codexHandler({
      records: options.records,
      users: new Map(options.users.map((u) => [u.userId, u])),
      blocks: { ...ALL_BLOCKS, ...options.blocks },
      overageNanosPerCredit: overage === undefined ? null : Math.round(Number(overage) * 1e9),
      now: options.now ?? (() => new Date()),
      lookback: options.lookback ?? "reject",
      unsettled: options.unsettled ?? false,
      calls: 0,
      workspaceId: options.workspaceId ?? DEFAULT_WORKSPACE_ID,
      adminKeys: options.adminKeys ?? [DEFAULT_CODEX_KEY],
      projectKeys: options.projectKeys ?? [DEFAULT_CODEX_PROJECT_KEY],
    }),
    // Undocumented for this host; FastAPI's plain `{"detail": "…"}` is the likely shape.
    errorBody: (status, message) => ({ detail: message ?? defaultMessage(status) }),
    commonHeaders: () => ({ "x-request-id": `req_${Math.random().toString(16).slice(2, 18)}` }),
    latencyMs: options.latencyMs,
  });
  for (const rule of options.faults ?? []) server.inject(rule);
  return server;
}

function defaultMessage(status: number): string {
  if (status === 429) return "Too Many Requests";
  if (status === 503) return "Service Unavailable";
  if (status >= 500) return "Internal Server Error";
  return "Error";
}

/** A 429, with `Retry-After` in seconds or without it; for `server.inject`. */
export function rateLimitFault(retryAfterSeconds?: number): Fault {
  return {
    kind: "status",
    status: 429,
    message: "Too Many Requests",
    headers: retryAfterSeconds === undefined ? undefined : { "retry-after": String(retryAfterSeconds) },
  };
}

/** A 500 or 503 as the host sends it; for `server.inject`. */
export function serverErrorFault(status: 500 | 502 | 503 = 503): Fault {
  return { kind: "status", status };
}
