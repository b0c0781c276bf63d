import { daysBetween } from "../../usage/days.ts";
import { dayRng, int, type Org, type Person, pick } from "../org.ts";

/**
 * Vendor-shaped records of `GET /v1/organizations/usage_report/claude_code` (anthropic.md §3.2),
 * generated from the synthetic org. Fields that older responses lack are optional here, so
 * handcrafted test records can leave them out too.
 */

export interface ClaudeCodeModelUsage {
  model: string;
  tokens: { input: number; output: number; cache_read: number; cache_creation: number };
  estimated_cost: { amount: number; currency: string };
}

export type ClaudeCodeActor =
  | { type: "user_actor"; email_address: string }
  | { type: "api_actor"; api_key_name: string };

export interface ClaudeCodeRecord {
  /** "YYYY-MM-DDT00:00:00Z" (current docs) or "YYYY-MM-DD" (older docs). */
  date: string;
  actor: ClaudeCodeActor;
  organization_id: string;
  customer_type: "api" | "subscription";
  subscription_type?: "enterprise" | "team" | null;
  terminal_type: string;
  is_remote?: boolean;
  core_metrics: {
    num_sessions: number;
    lines_of_code: { added: number; removed: number };
    commits_by_claude_code: number;
    pull_requests_by_claude_code: number;
  };
  tool_actions: Record<string, { accepted: number; rejected: number }>;
  model_breakdown: ClaudeCodeModelUsage[];
}

/** List prices in USD per 1M tokens (pricing.md); cache_creation is priced at the 5-minute write. */
const PRICES: Record<string, { input: number; output: number; read: number; write: number }> = {
  "claude-opus-4-8": { input: 5, output: 25, read: 0.5, write: 6.25 },
  "claude-opus-5": { input: 5, output: 25, read: 0.5, write: 6.25 },
  "claude-sonnet-5": { input: 2, output: 10, read: 0.2, write: 2.5 },
  "claude-sonnet-4-5-20250929": { input: 3, output: 15, read: 0.3, write: 3.75 },
  "claude-haiku-4-5-20251001": { input: 1, output: 5, read: 0.1, write: 1.25 },
};
const MODELS = Object.keys(PRICES).filter((m) => m !== "claude-opus-5");
const TERMINALS = ["vscode", "iTerm.app", "tmux", "ghostty", "cursor", "WezTerm"];
export const EMULATED_ORG_ID = "4f1c2a9e-7b3d-4e8a-9c61-2d5e8f0a7b13";

/** Whole cents at list price, as the vendor reports them (the docs' 141¢ example checks out). */
export function estimateCents(model: string, tokens: ClaudeCodeModelUsage["tokens"]): number {
  const p = PRICES[model];
  if (!p) return 0;
  const microDollars =
    tokens.input * p.input +
    tokens.output * p.output +
    tokens.cache_read * p.read +
    tokens.cache_creation * p.write;
  return Math.round(microDollars / 10_000);
}

export interface RecordInput {
  date: string;
  email?: string;
  apiKeyName?: string;
  sessions: number;
  models: Array<{
    model: string;
    input: number;
    output: number;
    cacheRead: number;
    cacheWrite: number;
    cents?: number;
  }>;
  isRemote?: boolean;
}

/** A complete record from the few numbers that matter; tests and the generator use it. */
export function claudeCodeRecord(r: RecordInput): ClaudeCodeRecord {
  const actor: ClaudeCodeActor =
    r.apiKeyName !== undefined
      ? { type: "api_actor", api_key_name: r.apiKeyName }
      : { type: "user_actor", email_address: r.email ?? "unknown@company.com" };
  return {
    date: r.date,
    actor,
    organization_id: EMULATED_ORG_ID,
    customer_type: "api",
    subscription_type: null,
    terminal_type: "vscode",
    is_remote: r.isRemote ?? false,
    core_metrics: {
      num_sessions: r.sessions,
      lines_of_code: { added: r.sessions * 40, removed: r.sessions * 12 },
      commits_by_claude_code: Math.floor(r.sessions / 3),
      pull_requests_by_claude_code: Math.floor(r.sessions / 8),
    },
    tool_actions: {
      edit_tool: { accepted: r.sessions * 3, rejected: r.sessions },
      multi_edit_tool: { accepted: r.sessions, rejected: 0 },
      write_tool: { accepted: r.sessions * 2, rejected: 0 },
    },
    model_breakdown: r.models.map((m) => {
      const tokens = {
        input: m.input,
        output: m.output,
        cache_read: m.cacheRead,
        cache_creation: m.cacheWrite,
      };
      return {
        model: m.model,
        tokens,
        estimated_cost: { amount: m.cents ?? estimateCents(m.model, tokens), currency: "USD" },
      };
    }),
  };
}

/** Remote rows carry the same person's email written differently, to exercise trim + lower-case. */
function messyEmail(email: string): string {
  const [local = "", domain = ""] = email.split("@");
  return `  ${local.charAt(0).toUpperCase()}${local.slice(1)}@${domain.toUpperCase()} `;
}

function modelRows(rand: () => number, intensity: number, forceDated: boolean) {
  const count = forceDated ? 2 : int(rand, 1, 2);
  const chosen = new Set<string>(forceDated ? ["claude-sonnet-4-5-20250929"] : []);
  while (chosen.size < count) chosen.add(pick(rand, MODELS));
  return [...chosen].map((model) => {
    const input = Math.round(int(rand, 20_000, 400_000) * intensity) + 500;
    return {
      model,
      input,
      output: Math.round(input * (0.1 + rand() * 0.3)),
      cacheRead: Math.round(input * (2 + rand() * 10)),
      cacheWrite: Math.round(input * (0.1 + rand() * 0.5)),
    };
  });
}

function personRecord(rand: () => number, person: Person, date: string, remote: boolean, forceDated = false) {
  const sessions = int(rand, 1, 2 + Math.round(10 * person.intensity));
  const rec = claudeCodeRecord({
    date,
    email: person.email,
    sessions,
    isRemote: remote,
    models: modelRows(rand, person.intensity, forceDated),
  });
  rec.terminal_type = remote ? "web" : pick(rand, TERMINALS);
  if (rand() < 0.3) delete rec.tool_actions.multi_edit_tool;
  if (rand() < 0.1) delete rec.subscription_type;
  return rec;
}

/**
 * One record per active person-day (sometimes a second, remote one), plus CI key usage; each day
 * drawn from its own generator (see dayRng). The first day of the window always has the first Claude
 * user, with the awkward cases: two rows, a messy email,
 * no subscription_type, no multi_edit_tool and a dated model id.
 */
export function anthropicData(
  org: Org,
  range: { since: string; until: string },
  seed = org.seed,
): ClaudeCodeRecord[] {
  const days = daysBetween(range.since, range.until);
  const users = org.people.filter((p) => p.tools.includes("claude"));
  const records: ClaudeCodeRecord[] = [];
  days.forEach((day, i) => {
    const rand = dayRng((seed ^ 0x0c1a0de5) >>> 0, day);
    const date = `${day}T00:00:00Z`;
    for (const person of users) {
      const awkward = i === 0 && person === users[0];
      if (rand() >= person.activeShare && !awkward) continue;
      records.push(personRecord(rand, person, date, false, awkward));
      if (awkward || rand() < 0.2) {
        const remote = personRecord(rand, person, date, true);
        if (awkward) {
          remote.actor = { type: "user_actor", email_address: messyEmail(person.email) };
          delete remote.subscription_type;
          delete remote.tool_actions.multi_edit_tool;
        }
        records.push(remote);
      }
    }
    if (i === 0 || rand() < 0.6) records.push(keyRecord(rand, "ci-pipeline", date));
    if (i === days.length - 1) records.push(keyRecord(rand, "eval-harness", date));
  });
  return records;
}

function keyRecord(rand: () => number, name: string, date: string): ClaudeCodeRecord {
  const rec = claudeCodeRecord({
    date,
    apiKeyName: name,
    sessions: int(rand, 1, 6),
    models: modelRows(rand, 0.3, false),
  });
  rec.terminal_type = "non-interactive";
  delete rec.subscription_type;
  return rec;
}
