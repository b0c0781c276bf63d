import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";
import { type EmulatorSet, startEmulators } from "../src/emulators/index.ts";
import { NOW, ROOT, runCli } from "./cli.ts";

/**
 * Shared by the --by, --compare and --activity end-to-end tests: the emulators (their data reaches
 * back over the previous window, 2026-10-25 … 2026-10-31, for --compare), golden files
 * (UPDATE_GOLDEN=1 rewrites them) and the figures summed from the records the emulators serve.
 */

export const WINDOW = ["--since", "2026-11-01", "--until", "2026-11-07"];
export const RANGE = [...WINDOW, "--no-store"];

export function startReportEmulators(): Promise<EmulatorSet> {
  return startEmulators({
    since: "2026-10-25",
    until: "2026-11-07",
    seed: 7,
    people: 12,
    now: () => new Date(NOW),
  });
}

export function golden(name: string, actual: string) {
  const file = join(ROOT, "test/golden", name);
  if (process.env.UPDATE_GOLDEN || !existsSync(file)) {
    mkdirSync(join(ROOT, "test/golden"), { recursive: true });
    writeFileSync(file, actual);
  }
  expect(actual).toBe(readFileSync(file, "utf8"));
}

/** One vendor fact: requests, tokens and cents of a platform, UTC day, person and model. */
export interface Fact {
  platform: string;
  day: string;
  person: string;
  model: string;
  requests: number;
  tokens: number;
}

/** Every usage fact the emulators serve, read from their records without the CLI's code. */
export function facts(emu: EmulatorSet): Fact[] {
  const out: Fact[] = [];
  for (const r of emu.data.anthropic) {
    const day = r.date.slice(0, 10);
    const person =
      r.actor.type === "user_actor"
        ? r.actor.email_address.trim().toLowerCase()
        : `api-key:${r.actor.api_key_name}`;
    // Sessions are per record, not per model: kept on a model-less fact.
    out.push({
      platform: "claude",
      day,
      person,
      model: "",
      requests: r.core_metrics.num_sessions,
      tokens: 0,
    });
    for (const m of r.model_breakdown) {
      const t = m.tokens;
      const tokens = t.input + t.output + t.cache_read + t.cache_creation;
      out.push({ platform: "claude", day, person, model: m.model, requests: 0, tokens });
    }
  }
  for (const { day, result } of emu.data.openai.results) {
    out.push({
      platform: "openai",
      day,
      person: result.user_id ?? "(unattributed)",
      model: result.model ?? "",
      requests: result.num_model_requests,
      // input_tokens already holds the cached and cache-write tokens.
      tokens: result.input_tokens + result.output_tokens,
    });
  }
  // Codex: tokens on each record's model; turns on the person-day's only model, else "codex (mixed)".
  const codexUsers = new Map(emu.data.codex.users.map((u) => [u.userId, u]));
  const modelsOf = new Map<string, Set<string>>();
  for (const r of emu.data.codex.records) {
    const key = `${r.day} ${r.userId}`;
    modelsOf.set(key, (modelsOf.get(key) ?? new Set()).add(r.model));
  }
  for (const r of emu.data.codex.records) {
    const user = codexUsers.get(r.userId);
    const shown = user?.emailIn !== "none" ? user?.email?.toLowerCase() : undefined;
    const models = modelsOf.get(`${r.day} ${r.userId}`)!;
    const base = { platform: "codex", day: r.day, person: shown ?? `codex-user:${r.userId}` };
    out.push({ ...base, model: r.model, requests: 0, tokens: r.uncached + r.cached + r.output });
    out.push({ ...base, model: models.size === 1 ? r.model : "codex (mixed)", requests: r.turns, tokens: 0 });
  }
  for (const e of emu.data.cursor.events) {
    if (/errored|aborted/i.test(e.kind)) continue;
    const t = e.tokenUsage;
    out.push({
      platform: "cursor",
      day: new Date(Number(e.timestamp)).toISOString().slice(0, 10),
      person: e.serviceAccountId
        ? `sa:${e.serviceAccountId}`
        : (e.userEmail?.trim().toLowerCase() ?? "(removed)"),
      model: e.model,
      requests: 1,
      tokens: t ? t.inputTokens + t.outputTokens + t.cacheReadTokens + t.cacheWriteTokens : 0,
    });
  }
  return out;
}

export function sumBy(list: Fact[], key: (f: Fact) => string) {
  const out = new Map<string, { requests: number; tokens: number }>();
  for (const f of list) {
    const s = out.get(key(f)) ?? { requests: 0, tokens: 0 };
    s.requests += f.requests;
    s.tokens += f.tokens;
    out.set(key(f), s);
  }
  return out;
}

export const inWindow = (emu: EmulatorSet, since: string, until: string) =>
  facts(emu).filter((f) => f.day >= since && f.day <= until);
export const CURRENT = (emu: EmulatorSet) => inWindow(emu, "2026-11-01", "2026-11-07");
export const PREVIOUS = (emu: EmulatorSet) => inWindow(emu, "2026-10-25", "2026-10-31");

export interface Group {
  rank: number;
  key: string;
  requests: number;
  tokens: number;
  users: number;
  previous?: { requests: number; tokens: number; costUsd: number };
  activity?: Record<string, number | null>;
}
export interface GroupJson {
  by: string;
  groups: Group[];
  totals: { requests: number; tokens: number; previous?: { requests: number; tokens: number } };
}

export async function json(emu: EmulatorSet, args: string[], env: Record<string, string> = {}) {
  const res = await runCli([...args, "--json"], { ...emu.env, ...env });
  expect(res.code, res.stderr).toBe(0);
  return JSON.parse(res.stdout) as GroupJson & Record<string, unknown>;
}

export const pick = (g: Group) => ({ requests: g.requests, tokens: g.tokens });
