import { mergeConcurrent } from "../../http/concurrent.ts";
import { DAY_MS, dayStartMs, daysBetween, todayUtc } from "../../usage/days.ts";
import { plural, verb } from "../../usage/plural.ts";
import type { Batch, ClientOptions, DayRange, FetchNotes, Platform } from "../types.ts";
import { fetchUserDays } from "./client.ts";
import type { RateGate } from "./github.ts";
import { LoginResolver } from "./identity.ts";
import { type NormalizeStats, normalizeUserDay } from "./normalize.ts";
import { githubMessage, type UserDay } from "./schema.ts";
import { copilotScope, ScopeError } from "./scope.ts";
import { fetchCopilotTeams } from "./teams.ts";

export { copilotScope, ScopeError } from "./scope.ts";

/** First day of each scope's reports (copilot.md §3.10); the API answers "no data" before. */
export const ORG_REPORTS_START = "2025-12-12";
export const ENTERPRISE_REPORTS_START = "2025-10-10";
/** A few days in flight: GitHub asks for modest concurrency (secondary limits). */
export const DAY_CONCURRENCY = 4;
/** GitHub restates a day for about three full days after it closes. */
export const SETTLE_DAYS = 4;
/** Days before 2026-06-19 carry no `ai_credits_used`. */
export const CREDITS_START = "2026-06-19";

interface FetchedDay {
  day: string;
  userDays: UserDay[];
}

/** Each UTC day is one report and one batch; logins are resolved as days arrive. */
export async function* fetchCopilotBatches(
  options: ClientOptions,
  ranges: readonly DayRange[],
  notes: FetchNotes,
): AsyncGenerator<Batch> {
  const scope = copilotScope(options.env ?? {});
  if (!scope) throw new ScopeError("copilot: set COPILOT_ORG or COPILOT_ENTERPRISE");
  const stop = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
  const client: ClientOptions = { ...options, signal };
  const gate: RateGate = { resumeAt: 0 };
  const resolver = new LoginResolver(client, gate, scope, () => (options.now?.() ?? new Date()).getTime());
  const today = todayUtc(options.now?.() ?? new Date());
  const start = scope.kind === "org" ? ORG_REPORTS_START : ENTERPRISE_REPORTS_START;
  const days = [...new Set(ranges.flatMap((r) => daysBetween(r.since, r.until)))].sort();
  // Before the reports began, or not over yet: GitHub has nothing, so no request is spent on it.
  const asked = days.filter((d) => d >= start && d < today);
  const beforeStart = days.filter((d) => d < start).length;
  const stats: NormalizeStats = { withoutCredits: 0, overSplit: 0 };
  const unresolved = new Set<string>();
  let stray = 0;
  let done = 0;
  try {
    for (const day of days) if (!asked.includes(day)) yield { days: [day], rows: [] };
    done = days.length - asked.length;
    if (done > 0) options.onProgress?.(done, days.length);
    const sources = asked.map(
      (day) =>
        async function* (): AsyncGenerator<FetchedDay> {
          yield { day, userDays: await fetchUserDays(client, gate, scope, day) };
        },
    );
    for await (const { day, userDays } of mergeConcurrent(sources, DAY_CONCURRENCY)) {
      const inDay = userDays.filter((u) => u.day === day);
      stray += userDays.length - inDay.length;
      const emailOf = await resolver.resolve(inDay.map((u) => u.user_login));
      const rows = inDay.flatMap((u) => {
        const email = emailOf(u.user_login);
        if (!email) unresolved.add(u.user_login.trim().toLowerCase());
        return normalizeUserDay(u, email, stats);
      });
      options.onProgress?.(++done, days.length);
      yield { days: [day], rows };
    }
  } finally {
    stop.abort();
  }
  notes.notes.push(
    "requests are user-initiated prompts; tokens are Copilot CLI only; cost is ai_credits_used × $0.01 (estimated, a consumption signal, not the bill)",
  );
  if (unresolved.size > 0) {
    const some = [...unresolved]
      .sort()
      .slice(0, 5)
      .map((l) => `github:${l}`);
    notes.notes.push(
      `${plural(unresolved.size, "GitHub login")} ${verb(unresolved.size, "has", "have")} no known email (${some.join(", ")}${unresolved.size > 5 ? ", …" : ""}); map them to people in the aliases file`,
    );
  }
  if (stats.withoutCredits > 0)
    notes.notes.push(
      `${plural(stats.withoutCredits, "user-day")} ${verb(stats.withoutCredits, "has", "have")} no ai_credits_used (reported from ${CREDITS_START}); their cost counts as $0`,
    );
  if (beforeStart > 0)
    notes.warnings.push(
      `copilot: ${plural(beforeStart, "day")} before ${start} ${verb(beforeStart, "is", "are")} not covered (the ${scope.kind} reports begin then)`,
    );
  if (stray > 0)
    notes.warnings.push(`copilot: ignored ${plural(stray, "row")} dated outside the day of their report`);
  if (stats.overSplit > 0)
    client.log?.debug(
      `copilot: ${plural(stats.overSplit, "user-day")} had a per-model split above their totals`,
    );
}

function advice(status: number, message: string): string | undefined {
  if (status === 401) return "check COPILOT_METRICS_TOKEN: it is missing, expired or revoked";
  if (/rate limit/i.test(message)) return "GitHub's rate limit was hit: wait for it to reset and run again";
  if (status === 403 && /SAML|SSO/i.test(message))
    return "authorize the token for SAML single sign-on in the organization (token settings → Configure SSO)";
  if (status === 403 || status === 422)
    return 'enable the "Copilot usage metrics" policy ("Enabled everywhere" for an enterprise) and use a token with read:org (org) or read:enterprise / manage_billing:copilot (enterprise) whose owner may view Copilot metrics';
  if (status === 404)
    return "GitHub answers 404 for a wrong COPILOT_ORG / COPILOT_ENTERPRISE and for a token without the scope or role: check the name, the token scope (read:org or read:enterprise) and that its owner may view Copilot metrics";
  return undefined;
}

export const copilot: Platform = {
  id: "copilot",
  label: "Copilot",
  keyEnv: ["COPILOT_METRICS_TOKEN"],
  requiredEnv: [["COPILOT_ORG", "COPILOT_ENTERPRISE"]],
  baseUrlEnv: "COPILOT_API_BASE_URL",
  defaultBaseUrl: "https://api.github.com",
  keyShape: /\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})/,
  settledAfter: (day) => dayStartMs(day) + DAY_MS + SETTLE_DAYS * DAY_MS,
  lookback: { days: 365, earliest: ENTERPRISE_REPORTS_START },
  progressUnit: "days",
  estimate: "Copilot from AI credits × $0.01",
  help: "GitHub Copilot usage-metrics reports, per user per day: COPILOT_METRICS_TOKEN and COPILOT_ORG or COPILOT_ENTERPRISE",
  errorMessage: githubMessage,
  advice,
  organization(env) {
    const scope = copilotScope(env);
    return scope ? `${scope.kind}:${scope.name.toLowerCase()}` : null;
  },
  fetchBatches: fetchCopilotBatches,
  teams: fetchCopilotTeams,
};
