import { createHash } from "node:crypto";
import { daysBetween } from "../../usage/days.ts";
import { int, type Org, type Person, pick, rng } from "../org.ts";

/**
 * What the Enterprise Analytics API counts, one record per (seat user, day, model, product), from
 * which the routes build the ranked report rows (claude-enterprise.md §3–4). Money is integer
 * micro-cents (10^-6 cent), written on the wire as a 6-decimal string of cents.
 */

export interface SeatActor {
  user_id: string;
  email: string | null;
  name: string | null;
  deleted: boolean;
}

export interface SeatRecord {
  actor: SeatActor;
  day: string;
  model: string | null;
  product: string | null;
  uncached: number;
  cacheRead: number;
  cache5m: number;
  cache1h: number;
  output: number;
  requests: number;
  webSearches: number;
  /** Post-discount cost, micro-cents. */
  amount: number;
  /** List-price cost, micro-cents. */
  listAmount: number;
}

/** List prices in cents per 1M tokens (pricing.md): input, output; reads 0.1×, 5m writes 1.25×, 1h 2× input. */
const PRICES: Record<string, { input: number; output: number }> = {
  "claude-opus-4-8": { input: 500, output: 2500 },
  "claude-sonnet-5": { input: 200, output: 1000 },
  "claude-sonnet-4-6": { input: 300, output: 1500 },
  "claude-haiku-4-5": { input: 100, output: 500 },
};
const MODELS = Object.keys(PRICES);
/** The negotiated discount, in percent, applied to `amount`. */
export const DISCOUNT_PERCENT = 10;

/** tokens × cents per 1M tokens = micro-cents, exactly. */
export function listMicroCents(
  model: string | null,
  t: Pick<SeatRecord, "uncached" | "cacheRead" | "cache5m" | "cache1h" | "output">,
) {
  const p = PRICES[model ?? ""] ?? { input: 300, output: 1500 };
  return (
    t.uncached * p.input +
    (t.cacheRead * p.input) / 10 +
    (t.cache5m * p.input * 5) / 4 +
    t.cache1h * p.input * 2 +
    t.output * p.output
  );
}

export const TOKEN_TYPES = [
  "uncached_input_tokens",
  "output_tokens",
  "cache_read_input_tokens",
  "cache_creation.ephemeral_5m_input_tokens",
  "cache_creation.ephemeral_1h_input_tokens",
] as const;

/**
 * A record's cost by token type (in TOKEN_TYPES order): list parts exactly, and `amount` split in
 * proportion to them so the parts sum to it exactly.
 */
export function costByTokenType(r: SeatRecord): { amount: number[]; list: number[] } {
  const p = PRICES[r.model ?? ""] ?? { input: 300, output: 1500 };
  const list = [
    r.uncached * p.input,
    r.output * p.output,
    (r.cacheRead * p.input) / 10,
    (r.cache5m * p.input * 5) / 4,
    r.cache1h * p.input * 2,
  ];
  const total = list.reduce((a, b) => a + b, 0);
  const listParts = list.map(Math.round);
  listParts[list.indexOf(Math.max(...list))]! += r.listAmount - listParts.reduce((a, b) => a + b, 0);
  if (total === 0) return { amount: [r.amount, 0, 0, 0, 0], list: listParts };
  const parts = list.map((x) => Math.floor((r.amount * x) / total));
  parts[list.indexOf(Math.max(...list))]! += r.amount - parts.reduce((a, b) => a + b, 0);
  return { amount: parts, list: listParts };
}

export function userId(seed: string): string {
  return `user_01${createHash("sha256").update(seed).digest("base64url").replace(/[-_]/g, "x").slice(0, 22)}`;
}

export interface RecordInput {
  actor: SeatActor;
  day: string;
  model: string | null;
  product?: string | null;
  uncached: number;
  cacheRead?: number;
  cache5m?: number;
  cache1h?: number;
  output: number;
  requests: number;
  /** Micro-cents; default: list price less the discount. */
  amount?: number;
}

/** A complete record from the numbers that matter; tests and the generator use it. */
export function seatRecord(r: RecordInput): SeatRecord {
  const tokens = {
    uncached: r.uncached,
    cacheRead: r.cacheRead ?? 0,
    cache5m: r.cache5m ?? 0,
    cache1h: r.cache1h ?? 0,
    output: r.output,
  };
  const listAmount = Math.round(listMicroCents(r.model, tokens));
  return {
    actor: r.actor,
    day: r.day,
    model: r.model,
    product: r.product === undefined ? "claude_code" : r.product,
    ...tokens,
    requests: r.requests,
    webSearches: 0,
    listAmount,
    amount: r.amount ?? Math.round((listAmount * (100 - DISCOUNT_PERCENT)) / 100),
  };
}

export function actorFor(person: Pick<Person, "email" | "name">, deleted = false): SeatActor {
  return { user_id: userId(person.email), email: person.email, name: person.name, deleted };
}

/**
 * Who is on an Enterprise seat: every other person who also uses Claude Code on an API key (so
 * some people have both routes and some the API only), and every third person who does not (seat
 * only). Deterministic, so tests and the demo can name them.
 */
export function seatPeople(org: Org): Person[] {
  let claude = 0;
  let other = 0;
  return org.people.filter((p) => (p.tools.includes("claude") ? claude++ % 2 === 0 : other++ % 3 === 0));
}

/** Accounts without a usable email, as the API shows them. */
export const SPECIAL_ACTORS: SeatActor[] = [
  { user_id: userId("removed"), email: "former.member@company.com", name: "Former Member", deleted: true },
  { user_id: userId("deleted"), email: null, name: "Deleted User", deleted: true },
  { user_id: userId("service"), email: null, name: "Claude Security", deleted: false },
];

function usage(rand: () => number, intensity: number) {
  const uncached = Math.round(int(rand, 5_000, 200_000) * intensity) + 200;
  return {
    uncached,
    cacheRead: Math.round(uncached * (3 + rand() * 12)),
    cache5m: Math.round(uncached * rand() * 0.4),
    cache1h: rand() < 0.4 ? Math.round(uncached * rand() * 0.2) : 0,
    output: Math.round(uncached * (0.1 + rand() * 0.3)),
    requests: int(rand, 3, 20 + Math.round(200 * intensity)),
  };
}

/**
 * Seat usage of the org over `range`: Claude Code per model, plus chat and cowork usage and
 * code-execution rows (`product: null`, no model) that the `products[]=claude_code` filter must
 * leave out, plus a removed member, a deleted account and a service account.
 */
export function enterpriseData(
  org: Org,
  range: { since: string; until: string },
  seed = org.seed,
): SeatRecord[] {
  const rand = rng((seed ^ 0x5ea7ba5e) >>> 0);
  const days = daysBetween(range.since, range.until);
  const records: SeatRecord[] = [];
  const people = seatPeople(org).map((p) => ({
    actor: actorFor(p),
    intensity: p.intensity,
    share: p.activeShare,
  }));
  const specials = SPECIAL_ACTORS.map((actor) => ({ actor, intensity: 0.2, share: 0.3 }));
  for (const who of [...people, ...specials]) {
    for (const day of days) {
      if (rand() >= who.share) continue;
      const models = new Set([pick(rand, MODELS)]);
      if (rand() < 0.4) models.add(pick(rand, MODELS));
      for (const model of models)
        records.push(seatRecord({ actor: who.actor, day, model, ...usage(rand, who.intensity) }));
      if (rand() < 0.3)
        records.push(
          seatRecord({
            actor: who.actor,
            day,
            model: pick(rand, MODELS),
            product: pick(rand, ["chat", "chat", "cowork", "claude-in-slack", "other"]),
            ...usage(rand, 0.1),
          }),
        );
      if (rand() < 0.1)
        records.push(seatRecord({ actor: who.actor, day, model: null, product: null, ...usage(rand, 0.02) }));
    }
  }
  return records;
}

/**
 * A legacy seat-based plan reports only usage credits: what each person used beyond the monthly
 * allowance of their seat. Records of a month are taken in day order; those within the allowance
 * vanish and the one that crosses it keeps only its excess (tokens and cost scaled alike).
 */
export function extraUsageOnly(records: readonly SeatRecord[], allowanceTokens: number): SeatRecord[] {
  const used = new Map<string, number>();
  const out: SeatRecord[] = [];
  const sorted = [...records].sort((a, b) => a.day.localeCompare(b.day));
  for (const r of sorted) {
    const key = `${r.actor.user_id} ${r.day.slice(0, 7)}`;
    const before = used.get(key) ?? 0;
    const total = r.uncached + r.cacheRead + r.cache5m + r.cache1h + r.output;
    used.set(key, before + total);
    const excess = before + total - Math.max(before, allowanceTokens);
    if (excess <= 0) continue;
    if (excess === total) {
      out.push(r);
      continue;
    }
    const f = excess / total;
    const scaled = seatRecord({
      actor: r.actor,
      day: r.day,
      model: r.model,
      product: r.product,
      uncached: Math.round(r.uncached * f),
      cacheRead: Math.round(r.cacheRead * f),
      cache5m: Math.round(r.cache5m * f),
      cache1h: Math.round(r.cache1h * f),
      output: Math.round(r.output * f),
      requests: Math.max(1, Math.round(r.requests * f)),
    });
    out.push(scaled);
  }
  return out;
}
