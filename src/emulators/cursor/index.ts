import { type EmulatorServer, startServer } from "../server.ts";
import type { TeamMember, UsageEvent } from "./data.ts";
import { type CursorState, cursorHandler, errorBody } from "./routes.ts";
import { ArrayEventSource, type CursorEventSource } from "./source.ts";

export { cursorData, type TeamMember, type UsageEvent } from "./data.ts";
export { cursorSyntheticEvents } from "./source.ts";

export interface CursorEmulatorOptions {
  members: TeamMember[];
  /** An array (sorted here) or a lazy source such as `cursorSyntheticEvents(…)`. */
  events: readonly UsageEvent[] | CursorEventSource;
  /** Accepted keys; default `["crsr_test"]`. */
  apiKeys?: string[];
  latencyMs?: number;
  /** Per-key fixed windows; default the documented 60/min (events) and 20/min (other routes). */
  rateLimit?: { windowMs: number; eventsPerWindow?: number; otherPerWindow?: number } | false;
  /** Add `Retry-After` (seconds of one window) to 429s; undocumented, so off by default. */
  retryAfterHeader?: boolean;
  /** false: every authenticated call gets 403 "Enterprise access required". */
  enterprise?: boolean;
  /** The emulator's clock: events after it are not served (they have not happened). Default: real clock. */
  now?: () => Date;
}

export interface CursorEmulator extends EmulatorServer {
  /** 429s sent by the emulated rate limit (not counting injected faults). */
  readonly rateLimited: number;
  /** Adds events as if ingested late, shifting later pages (array data only). */
  insertEvents(events: readonly UsageEvent[]): void;
}

export async function startCursorEmulator(options: CursorEmulatorOptions): Promise<CursorEmulator> {
  const source = Array.isArray(options.events)
    ? new ArrayEventSource(options.events as readonly UsageEvent[])
    : (options.events as CursorEventSource);
  const limits = options.rateLimit === undefined ? { windowMs: 60_000 } : options.rateLimit;
  const state: CursorState = {
    members: options.members,
    source,
    apiKeys: new Set(options.apiKeys ?? ["crsr_test"]),
    enterprise: options.enterprise ?? true,
    rateLimit: limits && {
      windowMs: limits.windowMs,
      eventsPerWindow: limits.eventsPerWindow ?? 60,
      otherPerWindow: limits.otherPerWindow ?? 20,
    },
    retryAfterHeader: options.retryAfterHeader ?? false,
    rateLimited: 0,
    now: () => (options.now?.() ?? new Date()).getTime(),
  };
  const server = await startServer({
    handler: cursorHandler(state),
    errorBody,
    latencyMs: options.latencyMs,
  });
  return Object.defineProperties(server, {
    rateLimited: { get: () => state.rateLimited, enumerable: true },
    insertEvents: {
      value: (events: readonly UsageEvent[]) => {
        if (!(source instanceof ArrayEventSource)) throw new Error("insertEvents needs array-backed events");
        source.insert(events);
      },
    },
  }) as CursorEmulator;
}
