import { DAY_MS, dayStartMs } from "../../usage/days.ts";
import type { Batch, ClientOptions, DayRange, FetchNotes, Platform } from "../types.ts";
import {
  CREDIT_PRICE_ENV,
  codexErrorMessage,
  creditPriceOf,
  creditPriceProblem,
  DEFAULT_CREDIT_USD,
  fetchWindow,
  usageWindows,
  WORKSPACE_ENV,
  workspaceIdOf,
} from "./client.ts";
import { clientTurns, emptyStats, type NormalizeStats, normalizeUsage } from "./normalize.ts";

const KEY_ENV = "CODEX_ANALYTICS_API_KEY";
/** The API reads 90 days back; older days come from the store. */
export const LOOKBACK_DAYS = 90;
const SETTLE_MS = 48 * 3_600_000;

/**
 * Streams Codex seat usage for `ranges`: one window of up to a week at a time, each yielded as a
 * completed batch once all of its pages are in. Rows outside the window are not ours to store: they
 * are left out and counted in a warning.
 */
export async function* fetchCodexBatches(
  client: ClientOptions,
  ranges: readonly DayRange[],
  notes: FetchNotes,
): AsyncGenerator<Batch> {
  // Both settings are checked before the first request, so a typo costs no API call.
  const workspaceId = workspaceIdOf(client.env);
  const nanosPerCredit = creditPriceOf(client.env);
  const windows = usageWindows(ranges);
  const stats = emptyStats();
  const perClient = new Map<string, number>();
  let outside = 0;
  let done = 0;
  client.onProgress?.(0, windows.length);
  for (const window of windows) {
    const rows = await fetchWindow(client, workspaceId, window);
    const inside = rows.filter((r) => r.start_time >= window.startTime && r.start_time < window.endTime);
    outside += rows.length - inside.length;
    const counters = clientTurns(inside);
    for (const byClient of Object.values(counters))
      for (const [name, turns] of Object.entries(byClient))
        perClient.set(name, (perClient.get(name) ?? 0) + turns);
    yield { days: window.days, rows: normalizeUsage(inside, nanosPerCredit, stats), counters };
    client.onProgress?.(++done, windows.length);
  }
  addWarnings(notes, stats, outside);
  if (perClient.size)
    client.log?.debug(
      `codex: ${[...perClient].map(([name, turns]) => `${name.slice(6)} ${turns}`).join(", ")} turns by client`,
    );
}

/** The standing note: what Codex requests and costs are (JSON `platforms[].notes`, stderr). */
export function codexNotes(env: Readonly<Record<string, string | undefined>>): string[] {
  const price = env[CREDIT_PRICE_ENV]?.trim();
  const rate = price
    ? `$${price} a credit (${CREDIT_PRICE_ENV})`
    : `$${DEFAULT_CREDIT_USD} a credit, the list-price equivalent (set ${CREDIT_PRICE_ENV} to your contract price)`;
  return [
    `requests are Codex turns (a prompt and the agent's work on it), not model calls; cost is estimated at ${rate} unless the API estimates it`,
  ];
}

const personDays = (n: number) => `${n} ${n === 1 ? "person-day" : "person-days"}`;

function addWarnings(notes: FetchNotes, stats: NormalizeStats, outside: number) {
  if (stats.tokensMissing)
    notes.warnings.push(
      `codex: ${personDays(stats.tokensMissing)} came without token counts (not reported; shown as 0 tokens)`,
    );
  if (stats.totalMismatch)
    notes.warnings.push(
      `codex: ${personDays(stats.totalMismatch)} report a text_total_tokens different from input + cached + output`,
    );
  if (stats.modelsExceedTotals)
    notes.warnings.push(
      `codex: ${personDays(stats.modelsExceedTotals)} list more per model than in their totals; the per-model figures are used`,
    );
  if (outside)
    notes.warnings.push(
      `codex: ignored ${outside} ${outside === 1 ? "row" : "rows"} dated outside the requested days`,
    );
}

const KEY_ADVICE =
  "use a ChatGPT workspace Admin key (Admin Console → Credentials → Admin keys) with Codex analytics read permission, " +
  "or a Platform project key that OpenAI support scoped to codex.enterprise.analytics.read; " +
  "a Platform Admin key (sk-admin-…) is refused";

export const codex: Platform = {
  id: "codex",
  label: "Codex",
  keyEnv: [KEY_ENV],
  requiredEnv: [[WORKSPACE_ENV]],
  checkEnv: creditPriceProblem,
  notes: codexNotes,
  baseUrlEnv: "CODEX_ANALYTICS_BASE_URL",
  defaultBaseUrl: "https://api.chatgpt.com",
  settledAfter: (day) => dayStartMs(day) + DAY_MS + SETTLE_MS,
  lookback: { days: LOOKBACK_DAYS },
  progressUnit: "windows",
  estimate: "Codex from credits × AI_USAGE_CODEX_CREDIT_USD (or its own estimate)",
  help: `Codex on ChatGPT Enterprise/Edu seats (Codex Analytics API): set ${KEY_ENV} and ${WORKSPACE_ENV}`,
  errorMessage: codexErrorMessage,
  advice(status) {
    if (status === 401) return `${KEY_ENV} was not accepted: ${KEY_ADVICE}`;
    if (status === 403)
      return `${KEY_ENV} lacks Codex analytics access for this workspace: ${KEY_ADVICE}; check that ${WORKSPACE_ENV} is the key's workspace`;
    if (status === 404)
      return `check ${WORKSPACE_ENV}: the workspace id (a UUID) is under Workspace details in the ChatGPT admin console`;
    if (status === 422) return `the API refused a parameter; it reads only the last ${LOOKBACK_DAYS} days`;
    return undefined;
  },
  organization: (env) => env[WORKSPACE_ENV]?.trim() || null,
  fetchBatches: (client, ranges, notes) => fetchCodexBatches(client, ranges, notes),
};
