import type { Aliases } from "../config/aliases.ts";
import { normalizeEmail } from "../identity/email.ts";
import { PLATFORM_IDS, platformLabel } from "../platforms/registry.ts";
import {
  emptyTotals,
  type PlatformStatus,
  type Report,
  type SortKey,
  type Totals,
  type UserUsage,
  type Window,
} from "./report.ts";
import { addCounts, type PlatformId, totalTokens, type UsageRow } from "./types.ts";

/**
 * Merges rows into people. A person is keyed by email when any vendor (or its users list) gives
 * one — lower-cased and trimmed — and otherwise by the vendor's own label or id, so nothing is dropped.
 * The user's aliases (src/config/aliases.ts) map a vendor id, label or second address to one person.
 */
export class Aggregator {
  private readonly users = new Map<string, { email: string | null; byPlatform: Map<PlatformId, Totals> }>();
  /** Models whose cost we estimated, so the report can name those without a known price. */
  readonly estimatedModels = new Set<string>();

  constructor(private readonly aliases: Aliases = new Map()) {}

  add(row: UsageRow): void {
    if (row.costEstimated) this.estimatedModels.add(row.model);
    const vendorEmail = normalizeEmail(row.email);
    const alias = this.aliases.get(row.identity) ?? (vendorEmail ? this.aliases.get(vendorEmail) : undefined);
    const key = alias ?? vendorEmail ?? row.identity;
    const email = alias === undefined ? vendorEmail : alias.includes("@") ? alias : null;
    let user = this.users.get(key);
    if (!user) {
      user = { email, byPlatform: new Map() };
      this.users.set(key, user);
    }
    let totals = user.byPlatform.get(row.platform);
    if (!totals) {
      totals = emptyTotals();
      user.byPlatform.set(row.platform, totals);
    }
    addRow(totals, row);
  }

  build(args: {
    window: Window;
    windowMode: Report["windowMode"];
    sort: SortKey;
    top: number | null;
    platforms: PlatformStatus[];
    demo: boolean;
    unpricedModels: string[];
  }): Report {
    const users: UserUsage[] = [];
    const grand = emptyTotals();
    for (const [user, { email, byPlatform }] of this.users) {
      const platforms = PLATFORM_IDS.filter((id) => byPlatform.has(id)).map((platform) => ({
        platform,
        ...byPlatform.get(platform)!,
      }));
      const totals = emptyTotals();
      for (const p of platforms) addTotals(totals, p);
      addTotals(grand, totals);
      users.push({
        rank: 0,
        user,
        email,
        ...totals,
        tools: platforms.map((p) => platformLabel(p.platform)),
        platforms,
      });
    }
    users.sort(compareBy(args.sort));
    users.forEach((u, i) => {
      u.rank = i + 1;
    });
    return {
      window: args.window,
      windowMode: args.windowMode,
      sort: args.sort,
      platforms: args.platforms,
      // --top trims what is shown; totals still cover everyone, so nothing fetched disappears.
      users: args.top === null ? users : users.slice(0, args.top),
      totals: grand,
      demo: args.demo,
      unpricedModels: args.unpricedModels,
    };
  }
}

const SORT_VALUE: Record<SortKey, (t: Totals) => number> = {
  requests: (t) => t.requests,
  tokens: (t) => t.tokens,
  cost: (t) => t.costNanos,
};

/** Descending by the key, then by the other keys in the order requests, tokens, cost, then user A→Z. */
export function compareBy(sort: SortKey) {
  const order: SortKey[] = [sort, ...(["requests", "tokens", "cost"] as const).filter((k) => k !== sort)];
  return (a: UserUsage, b: UserUsage): number => {
    for (const key of order) {
      const diff = SORT_VALUE[key](b) - SORT_VALUE[key](a);
      if (diff !== 0) return diff;
    }
    return a.user < b.user ? -1 : a.user > b.user ? 1 : 0;
  };
}

function addRow(t: Totals, r: UsageRow): void {
  addCounts(t, r);
  t.tokens += totalTokens(r);
  t.costEstimated ||= r.costEstimated;
}

function addTotals(t: Totals, o: Totals): void {
  addCounts(t, o);
  t.tokens += o.tokens;
  t.costEstimated ||= o.costEstimated;
}
