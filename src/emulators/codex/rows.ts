import type { CodexRecord, CodexUser } from "./data.ts";
import { bucketEnd, bucketOf, type UsageState, type Window } from "./usage.ts";

/** Groups records into the API's usage rows: `totals`, `clients[]`, `models[]` (codex-analytics.md §4). */

interface Sums {
  threads: number;
  turns: number;
  micro: number;
  usdNanos: number;
  uncached: number;
  cached: number;
  output: number;
}

function sums(list: CodexRecord[]): Sums {
  const s: Sums = { threads: 0, turns: 0, micro: 0, usdNanos: 0, uncached: 0, cached: 0, output: 0 };
  for (const r of list) {
    s.threads += r.threads;
    s.turns += r.turns;
    s.micro += r.microCredits;
    s.usdNanos += r.costUsdNanos ?? 0;
    s.uncached += r.uncached;
    s.cached += r.cached;
    s.output += r.output;
  }
  return s;
}

/** Nano-dollars → the shortest exact decimal, as a string or a number. */
export function usd(nanos: number, asString: boolean): string | number {
  const whole = Math.floor(nanos / 1e9);
  const frac = String(nanos % 1e9)
    .padStart(9, "0")
    .replace(/0+$/, "");
  const text = frac ? `${whole}.${frac}` : String(whole);
  return asString ? text : Number(text);
}

/** Micro-credits → credits as the API writes them (a plain number with up to six decimals). */
const credits = (micro: number) => Number((micro / 1e6).toFixed(6));

function money(s: Sums, state: UsageState) {
  const asString = state.blocks.moneyAsStrings;
  return {
    credits: credits(s.micro),
    cost_usd: s.usdNanos ? usd(s.usdNanos, asString) : null,
    estimated_cost_usd:
      state.overageNanosPerCredit === null
        ? null
        : usd(Math.round((s.micro * state.overageNanosPerCredit) / 1e6), asString),
  };
}

const tokens = (s: Sums) => ({
  uncached_text_input_tokens: s.uncached,
  cached_text_input_tokens: s.cached,
  text_output_tokens: s.output,
  text_total_tokens: s.uncached + s.cached + s.output,
});

function groupBy<T>(list: T[], key: (t: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of list) {
    const k = key(item);
    const group = out.get(k);
    if (group) group.push(item);
    else out.set(k, [item]);
  }
  return out;
}

function usageRow(list: CodexRecord[], start: number, w: Window, state: UsageState, user?: CodexUser) {
  const s = sums(list);
  const b = state.blocks;
  const email = b.emails && user?.email ? user.email : null;
  const row: Record<string, unknown> = {
    object: "codex.usage",
    start_time: start,
    end_time: bucketEnd(start, w),
    user_id: user ? user.userId : null,
    actor: user
      ? {
          type: "user",
          user_id: user.userId,
          ...(user.emailIn === "actor" || user.emailIn === "both" ? { email } : {}),
        }
      : null,
    totals: { threads: s.threads, turns: s.turns, ...money(s, state), ...(b.totalsTokens ? tokens(s) : {}) },
  };
  if (user && (user.emailIn === "top" || user.emailIn === "both")) row.email = email;
  if (b.clients)
    row.clients = [...groupBy(list, (r) => r.client)].map(([client_id, group]) => {
      const c = sums(group);
      return { client_id, threads: c.threads, turns: c.turns, ...money(c, state), ...tokens(c) };
    });
  if (b.models)
    row.models = [...groupBy(list, (r) => `${r.model}\u0000${r.speed}`)].map(([, group]) => {
      const m = sums(group);
      const { cost_usd, ...rest } = money(m, state);
      return {
        model: group[0]!.model,
        speed: group[0]!.speed,
        ...rest,
        ...(cost_usd === null ? {} : { cost_usd }),
        ...(b.modelTokens ? tokens(m) : {}),
      };
    });
  // Lines follow the output: about one line added per 40 output tokens, a quarter as many removed.
  if (b.codeAttribution && user)
    row.code_attribution = {
      lines_added: Math.round(s.output / 40),
      lines_removed: Math.round(s.output / 160),
    };
  return row;
}

/** Rows in time order: per (bucket, user) without `group`, per bucket with `group=workspace`. */
export function usageRows(records: CodexRecord[], w: Window, state: UsageState): unknown[] {
  const rows: Array<{ start: number; user: string; row: unknown }> = [];
  const byBucket = groupBy(records, (r) => String(bucketOf(r.day, w)));
  for (const [startText, list] of byBucket) {
    const start = Number(startText);
    if (!w.perUser) {
      rows.push({ start, user: "", row: usageRow(list, start, w, state) });
      continue;
    }
    for (const [userId, group] of groupBy(list, (r) => r.userId)) {
      const user = state.users.get(userId) ?? { userId, email: null, emailIn: "none" as const };
      rows.push({ start, user: userId, row: usageRow(group, start, w, state, user) });
    }
  }
  rows.sort((a, b) => a.start - b.start || a.user.localeCompare(b.user));
  return rows.map((r) => r.row);
}
