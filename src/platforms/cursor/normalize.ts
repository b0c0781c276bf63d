import { normalizeEmail } from "../../identity/email.ts";
import { centsToNanos } from "../../usage/money.ts";
import { hasher } from "./dedupe.ts";
import type { CursorEvent } from "./schema.ts";

/** Label for events of users who were removed from the team: the API drops their `userEmail`. */
export const REMOVED_USER = "(removed user)";
/** Label for events that name no model, so they still count. */
export const NO_MODEL = "(none)";

export interface EventIdentity {
  identity: string;
  email: string | null;
}

/** "Errored, Not Charged" / "Aborted, Not Charged": counted nowhere, whatever their chargedCents. */
export function isExcluded(event: Pick<CursorEvent, "kind">): boolean {
  return /errored|aborted/i.test(event.kind ?? "");
}

/** A service account whose id is present and not the string "null" (seen in real data). */
function serviceAccountId(event: CursorEvent): string | undefined {
  const id = event.serviceAccountId?.trim();
  return id && id.toLowerCase() !== "null" ? id : undefined;
}

/**
 * Who an event belongs to: a service account first (it may also carry a runner's email), then the
 * lower-cased, trimmed email, else a removed user (api/cursor.md F3).
 */
export function identityOf(event: CursorEvent): EventIdentity {
  const sa = serviceAccountId(event);
  if (sa) return { identity: `service-account:${event.serviceAccountName?.trim() || sa}`, email: null };
  const email = normalizeEmail(event.userEmail);
  if (email) return { identity: email, email };
  return { identity: REMOVED_USER, email: null };
}

/**
 * `chargedCents` (discounts and the Cursor Token Rate included); 2025 tenants without it:
 * `tokenUsage.totalCents + cursorTokenFee` (cursor.md §11.2). Each part is rounded to whole
 * nano-dollars on its own so sums stay integer.
 */
export function eventCostNanos(event: CursorEvent): number {
  if (event.chargedCents != null) return centsToNanos(event.chargedCents);
  return centsToNanos(event.tokenUsage?.totalCents ?? 0) + centsToNanos(event.cursorTokenFee ?? 0);
}

/**
 * The 52-bit fingerprint of the fields that tell two events apart (they have no id): timestamp,
 * user or service account, model, kind, charged cents, conversation, token numbers. Numbers go in
 * by their bits; the email, model and kind, which repeat, by their hash52 (`""` for a missing
 * one), which the caller works out once per distinct value.
 */
export function fingerprint(
  event: CursorEvent,
  ms: number,
  email: number,
  model: number,
  kind: number,
): number {
  hasher.start();
  hasher.number(ms);
  hasher.number(email);
  hasher.text(event.serviceAccountId ?? "");
  hasher.number(model);
  hasher.number(kind);
  hasher.number(event.chargedCents ?? -1);
  hasher.text(event.conversationId ?? "");
  const t = event.tokenUsage;
  if (t) {
    hasher.number(t.inputTokens);
    hasher.number(t.outputTokens);
    hasher.number(t.cacheWriteTokens);
    hasher.number(t.cacheReadTokens);
    hasher.number(t.totalCents ?? -1);
  }
  return hasher.finish();
}
