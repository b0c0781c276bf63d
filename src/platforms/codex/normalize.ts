import { dayOf } from "../../usage/days.ts";
import { emptyRow, type UsageRow } from "../../usage/types.ts";
import { attosToNanos, creditsToAttos, usdToAttos } from "./money.ts";
import type { CodexUsageRow, MoneyFields, TokenFields } from "./schema.ts";

/** Model of a person-day when the API gives no `models[]`. */
export const DEFAULT_MODEL = "codex";
/** Where turns (and tokens the models do not carry) go when a person-day used several models. */
export const MIXED_MODEL = "codex (mixed)";
/** A `models[]` entry without a name: the vendor's own bucket for unrecognised models. */
export const OTHER_MODEL = "other";
export const UNATTRIBUTED = "(unattributed)";

const TOKEN_KEYS = ["uncached_text_input_tokens", "cached_text_input_tokens", "text_output_tokens"] as const;

/** Counts kept while normalising, turned into notes and warnings by the caller. */
export interface NormalizeStats {
  /** Person-days whose token counts were not reported anywhere (shown as 0). */
  tokensMissing: number;
  /** Person-days whose `text_total_tokens` disagrees with input + cached + output. */
  totalMismatch: number;
  /** Person-days whose models[] carry more than their totals (the models' figures are kept). */
  modelsExceedTotals: number;
}

export function emptyStats(): NormalizeStats {
  return { tokensMissing: 0, totalMismatch: 0, modelsExceedTotals: 0 };
}

interface Part {
  turns: number;
  input: number;
  cached: number;
  output: number;
  /** 1e-18 USD. */
  attos: bigint;
}

/** Lower-cased `actor.email ?? email`; else `codex-user:<user_id>` for aliases to map. */
export function identityOf(row: CodexUsageRow): { identity: string; email: string | null } {
  const email = (row.actor?.email ?? row.email)?.trim().toLowerCase();
  if (email) return { identity: email, email };
  const userId = (row.actor?.user_id ?? row.user_id)?.trim();
  return { identity: userId ? `codex-user:${userId}` : UNATTRIBUTED, email: null };
}

/**
 * Dollars of one block: `estimated_cost_usd` when the vendor gives it, else credits × the price
 * per credit; plus `cost_usd`, usage billed in dollars outside the credit pool.
 * Undefined when the block reports neither credits nor dollars.
 */
export function moneyOf(block: MoneyFields, nanosPerCredit: bigint): bigint | undefined {
  const estimated = block.estimated_cost_usd == null ? undefined : usdToAttos(block.estimated_cost_usd);
  const fromCredits = block.credits == null ? undefined : creditsToAttos(block.credits, nanosPerCredit);
  const direct = block.cost_usd == null ? undefined : usdToAttos(block.cost_usd);
  const credited = estimated ?? fromCredits;
  if (credited === undefined && direct === undefined) return undefined;
  return (credited ?? 0n) + (direct ?? 0n);
}

/** A token counter of `totals`, else summed over the blocks that report it; null when none does. */
function tokenOf(key: (typeof TOKEN_KEYS)[number], first: TokenFields, ...others: TokenFields[][]) {
  if (first[key] != null) return first[key];
  for (const blocks of others) {
    const reported = blocks.filter((b) => b[key] != null);
    if (reported.length) return reported.reduce((n, b) => n + b[key]!, 0);
  }
  return null;
}

/** The whole person-day: totals, falling back to clients[] then models[] for what totals lack. */
function totalOf(row: CodexUsageRow, nanosPerCredit: bigint, stats: NormalizeStats): Part {
  const clients = row.clients ?? [];
  const models = row.models ?? [];
  const [input, cached, output] = TOKEN_KEYS.map((k) => tokenOf(k, row.totals, clients, models));
  if (input == null && cached == null && output == null) stats.tokensMissing++;
  const total = row.totals.text_total_tokens;
  if (total != null && input != null && output != null && total !== input + (cached ?? 0) + output)
    stats.totalMismatch++;
  const attos =
    moneyOf(row.totals, nanosPerCredit) ??
    sumMoney(clients, nanosPerCredit) ??
    sumMoney(models, nanosPerCredit) ??
    0n;
  return { turns: row.totals.turns, input: input ?? 0, cached: cached ?? 0, output: output ?? 0, attos };
}

function sumMoney(blocks: MoneyFields[], nanosPerCredit: bigint): bigint | undefined {
  let sum: bigint | undefined;
  for (const b of blocks) {
    const m = moneyOf(b, nanosPerCredit);
    if (m !== undefined) sum = (sum ?? 0n) + m;
  }
  return sum;
}

const emptyPart = (): Part => ({ turns: 0, input: 0, cached: 0, output: 0, attos: 0n });

/**
 * One person-day → parts per model. Each model keeps its own tokens and dollars; what the models
 * do not account for (always the turns, which have no per-model split) goes to the only model, or
 * to `codex (mixed)` when there are several. Tokens are never split in proportion to credits:
 * the rates differ several-fold between models.
 */
function splitByModel(row: CodexUsageRow, nanosPerCredit: bigint, stats: NormalizeStats) {
  const total = totalOf(row, nanosPerCredit, stats);
  const models = row.models ?? [];
  if (models.length === 0) return new Map([[DEFAULT_MODEL, total]]);
  const parts = new Map<string, Part>();
  const used = emptyPart();
  for (const m of models) {
    const name = m.model?.trim() || OTHER_MODEL;
    const part = parts.get(name) ?? emptyPart();
    const attos = moneyOf(m, nanosPerCredit) ?? 0n;
    for (const into of [part, used]) {
      into.input += m.uncached_text_input_tokens ?? 0;
      into.cached += m.cached_text_input_tokens ?? 0;
      into.output += m.text_output_tokens ?? 0;
      into.attos += attos;
    }
    parts.set(name, part);
  }
  const rest: Part = {
    turns: total.turns,
    input: total.input - used.input,
    cached: total.cached - used.cached,
    output: total.output - used.output,
    attos: total.attos - used.attos,
  };
  if (rest.input < 0 || rest.cached < 0 || rest.output < 0 || rest.attos < 0n) stats.modelsExceedTotals++;
  const target = parts.size === 1 ? [...parts.keys()][0]! : MIXED_MODEL;
  const part = parts.get(target) ?? emptyPart();
  part.turns += rest.turns;
  part.input += Math.max(0, rest.input);
  part.cached += Math.max(0, rest.cached);
  part.output += Math.max(0, rest.output);
  if (rest.attos > 0n) part.attos += rest.attos;
  if (part.turns || part.input || part.cached || part.output || part.attos) parts.set(target, part);
  return parts;
}

/** Usage rows of one window → one UsageRow per (day, identity, model); rows sharing a key are summed. */
export function normalizeUsage(
  rows: readonly CodexUsageRow[],
  nanosPerCredit: bigint,
  stats: NormalizeStats,
): UsageRow[] {
  const out = new Map<string, UsageRow & { attos: bigint }>();
  for (const row of rows) {
    const day = dayOf(row.start_time * 1000);
    const { identity, email } = identityOf(row);
    for (const [model, part] of splitByModel(row, nanosPerCredit, stats)) {
      const key = `${day}\u0000${identity}\u0000${model}`;
      let acc = out.get(key);
      if (!acc) {
        const base = emptyRow({ platform: "codex", day, identity, email, model, costEstimated: true });
        acc = Object.assign(base, { attos: 0n });
        out.set(key, acc);
      }
      acc.requests += part.turns;
      acc.inputTokens += part.input;
      acc.cacheReadTokens += part.cached;
      acc.outputTokens += part.output;
      acc.attos += part.attos;
    }
  }
  // A row that carries no cost (turns, or tokens no model itemises) has nothing estimated: marking
  // it would make the report look for a list price of "codex (mixed)".
  return [...out.values()].map(({ attos, ...row }) => {
    const costNanos = attosToNanos(attos);
    return { ...row, costNanos, costEstimated: costNanos > 0 };
  });
}

/** A client id fit to be a counter name; the vendor's own bucket for anything else. */
function clientName(id: string | null | undefined): string {
  const trimmed = id?.trim() ?? "";
  return /^[A-Za-z0-9_]{1,48}$/.test(trimmed) ? trimmed.toUpperCase() : "CODEX_UNKNOWN_DEFAULT";
}

/** Turns per client surface (CLI, IDE, cloud…) per day, as `turns:<client_id>` counters. */
export function clientTurns(rows: readonly CodexUsageRow[]): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  for (const row of rows) {
    if (!row.clients?.length) continue;
    const day = dayOf(row.start_time * 1000);
    const counters = out[day] ?? {};
    out[day] = counters;
    for (const c of row.clients) {
      const key = `turns:${clientName(c.client_id)}`;
      counters[key] = (counters[key] ?? 0) + (c.turns ?? 0);
    }
  }
  return out;
}
