import { DAY_MS, dayStartMs, daysBetween } from "../../usage/days.ts";
import { dayRng, int, type Org, pick } from "../org.ts";

/** Wire shapes of Cursor's Admin API (api/cursor.md §3.1, §3.4), as the emulator serves them. */
export interface TeamMember {
  id: string;
  name: string;
  email: string;
  role: string;
  isRemoved: boolean;
}

export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
  cacheWriteTokens: number;
  cacheReadTokens: number;
  totalCents: number;
  discountPercentOff?: number;
}

export interface UsageEvent {
  /** Epoch ms as a string, as the API sends it. */
  timestamp: string;
  userEmail?: string;
  serviceAccountId?: string;
  serviceAccountName?: string;
  conversationId?: string;
  model: string;
  kind: string;
  maxMode: boolean;
  requestsCosts: number;
  isTokenBasedCall: boolean;
  isChargeable?: boolean;
  isHeadless?: boolean;
  tokenUsage?: TokenUsage;
  chargedCents?: number;
  cursorTokenFee?: number;
}

export interface CursorData {
  /** Active members plus the removed one (`isRemoved: true`; /teams/members leaves it out). */
  members: TeamMember[];
  /** Newest first, timestamps unique. */
  events: UsageEvent[];
}

export const MODELS = ["claude-4.5-sonnet", "gpt-5", "default", "claude-4-sonnet-thinking"] as const;
export const SERVICE_ACCOUNT = {
  id: "sa_nightly01",
  name: "Nightly CI Agent",
  email: "agent-runner@company.com",
};
export const REMOVED_MEMBER: TeamMember = {
  id: "user_removedFormerEngineer0001",
  name: "Former Engineer",
  email: "former.engineer@company.com",
  role: "member",
  isRemoved: true,
};

/** Who made an event: a member's email as the API shows it, the service account, or a removed user. */
export type Actor = { email: string } | { serviceAccount: true } | { removed: true };

const round = (x: number, digits = 6) => Math.round(x * 10 ** digits) / 10 ** digits;
const hex8 = (rand: () => number) =>
  Math.floor(rand() * 0x1_0000_0000)
    .toString(16)
    .padStart(8, "0");

/** A `tokenUsage` object in the API's field order (input, output, cache write, cache read, cents). */
export function tokenUsage(
  input: number,
  output: number,
  cacheWrite: number,
  cacheRead: number,
  totalCents: number,
): TokenUsage {
  return {
    inputTokens: input,
    outputTokens: output,
    cacheWriteTokens: cacheWrite,
    cacheReadTokens: cacheRead,
    totalCents,
  };
}

function uuid(rand: () => number): string {
  const s = hex8(rand) + hex8(rand) + hex8(rand) + hex8(rand);
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-4${s.slice(13, 16)}-a${s.slice(17, 20)}-${s.slice(20)}`;
}

/** One event with realistic money arithmetic: chargedCents = totalCents×(1−discount/100)+fee. */
export function makeEvent(rand: () => number, timestampMs: number, actor: Actor): UsageEvent {
  const model = pick(rand, MODELS);
  const r = rand();
  const kind =
    r < 0.05
      ? "Errored, Not Charged"
      : r < 0.08
        ? "Aborted, Not Charged"
        : r < 0.55
          ? "Included in Business"
          : "Usage-based";
  const event: UsageEvent = {
    timestamp: String(timestampMs),
    model,
    kind,
    maxMode: rand() < 0.2,
    requestsCosts: pick(rand, [0.5, 1, 1.4, 2, 5]),
    isTokenBasedCall: rand() < 0.85,
    isChargeable: kind === "Usage-based",
    isHeadless: "serviceAccount" in actor,
  };
  if ("email" in actor) event.userEmail = actor.email;
  if ("serviceAccount" in actor) {
    event.userEmail = SERVICE_ACCOUNT.email;
    event.serviceAccountId = SERVICE_ACCOUNT.id;
    event.serviceAccountName = SERVICE_ACCOUNT.name;
  }
  if (rand() < 0.7) event.conversationId = uuid(rand);
  if (event.isTokenBasedCall) {
    const usage: TokenUsage = {
      inputTokens: int(rand, 100, 20_000),
      outputTokens: int(rand, 50, 4_000),
      cacheWriteTokens: int(rand, 0, 15_000),
      cacheReadTokens: int(rand, 0, 60_000),
      totalCents: 0,
    };
    usage.totalCents = round(
      usage.inputTokens * 0.0003 +
        usage.outputTokens * 0.0015 +
        usage.cacheWriteTokens * 0.000375 +
        usage.cacheReadTokens * 0.00003,
      5,
    );
    const discount = rand() < 0.2 ? 10 : 0;
    if (discount) usage.discountPercentOff = discount;
    event.tokenUsage = usage;
    // The Cursor Token Rate applies to third-party models only; "default" (Auto) here stays in-house.
    const tokens = usage.inputTokens + usage.outputTokens + usage.cacheWriteTokens + usage.cacheReadTokens;
    const fee = model === "default" ? 0 : round(tokens * 0.000025, 6);
    if (fee) event.cursorTokenFee = fee;
    event.chargedCents = round(usage.totalCents * (1 - discount / 100) + fee);
  } else {
    event.chargedCents = pick(rand, [2, 4, 8]);
  }
  return event;
}

/** `alice.smith@company.com` → `Alice.Smith@Company.com`: the API does not normalise case. */
function mixedCase(email: string): string {
  return email.replace(/(^|[.@])([a-z])/g, (_, sep: string, ch: string) => sep + ch.toUpperCase());
}

/**
 * The Cursor side of an organisation over `range`: members for people who use Cursor, and
 * their usage events, plus the traps of api/cursor.md — a service account, an event whose
 * `serviceAccountId` is the string "null", a removed user without `userEmail`, older-tenant
 * events without `chargedCents`, mixed-case emails, errored/aborted events that carry cents.
 */
export function cursorData(org: Org, range: { since: string; until: string }, seed = org.seed): CursorData {
  const users = org.people.filter((p) => p.tools.includes("cursor"));
  const members: TeamMember[] = users.map((p, i) => ({
    id: p.cursorUserId,
    name: p.name,
    email: p.email,
    role: i === 0 ? "owner" : "member",
    isRemoved: false,
  }));
  members.push(REMOVED_MEMBER);

  const used = new Set<number>();
  const stamp = (rand: () => number, day: string) => {
    const start = dayStartMs(day);
    let offset = int(rand, 0, DAY_MS - 1);
    // Unique timestamps, so no two events share a fingerprint and totals are exact.
    while (used.has(start + offset)) offset = (offset + 1) % DAY_MS;
    used.add(start + offset);
    return start + offset;
  };

  const events: UsageEvent[] = [];
  let olderTenant = 0;
  let nullString = 0;
  for (const day of daysBetween(range.since, range.until)) {
    // Each day from its own generator (see dayRng); members and ids above stay fixed.
    const rand = dayRng(seed ^ 0x5eed_c0de, day);
    users.forEach((person, index) => {
      if (rand() >= person.activeShare) return;
      const n = int(rand, 1, 2 + Math.round(person.intensity * 8));
      // The second Cursor user's events show the email in mixed case.
      const email = index === 1 ? mixedCase(person.email) : person.email;
      for (let k = 0; k < n; k++) {
        const event = makeEvent(rand, stamp(rand, day), { email });
        if (olderTenant < 2 && event.tokenUsage && !/errored|aborted/i.test(event.kind)) {
          // 2025 tenants had no chargedCents: the client must use totalCents + cursorTokenFee.
          delete event.chargedCents;
          olderTenant++;
        } else if (nullString < 1) {
          event.serviceAccountId = "null";
          nullString++;
        }
        events.push(event);
      }
    });
    if (rand() < 0.5) events.push(makeEvent(rand, stamp(rand, day), { serviceAccount: true }));
    if (rand() < 0.3) events.push(makeEvent(rand, stamp(rand, day), { removed: true }));
  }
  events.sort((a, b) => Number(b.timestamp) - Number(a.timestamp));
  return { members, events };
}
