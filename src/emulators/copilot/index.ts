import { dayOf } from "../../usage/days.ts";
import { type EmulatorServer, startServer } from "../server.ts";
import type { CopilotData, UserDayRecord } from "./data.ts";
import { type FileHost, startFileHost } from "./files.ts";
import { copilotHandler, errorBody } from "./routes.ts";
import type { CopilotState } from "./state.ts";
import { copilotTeams } from "./teams.ts";

export type { CopilotData, CopilotUser, UserDayRecord } from "./data.ts";
export { copilotData, EMULATED_ENTERPRISE, EMULATED_ORG } from "./data.ts";
export { errorBody } from "./routes.ts";
export {
  type CopilotTeam,
  copilotTeams,
  TEAM_THRESHOLD,
  type UserTeamRecord,
  userTeamRows,
} from "./teams.ts";

/** A classic PAT with every scope the reports and identity queries need. */
export const DEFAULT_COPILOT_TOKEN = "ghp_EmulatorToken0000000000000000000000";

export interface CopilotEmulatorOptions {
  data: CopilotData;
  /**
   * token → classic scopes; default the one token above with read:org and read:enterprise.
   * Markers: "sso-unauthorized" (SAML SSO not granted), "fine-grained" with or without
   * "copilot_metrics" (a fine-grained token and its permission).
   */
  tokens?: Record<string, string[]>;
  now?: () => Date;
  latencyMs?: number;
  filesPerDay?: number;
  policyEnabled?: boolean;
  policyStatus?: number;
  emptyAs204?: boolean;
  samlConfigured?: boolean;
  verifiedForbidden?: boolean;
  restate?: boolean;
  secondaryLimit?: { every: number; status: number; retryAfter?: number };
  identityPageSize?: number;
  rateLimit?: { limit: number; windowMs: number };
}

export interface CopilotEmulator extends EmulatorServer {
  /** The signed-link host (another port): its request log has every header received. */
  files: FileHost;
  state: CopilotState;
}

/** GitHub's Copilot usage-metrics reports, GraphQL identities and /users on 127.0.0.1. */
export async function startCopilotEmulator(options: CopilotEmulatorOptions): Promise<CopilotEmulator> {
  const files = await startFileHost();
  const byDay = new Map<string, UserDayRecord[]>();
  for (const r of options.data.records) {
    const list = byDay.get(r.day) ?? [];
    list.push(r);
    byDay.set(r.day, list);
  }
  const state: CopilotState = {
    data: options.data,
    byDay,
    teams: copilotTeams(options.data.users),
    tokens: new Map(
      Object.entries(options.tokens ?? { [DEFAULT_COPILOT_TOKEN]: ["read:org", "read:enterprise"] }),
    ),
    now: options.now ?? (() => new Date()),
    files,
    filesPerDay: options.filesPerDay ?? 2,
    policyEnabled: options.policyEnabled ?? true,
    policyStatus: options.policyStatus ?? 403,
    emptyAs204: options.emptyAs204 ?? false,
    samlConfigured: options.samlConfigured ?? true,
    verifiedForbidden: options.verifiedForbidden ?? false,
    restate: options.restate ?? false,
    secondaryLimit: options.secondaryLimit && { ...options.secondaryLimit, seen: 0 },
    identityPageSize: options.identityPageSize ?? 100,
    rateLimit: options.rateLimit ?? { limit: 5000, windowMs: 3_600_000 },
    used: new Map(),
  };
  let n = 0;
  const server = await startServer({
    handler: copilotHandler(state),
    errorBody,
    commonHeaders: () => ({
      "x-github-request-id": `EMU0:${(++n).toString(16).toUpperCase()}:${dayOf(Date.now())}`,
    }),
    latencyMs: options.latencyMs,
  });
  const close = server.close;
  return Object.assign(server, {
    files,
    state,
    close: async () => {
      await Promise.all([close(), files.close()]);
    },
  });
}
