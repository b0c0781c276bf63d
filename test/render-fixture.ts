import { platformLabel } from "../src/platforms/registry.ts";
import type { PlatformUsage, Report, Totals, UserUsage } from "../src/report/report.ts";
import type { PlatformId } from "../src/usage/types.ts";

/** Hand-built Reports for the renderer tests. */

export const CENT = 10_000_000;

export function plat(
  platform: PlatformId,
  requests: number,
  tokens: number,
  cents: number,
  est = false,
): PlatformUsage {
  return {
    platform,
    requests,
    tokens,
    // A fixed split so every token field is non-zero and they add up to `tokens`.
    inputTokens: tokens - Math.floor(tokens / 4) - Math.floor(tokens / 8) - Math.floor(tokens / 16),
    outputTokens: Math.floor(tokens / 4),
    cacheReadTokens: Math.floor(tokens / 8),
    cacheWriteTokens: Math.floor(tokens / 16),
    costNanos: Math.round(cents * CENT),
    costEstimated: est,
  };
}

export function sumOf(parts: Totals[]): Totals {
  const sum = (k: Exclude<keyof Totals, "costEstimated">) => parts.reduce((a, p) => a + p[k], 0);
  return {
    requests: sum("requests"),
    tokens: sum("tokens"),
    inputTokens: sum("inputTokens"),
    outputTokens: sum("outputTokens"),
    cacheReadTokens: sum("cacheReadTokens"),
    cacheWriteTokens: sum("cacheWriteTokens"),
    costNanos: sum("costNanos"),
    costEstimated: parts.some((p) => p.costEstimated),
  };
}

export function user(
  rank: number,
  name: string,
  platforms: PlatformUsage[],
  email: string | null = name,
): UserUsage {
  return {
    rank,
    user: name,
    email,
    ...sumOf(platforms),
    tools: platforms.map((p) => platformLabel(p.platform)),
    platforms,
  };
}

export function report(users: UserUsage[], extra: Partial<Report> = {}): Report {
  return {
    window: { since: "2026-10-26", until: "2026-11-24", days: 30 },
    windowMode: "days",
    sort: "requests",
    platforms: [],
    users,
    totals: sumOf(users),
    demo: false,
    unpricedModels: [],
    ...extra,
  };
}

// The seed README's numbers; alice's 2.1M is 1.5M + 0.6203M rounded.
export const seedUsers = (openaiEstimated = false) => [
  user(1, "alice@company.com", [
    plat("claude", 220, 1_500_000, 9500),
    plat("openai", 122, 620_300, 3240, openaiEstimated),
  ]),
  user(2, "bob@company.com", [
    plat("claude", 150, 1_000_000, 6000),
    plat("openai", 85, 500_000, 2520, openaiEstimated),
    plat("cursor", 50, 300_000, 1300),
  ]),
  user(3, "carol@company.com", [plat("claude", 201, 1_200_000, 6750)]),
];
