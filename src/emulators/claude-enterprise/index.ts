import { errorBody, requestId } from "../anthropic/routes.ts";
import { type EmulatorServer, startServer } from "../server.ts";
import { extraUsageOnly, type SeatRecord } from "./data.ts";
import { EMULATED_ENTERPRISE_ORG, type EnterpriseState, enterpriseHandler, refresh } from "./routes.ts";
import type { EmailField } from "./rows.ts";

export {
  actorFor,
  enterpriseData,
  extraUsageOnly,
  type SeatActor,
  type SeatRecord,
  SPECIAL_ACTORS,
  seatPeople,
  seatRecord,
} from "./data.ts";

export const DEFAULT_ANALYTICS_KEY = "sk-ant-api01-analytics-test";

export interface EnterpriseEmulatorOptions {
  records: SeatRecord[];
  /** Accepted Analytics keys; default ["sk-ant-api01-analytics-test"]. */
  apiKeys?: string[];
  /** A legacy seat-based plan: only usage beyond each seat's monthly allowance (tokens) is reported. */
  seatAllowanceTokens?: number;
  plan?: "enterprise" | "team";
  accessEnabled?: boolean;
  /** Which email field(s) actors carry; default both, as the newest example does. */
  emailField?: EmailField;
  /** `/summaries` envelope: `summaries` (default) or the newer `data`. */
  summariesEnvelope?: "summaries" | "data";
  /** Per-organisation fixed window; default the documented 60 a minute. */
  rateLimit?: { windowMs: number; perWindow?: number } | false;
  latencyMs?: number;
  /** The emulator's clock (range checks; the first export is at its hour). Default: the real clock. */
  now?: () => Date;
}

export interface EnterpriseEmulator extends EmulatorServer {
  /** The records served (after the seat allowance), live: revisions change them. */
  readonly records: SeatRecord[];
  /** 429s sent by the emulated rate limit (not counting injected faults). */
  readonly rateLimited: number;
  /** A new export now: revise the records (optional) and expire every outstanding cursor. */
  refresh(revise?: (records: SeatRecord[]) => void): void;
  /** The same, after `pages` more report pages have been answered: a refresh in mid-sequence. */
  refreshAfter(pages: number, revise?: (records: SeatRecord[]) => void): void;
}

/** The Enterprise Analytics API (per-user usage and cost reports) on 127.0.0.1 with a random port. */
export async function startEnterpriseEmulator(
  options: EnterpriseEmulatorOptions,
): Promise<EnterpriseEmulator> {
  const now = () => (options.now?.() ?? new Date()).getTime();
  const limits = options.rateLimit === undefined ? { windowMs: 60_000 } : options.rateLimit;
  const state: EnterpriseState = {
    records:
      options.seatAllowanceTokens === undefined
        ? options.records
        : extraUsageOnly(options.records, options.seatAllowanceTokens),
    apiKeys: options.apiKeys ?? [DEFAULT_ANALYTICS_KEY],
    plan: options.plan ?? "enterprise",
    accessEnabled: options.accessEnabled ?? true,
    emailField: options.emailField ?? "both",
    summariesEnvelope: options.summariesEnvelope,
    rateLimit: limits && { windowMs: limits.windowMs, perWindow: limits.perWindow ?? 60 },
    rateLimited: 0,
    generation: 1,
    refreshedAt: Math.floor(now() / 3_600_000) * 3_600_000,
    now,
  };
  const server = await startServer({
    handler: enterpriseHandler(state),
    errorBody,
    commonHeaders: () => ({
      "request-id": requestId(),
      "anthropic-organization-id": EMULATED_ENTERPRISE_ORG,
    }),
    latencyMs: options.latencyMs,
  });
  return Object.defineProperties(server, {
    records: { get: () => state.records, enumerable: true },
    rateLimited: { get: () => state.rateLimited, enumerable: true },
    refresh: { value: (revise?: (records: SeatRecord[]) => void) => refresh(state, revise) },
    refreshAfter: {
      value: (pages: number, revise?: (records: SeatRecord[]) => void) => {
        state.refreshAfter = { pages, revise };
      },
    },
  }) as EnterpriseEmulator;
}
