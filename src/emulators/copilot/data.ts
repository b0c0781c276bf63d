import { daysBetween } from "../../usage/days.ts";
import { int, type Org, type Person, pick, rng } from "../org.ts";

/**
 * The synthetic organisation as GitHub Copilot sees it (copilot.md §3.4, §6): some of the people
 * hold a Copilot seat under a GitHub login, and each login is resolvable by exactly one step of
 * the identity chain (SAML nameId, SAML emails, SCIM username, verified-domain email, public
 * email) or by none, so every step is exercised.
 */

export type Resolution = "saml-nameid" | "saml-emails" | "scim" | "verified" | "public" | "none";
export const RESOLUTIONS: readonly Resolution[] = [
  "saml-nameid",
  "saml-emails",
  "scim",
  "verified",
  "public",
  "none",
];

export interface CopilotUser {
  login: string;
  userId: number;
  email: string;
  via: Resolution;
  person: Person;
}

interface Counters {
  user_initiated_interaction_count: number;
  code_generation_activity_count: number;
  code_acceptance_activity_count: number;
  loc_suggested_to_add_sum: number;
  loc_suggested_to_delete_sum: number;
  loc_added_sum: number;
  loc_deleted_sum: number;
}
export type ModelFeature = Counters & { model: string; feature: string };
export type FeatureTotal = Counters & { feature: string };

/** One users-1-day NDJSON object, as GitHub serves it (the emulator's own record). */
export interface UserDayRecord extends Counters {
  day: string;
  user_id: number;
  user_login: string;
  enterprise_id: string;
  organization_id: string;
  ai_credits_used?: number;
  used_agent: boolean;
  used_chat: boolean;
  used_cli: boolean;
  totals_by_ide: (Counters & { ide: string })[];
  totals_by_feature: FeatureTotal[];
  totals_by_language_feature: unknown[];
  totals_by_language_model: unknown[];
  totals_by_model_feature: ModelFeature[];
  totals_by_cli?: {
    session_count: number;
    request_count: number;
    prompt_count: number;
    token_usage: { prompt_tokens_sum: number; output_tokens_sum: number; avg_tokens_per_request: number };
  };
  ai_adoption_phase: { phase_number: number; phase: string; version: string };
}

/** A SAML or SCIM identity node of the GraphQL `externalIdentities` connection. */
export interface ExternalIdentityNode {
  guid: string;
  samlIdentity: { nameId: string | null; emails: { value: string }[] } | null;
  scimIdentity: { username: string | null } | null;
  user: { login: string } | null;
}

export interface CopilotData {
  org: string;
  enterprise: string;
  users: CopilotUser[];
  records: UserDayRecord[];
  identities: ExternalIdentityNode[];
  /** login → verified-domain emails in the org. */
  verified: Map<string, string[]>;
  /** login → public profile email (null when not public). */
  publicEmails: Map<string, string | null>;
}

export const EMULATED_ORG = "acme-corp";
export const EMULATED_ENTERPRISE = "acme";
export const CREDITS_FROM = "2026-06-19";
/** Model ids in both of GitHub's spellings, plus `auto`, `others` and `unknown` (copilot.md §3.5). */
export const MODELS = [
  "claude-sonnet-4.6",
  "claude-4.6-sonnet",
  "gpt-5.3-codex",
  "gpt-5-mini",
  "auto",
  "others",
  "unknown",
] as const;
const FEATURES = ["chat_panel_agent_mode", "chat_panel_ask_mode", "agent_edit", "code_completion"] as const;

export function copilotData(org: Org, range: { since: string; until: string }): CopilotData {
  const rand = rng(org.seed ^ 0x6c0b11);
  const users: CopilotUser[] = [];
  org.people.forEach((person, i) => {
    // About two thirds of the organisation hold a Copilot seat; the first six cover every step.
    if (i >= RESOLUTIONS.length && rand() > 0.65) return;
    const via = RESOLUTIONS[users.length % RESOLUTIONS.length]!;
    const local = person.email.split("@")[0]!.replace(/\./g, "-");
    // SCIM-provisioned (EMU-style) logins carry the enterprise short code.
    const login = via === "scim" ? `${local}_acme` : local;
    users.push({ login, userId: 1000 + i, email: person.email, via, person });
  });

  const identities: ExternalIdentityNode[] = [];
  const verified = new Map<string, string[]>();
  const publicEmails = new Map<string, string | null>();
  for (const u of users) {
    const guid = `guid-${u.userId}`;
    // Display-cased on purpose: emails are compared lower-cased.
    const shown = u.email.replace(/^./, (c) => c.toUpperCase());
    if (u.via === "saml-nameid")
      identities.push({
        guid,
        samlIdentity: { nameId: shown, emails: [] },
        scimIdentity: null,
        user: { login: u.login },
      });
    if (u.via === "saml-emails")
      identities.push({
        guid,
        samlIdentity: { nameId: `EMP-${u.userId}`, emails: [{ value: u.email }] },
        scimIdentity: null,
        user: { login: u.login },
      });
    if (u.via === "scim")
      identities.push({
        guid,
        samlIdentity: null,
        scimIdentity: { username: u.email },
        user: { login: u.login },
      });
    if (u.via === "verified") verified.set(u.login, [u.email]);
    // Later steps see personal addresses: resolving in the wrong order would pick them.
    publicEmails.set(
      u.login,
      u.via === "public" ? u.email : u.via === "verified" ? `${u.login}@personal.example` : null,
    );
  }
  // An invitation never accepted: an identity without a GitHub user.
  identities.push({
    guid: "guid-pending",
    samlIdentity: { nameId: "new.hire@company.com", emails: [] },
    scimIdentity: null,
    user: null,
  });

  const records: UserDayRecord[] = [];
  for (const day of daysBetween(range.since, range.until))
    for (const u of users) {
      if (rand() > u.person.activeShare) continue;
      records.push(userDay(rand, u, day));
    }
  return {
    org: EMULATED_ORG,
    enterprise: EMULATED_ENTERPRISE,
    users,
    records,
    identities,
    verified,
    publicEmails,
  };
}

function counters(rand: () => number, scale: number, interactions: boolean): Counters {
  const gen = int(rand, 0, Math.ceil(30 * scale) + 1);
  return {
    user_initiated_interaction_count: interactions ? int(rand, 1, Math.ceil(25 * scale) + 1) : 0,
    code_generation_activity_count: gen,
    code_acceptance_activity_count: int(rand, 0, gen),
    loc_suggested_to_add_sum: int(rand, 0, 400),
    loc_suggested_to_delete_sum: 0,
    loc_added_sum: int(rand, 0, Math.ceil(500 * scale)),
    loc_deleted_sum: int(rand, 0, Math.ceil(120 * scale)),
  };
}

const COUNTER_KEYS = [
  "user_initiated_interaction_count",
  "code_generation_activity_count",
  "code_acceptance_activity_count",
  "loc_suggested_to_add_sum",
  "loc_suggested_to_delete_sum",
  "loc_added_sum",
  "loc_deleted_sum",
] as const;

function zeroCounters(): Counters {
  return Object.fromEntries(COUNTER_KEYS.map((k) => [k, 0])) as unknown as Counters;
}

function add(into: Counters, c: Counters): void {
  for (const k of COUNTER_KEYS) into[k] += c[k];
}

function userDay(rand: () => number, u: CopilotUser, day: string): UserDayRecord {
  const scale = u.person.intensity;
  const entries: ModelFeature[] = [];
  for (let n = int(rand, 1, 3); n > 0; n--) {
    const feature = pick(rand, FEATURES);
    entries.push({
      model: pick(rand, MODELS),
      feature,
      ...counters(rand, scale, feature !== "code_completion"),
    });
  }
  const top = counters(rand, 0, false);
  for (const e of entries) add(top, e);
  // Some activity the per-model split does not cover (completions, unclassified): the remainder.
  top.user_initiated_interaction_count += int(rand, 0, 3);
  const cliDay = rand() < 0.35;
  // Mode A: CLI prompts inside the top-level count and a copilot_cli entry (sample data);
  // mode B: only in totals_by_cli (the documentation's example).
  const cliInFeatures = cliDay && rand() < 0.5;
  const prompts = cliDay ? int(rand, 1, 30) : 0;
  if (cliInFeatures) {
    const cli = { ...counters(rand, scale, false), user_initiated_interaction_count: prompts };
    entries.push({ model: pick(rand, MODELS), feature: "copilot_cli", ...cli });
    add(top, cli);
  }
  const byFeature = new Map<string, FeatureTotal>();
  for (const e of entries) {
    const f = byFeature.get(e.feature) ?? { feature: e.feature, ...zeroCounters() };
    add(f, e);
    byFeature.set(e.feature, f);
  }
  // Server-telemetry-only days: counters without a per-model breakdown.
  const bare = rand() < 0.1;
  const input = int(rand, 10_000, 3_000_000);
  const output = int(rand, 1_000, 80_000);
  const record: UserDayRecord = {
    day,
    user_id: u.userId,
    user_login: u.login,
    enterprise_id: "200001",
    organization_id: "100000001",
    ...top,
    used_agent: entries.some((e) => e.feature.includes("agent")),
    used_chat: entries.some((e) => e.feature.startsWith("chat")),
    used_cli: cliDay,
    totals_by_ide: [{ ide: "vscode", ...top }],
    totals_by_feature: bare ? [] : [...byFeature.values()],
    totals_by_language_feature: [],
    totals_by_language_model: [],
    totals_by_model_feature: bare ? [] : entries,
    ai_adoption_phase: { phase_number: 2, phase: "Phase 2", version: "v1" },
  };
  if (bare && cliInFeatures) record.totals_by_feature = [byFeature.get("copilot_cli")!];
  if (cliDay)
    record.totals_by_cli = {
      session_count: int(rand, 1, 4),
      request_count: prompts * int(rand, 2, 8),
      prompt_count: prompts,
      token_usage: { prompt_tokens_sum: input, output_tokens_sum: output, avg_tokens_per_request: 0 },
    };
  // Whole hundredths of a credit, so the records' own sums are exact.
  if (day >= CREDITS_FROM) record.ai_credits_used = int(rand, 0, 4000) / 100;
  return record;
}
