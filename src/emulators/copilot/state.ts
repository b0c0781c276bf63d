import type { CopilotData, UserDayRecord } from "./data.ts";
import type { FileHost } from "./files.ts";
import type { CopilotTeam } from "./teams.ts";

/** What the Copilot emulator serves and how it behaves; shared by its REST and GraphQL answers. */
export interface CopilotState {
  data: CopilotData;
  byDay: Map<string, UserDayRecord[]>;
  /** Team memberships behind user-teams-1-day (all teams, the threshold is applied when served). */
  teams: CopilotTeam[];
  /** token → its classic scopes. */
  tokens: Map<string, string[]>;
  now: () => Date;
  files: FileHost;
  filesPerDay: number;
  /** false: the "Copilot usage metrics" policy is off, answered with `policyStatus`. */
  policyEnabled: boolean;
  policyStatus: number;
  /** Org 1-day routes answer an empty day with 204 instead of 200 and no links. */
  emptyAs204: boolean;
  samlConfigured: boolean;
  verifiedForbidden: boolean;
  /** Every `every`-th request hits a secondary limit (403 or 429, with or without retry-after). */
  secondaryLimit?: { every: number; status: number; retryAfter?: number; seen: number };
  /** Recent days grow on every call (the stored records change with them). */
  restate: boolean;
  identityPageSize: number;
  /** Primary limit: requests per window per token. */
  rateLimit: { limit: number; windowMs: number };
  used: Map<string, { count: number; resetAt: number }>;
}
