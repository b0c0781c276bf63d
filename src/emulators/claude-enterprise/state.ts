import { createHash } from "node:crypto";
import { errorBody } from "../anthropic/routes.ts";
import { decodeCursor, type EmulatorResponse, encodeCursor } from "../server.ts";
import type { SeatRecord } from "./data.ts";
import type { EmailField } from "./rows.ts";

/** The emulated organisation's state, shared by every route, and the helpers they share. */

export const ANALYTICS_PREFIX = "/v1/organizations/analytics";
export const EMULATED_ENTERPRISE_ORG = "org_01EmuLatedEnterpriseOrg";

export interface EnterpriseState {
  /** What the API counts; revisions change it in place, then `refresh()`. */
  records: SeatRecord[];
  apiKeys: string[];
  /** "team": the plan has no Analytics API. */
  plan: "enterprise" | "team";
  /** The owner's "API access" switch; off makes every request fail. */
  accessEnabled: boolean;
  emailField: EmailField;
  /** `/summaries` answers `{summaries}` (2026-08 reference) or `{data, next_page: null}` (newer). */
  summariesEnvelope?: "summaries" | "data";
  rateLimit: { windowMs: number; perWindow: number } | false;
  rateLimited: number;
  /** Export generation: a refresh invalidates every outstanding cursor. */
  generation: number;
  /** The last export (epoch ms): `data_refreshed_at`, and no usage after it is served. */
  refreshedAt: number;
  /** Refresh after this many more answered report pages (a refresh in mid-sequence). */
  refreshAfter?: { pages: number; revise?: (records: SeatRecord[]) => void };
  now: () => number;
}

interface Position {
  f: string;
  o: number;
  g: number;
}

export const fail = (status: number, message: string): EmulatorResponse => ({
  status,
  body: errorBody(status, message),
});
export const hash = (s: string) => createHash("sha256").update(s).digest("base64url").slice(0, 16);

/** A new export: new values may be served, and every cursor handed out so far expires. */
export function refresh(state: EnterpriseState, revise?: (records: SeatRecord[]) => void): void {
  revise?.(state.records);
  state.generation++;
  state.refreshedAt = Math.max(state.now(), state.refreshedAt + 60_000);
}

/** Where a page starts, or the 400/410 a stale or foreign cursor gets. */
export function cursorOffset(
  page: string | null,
  fingerprint: string,
  state: EnterpriseState,
): number | EmulatorResponse {
  if (page === null || page === "") return 0;
  const pos = decodeCursor<Position>(page);
  if (!pos || typeof pos !== "object" || pos.f !== fingerprint || !Number.isInteger(pos.o) || pos.o < 1)
    return fail(400, "page: the page cursor does not match this query; start again from the first page");
  if (pos.g !== state.generation)
    return fail(
      410,
      "page: the page cursor has expired because the data was refreshed; start again from the first page",
    );
  return pos.o;
}

export function nextCursor(fingerprint: string, offset: number, state: EnterpriseState): string {
  return encodeCursor({ f: fingerprint, o: offset, g: state.generation });
}

export const stamp = (ms: number) => new Date(ms).toISOString().replace(".000Z", "Z");
