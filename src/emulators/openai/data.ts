import { dayStartMs, daysBetween } from "../../usage/days.ts";
import { dayRng, int, type Org, type Person, pick, rng } from "../org.ts";

/**
 * Vendor-shaped records of the OpenAI Admin API (openai.md §2.2, §5.1), generated from the
 * synthetic org. Results are kept at the finest grain (one per day × user × model × project ×
 * key); the emulator groups them as `group_by` asks.
 */

export interface OpenAIUser {
  object: "organization.user";
  id: string;
  name: string | null;
  email: string | null;
  role: string | null;
  added_at: number;
  is_service_account?: boolean;
}

export interface CompletionsResult {
  object: "organization.usage.completions.result";
  /** Includes cached and cache-write tokens. */
  input_tokens: number;
  output_tokens: number;
  num_model_requests: number;
  input_cached_tokens?: number;
  /** Newer field set (spec of 2026-07) only. */
  input_cache_write_tokens?: number;
  input_uncached_tokens?: number;
  input_audio_tokens?: number;
  output_audio_tokens?: number;
  project_id: string | null;
  user_id: string | null;
  api_key_id: string | null;
  model: string | null;
  batch: boolean | null;
  service_tier?: string | null;
}

export interface DayResult {
  /** UTC day, YYYY-MM-DD. */
  day: string;
  result: CompletionsResult;
}

export interface OpenAIData {
  users: OpenAIUser[];
  results: DayResult[];
}

export interface ResultInput {
  userId: string | null;
  model: string;
  requests: number;
  /** Uncached input, excluding cache writes. */
  uncached: number;
  cached: number;
  cacheWrite?: number;
  output: number;
  /** "old": the 2025 field set (no cache-write breakdown); "new": with input_cache_write/uncached. */
  fields?: "old" | "new";
  projectId?: string;
  apiKeyId?: string;
}

/** A complete result from the few numbers that matter; tests and the generator use it. */
export function completionsResult(r: ResultInput): CompletionsResult {
  const write = r.fields === "old" ? 0 : (r.cacheWrite ?? 0);
  const result: CompletionsResult = {
    object: "organization.usage.completions.result",
    input_tokens: r.uncached + r.cached + write,
    output_tokens: r.output,
    num_model_requests: r.requests,
    input_cached_tokens: r.cached,
    input_audio_tokens: 0,
    output_audio_tokens: 0,
    project_id: r.projectId ?? "proj_default",
    user_id: r.userId,
    api_key_id: r.apiKeyId ?? "key_default",
    model: r.model,
    batch: false,
  };
  if (r.fields !== "old") {
    result.input_cache_write_tokens = write;
    result.input_uncached_tokens = r.uncached;
    result.service_tier = "default";
  }
  return result;
}

/**
 * Models with list prices (one dated id) and exactly one the price table does not know, an
 * internal deployment, so the demo shows the unpriced-model warning once, as a real run might.
 */
export const OPENAI_MODELS = [
  "gpt-5.3-codex",
  "gpt-5",
  "gpt-4.1-mini-2025-04-14",
  "o4-mini",
  "gpt-5-mini",
  "gpt-oss-internal",
];
const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

function randomId(rand: () => number, prefix: string, length: number): string {
  let s = prefix;
  for (let i = 0; i < length; i++) s += ALNUM[Math.floor(rand() * ALNUM.length)];
  return s;
}

function dayResult(rand: () => number, userId: string | null, model: string, intensity: number, day: string) {
  const requests = int(rand, 1, 5 + Math.round(300 * intensity));
  const prompt = requests * int(rand, 1_500, 6_000);
  const cached = Math.round(prompt * (0.3 + rand() * 0.6));
  const fields = rand() < 0.5 ? "new" : "old";
  const cacheWrite = fields === "new" ? Math.round((prompt - cached) * rand() * 0.3) : 0;
  const result = completionsResult({
    userId,
    model,
    requests,
    cached,
    cacheWrite,
    uncached: prompt - cached - cacheWrite,
    output: Math.round(requests * int(rand, 80, 900)),
    fields,
    projectId: pick(rand, ["proj_platform", "proj_codex"]),
    apiKeyId: userId ? `key_${userId.slice(-8)}` : "key_svc_ci",
  });
  return { day, result };
}

function toUser(person: Person, rand: () => number): OpenAIUser {
  return {
    object: "organization.user",
    id: person.openaiUserId,
    name: person.name,
    email: person.email,
    role: rand() < 0.2 ? "owner" : "reader",
    added_at: 1_700_000_000 + int(rand, 0, 40_000_000),
  };
}

/**
 * Usage of everyone whose tools include OpenAI, plus the awkward cases a real tenant has: a
 * user listed with `email: null`, a service account, an active user missing from the list
 * (removed), an upper-case email, and unattributed (`user_id: null`) usage on some days. Each day's
 * usage comes from its own generator (see dayRng).
 */
export function openaiData(org: Org, range: { since: string; until: string }, seed = org.seed): OpenAIData {
  const rand = rng((seed ^ 0x0a11ce55) >>> 0);
  const people = org.people.filter((p) => p.tools.includes("openai"));
  const days = daysBetween(range.since, range.until);

  const users = people.map((p) => toUser(p, rand));
  if (users[0]) users[0].email = users[0].email!.toUpperCase();
  if (users[1]) users[1].email = null;
  const removed = people.length > 2 ? people[people.length - 1]!.openaiUserId : undefined;
  const service: OpenAIUser = {
    object: "organization.user",
    id: randomId(rand, "user-", 24),
    name: "ci-service-account",
    email: null,
    role: "reader",
    added_at: 1_710_000_000,
    is_service_account: true,
  };
  const listed = users.filter((u) => u.id !== removed);
  listed.splice(Math.min(2, listed.length), 0, service);

  const results: DayResult[] = [];
  days.forEach((day, i) => {
    const dayRand = dayRng((seed ^ 0x0a11ce55) >>> 0, day);
    for (const person of people) {
      // The removed user is always active on the first day so the case is always present.
      const forced = person.openaiUserId === removed && i === 0;
      if (dayRand() >= person.activeShare && !forced) continue;
      const count = int(dayRand, 1, 2);
      const models = new Set<string>();
      while (models.size < count) models.add(pick(dayRand, OPENAI_MODELS));
      for (const model of models)
        results.push(dayResult(dayRand, person.openaiUserId, model, person.intensity, day));
    }
    if (i === 0 || dayRand() < 0.3)
      results.push(dayResult(dayRand, null, "gpt-4.1-mini-2025-04-14", 0.2, day));
    if (i % 3 === 0) results.push(dayResult(dayRand, service.id, "gpt-5", 0.3, day));
  });
  results.sort((a, b) => dayStartMs(a.day) - dayStartMs(b.day));
  return { users: listed, results };
}

/** What the OpenAI emulator serves and accepts. */
export interface OpenAIState {
  users: OpenAIUser[];
  /** Retrievable by id but absent from the list (e.g. deactivated). */
  unlistedUsers: OpenAIUser[];
  results: DayResult[];
  apiKeys: string[];
  now: () => Date;
  /** Caps result rows per usage page, splitting a bucket across pages (an open question upstream). */
  resultsPerPage?: number;
}
