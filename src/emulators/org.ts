import type { PlatformId } from "../usage/types.ts";

/**
 * A seeded synthetic organisation: people, which tools each uses and how heavily. Each vendor
 * emulator turns it into its own records (src/emulators/<vendor>/data.ts), so the same person
 * shows up under the same email across vendors and the merge can be checked.
 */

export interface Person {
  name: string;
  email: string;
  /** OpenAI user id (`user-` + 24 alphanumerics). */
  openaiUserId: string;
  /** Cursor user id. */
  cursorUserId: string;
  tools: PlatformId[];
  /** 0.05 (light) … 1 (heavy): scales how much usage the person has. */
  intensity: number;
  /** Chance of being active on a given day. */
  activeShare: number;
}

export interface Org {
  seed: number;
  people: Person[];
}

export interface OrgOptions {
  seed?: number;
  people?: number;
  /** The people's email domain (default company.com), so two organisations never share a person. */
  domain?: string;
}

/** mulberry32: small, fast, deterministic. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A generator for one UTC day: a day's usage depends on the seed and the day only, so the same day
 * looks the same in every window, and a different window shows different numbers (as a real
 * organisation's would).
 */
export function dayRng(seed: number, day: string): () => number {
  let h = 0x811c9dc5 ^ (seed >>> 0); // FNV-1a over the day, started from the seed
  for (let i = 0; i < day.length; i++) h = Math.imul(h ^ day.charCodeAt(i), 0x01000193) >>> 0;
  return rng(h);
}

export function pick<T>(rand: () => number, items: readonly T[]): T {
  return items[Math.floor(rand() * items.length)]!;
}

export function int(rand: () => number, min: number, max: number): number {
  return min + Math.floor(rand() * (max - min + 1));
}

const FIRST = [
  "alice",
  "bob",
  "carol",
  "dave",
  "erin",
  "frank",
  "grace",
  "heidi",
  "ivan",
  "judy",
  "mallory",
  "niaj",
  "olivia",
  "peggy",
  "rupert",
  "sybil",
  "trent",
  "victor",
  "walter",
  "yara",
  "zoe",
  "amir",
  "bea",
  "chen",
  "dmitri",
  "elif",
  "fatima",
  "goran",
  "hana",
  "ines",
  "jonas",
  "kofi",
  "lena",
  "mateo",
  "noor",
  "oskar",
];
const LAST = ["smith", "nguyen", "garcia", "kim", "okafor", "rossi", "schmidt", "tanaka", "silva", "cohen"];
const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

function id(rand: () => number, length: number): string {
  let s = "";
  for (let i = 0; i < length; i++) s += ALNUM[Math.floor(rand() * ALNUM.length)];
  return s;
}

/** Tool mixes weighted so most people use one or two tools and some use all three. */
const MIXES: PlatformId[][] = [
  ["claude"],
  ["claude"],
  ["openai"],
  ["cursor"],
  ["cursor"],
  ["claude", "cursor"],
  ["claude", "cursor"],
  ["claude", "openai"],
  ["openai", "cursor"],
  ["claude", "openai", "cursor"],
];

export function generateOrg(options: OrgOptions = {}): Org {
  const seed = options.seed ?? 42;
  const count = options.people ?? 40;
  const rand = rng(seed);
  const people: Person[] = [];
  const used = new Set<string>();
  for (let i = 0; i < count; i++) {
    let local = `${pick(rand, FIRST)}.${pick(rand, LAST)}`;
    while (used.has(local)) local = `${local}${int(rand, 2, 99)}`;
    used.add(local);
    // A long tail: a few heavy users, many light ones.
    const intensity = Math.max(0.05, rand() ** 2.5);
    people.push({
      name: local
        .split(".")
        .map((p) => p[0]!.toUpperCase() + p.slice(1))
        .join(" "),
      email: `${local}@${options.domain ?? "company.com"}`,
      openaiUserId: `user-${id(rand, 24)}`,
      cursorUserId: `user_${id(rand, 26)}`,
      tools: pick(rand, MIXES),
      intensity,
      activeShare: 0.3 + rand() * 0.65,
    });
  }
  return { seed, people };
}
