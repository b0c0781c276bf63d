import { daysBetween } from "../../usage/days.ts";
import { int, type Org, type Person, pick, rng } from "../org.ts";

/**
 * Codex Analytics records (codex-analytics.md §4), generated from the synthetic org. They are kept
 * at the finest grain (day × user × client × model × speed); the emulator groups them per user and
 * bucket as the query asks. Credits follow the rate card, so they are always held as integer
 * micro-credits and every figure a test sums is exact.
 */

export interface CodexUser {
  userId: string;
  /** The user's email; where the API shows it depends on `emailIn`. */
  email: string | null;
  /** `actor`: actor.email; `top`: only the legacy top-level email; `none`: withheld by the workspace. */
  emailIn: "actor" | "top" | "both" | "none";
}

export interface CodexRecord {
  /** UTC day, YYYY-MM-DD. */
  day: string;
  userId: string;
  client: string;
  model: string;
  speed: "standard" | "fast";
  threads: number;
  turns: number;
  uncached: number;
  cached: number;
  output: number;
  /** Credits × 1e6. */
  microCredits: number;
  /** Usage billed in dollars outside the credit pool (`cost_usd`), in nano-dollars; usually 0. */
  costUsdNanos?: number;
}

export interface CodexData {
  users: CodexUser[];
  records: CodexRecord[];
}

/** Rate card in thousandths of a credit per 1M tokens: input, cached input, output. */
export const RATE_CARD: Record<string, [number, number, number]> = {
  "gpt-5.5": [125_000, 12_500, 750_000],
  "gpt-5.4": [62_500, 6_250, 375_000],
  "gpt-5.4-mini": [18_750, 1_875, 113_000],
  "gpt-5.3-codex": [43_750, 4_375, 350_000],
};
export const CODEX_MODELS = Object.keys(RATE_CARD);
export const CODEX_CLIENTS = [
  "CODEX_CLI",
  "CODEX_IDE_VSCODE",
  "CODEX_DESKTOP_APP",
  "CODEX_WEB",
  "CODEX_GITHUB",
  "CODEX_SDK_TS",
  "CODEX_UNKNOWN_DEFAULT",
];

/**
 * Micro-credits of some usage: tokens are whole thousands, so tokens/1000 × (milli-credits per 1M)
 * is exactly the micro-credits. Fast mode costs twice as much.
 */
export function microCreditsOf(
  model: string,
  speed: "standard" | "fast",
  t: { uncached: number; cached: number; output: number },
) {
  const [input, cachedRate, output] = RATE_CARD[model] ?? RATE_CARD["gpt-5.5"]!;
  const sum = (t.uncached / 1000) * input + (t.cached / 1000) * cachedRate + (t.output / 1000) * output;
  return (speed === "fast" ? 2 : 1) * sum;
}

/** One record from the few numbers that matter; tests and the generator use it. */
export function codexRecord(
  r: Omit<CodexRecord, "microCredits" | "speed" | "threads"> & Partial<CodexRecord>,
): CodexRecord {
  const speed = r.speed ?? "standard";
  return {
    threads: r.threads ?? Math.max(1, Math.ceil(r.turns / 5)),
    speed,
    ...r,
    microCredits: r.microCredits ?? microCreditsOf(r.model, speed, r),
  };
}

/** Who uses Codex on a seat: many OpenAI API users (so both platforms hold them) and a few others. */
export function codexPeople(org: Org): Person[] {
  const rand = rng((org.seed ^ 0xc0de5eed) >>> 0);
  return org.people.filter((p) => {
    const r = rand();
    if (p.tools.includes("codex")) return true;
    return p.tools.includes("openai") ? r < 0.6 : r < 0.15;
  });
}

const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/**
 * Seat usage of the org's Codex users over `range`, with the awkward cases a real workspace has:
 * an email shown only at the top level, a withheld email (keyed by user id), an upper-case email,
 * fast-mode usage, several clients and models on one day.
 */
export function codexData(org: Org, range: { since: string; until: string }, seed = org.seed): CodexData {
  const rand = rng((seed ^ 0x5eedc0de) >>> 0);
  const people = codexPeople(org);
  const users: CodexUser[] = people.map((p, i) => {
    let userId = "user-";
    for (let k = 0; k < 12; k++) userId += ALNUM[Math.floor(rand() * ALNUM.length)];
    const emailIn = i === 1 ? "none" : i === 2 ? "top" : i % 4 === 3 ? "both" : "actor";
    return { userId, email: i === 0 ? p.email.toUpperCase() : p.email, emailIn };
  });
  const records: CodexRecord[] = [];
  for (const day of daysBetween(range.since, range.until)) {
    people.forEach((person, i) => {
      if (rand() >= person.activeShare) return;
      const clients = new Set([pick(rand, CODEX_CLIENTS)]);
      if (rand() < 0.4) clients.add(pick(rand, CODEX_CLIENTS));
      for (const client of clients) {
        const model = rand() < 0.7 ? "gpt-5.5" : pick(rand, CODEX_MODELS);
        const turns = int(rand, 1, 3 + Math.round(60 * person.intensity));
        const uncached = turns * int(rand, 2, 20) * 1000;
        records.push(
          codexRecord({
            day,
            userId: users[i]!.userId,
            client,
            model,
            speed: rand() < 0.15 ? "fast" : "standard",
            turns,
            uncached,
            cached: uncached * int(rand, 2, 9),
            output: turns * int(rand, 1, 4) * 1000,
          }),
        );
      }
    });
  }
  return { users, records };
}
