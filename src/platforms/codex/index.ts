import { DAY_MS, dayStartMs } from "../../usage/days.ts";
import type { Batch, ClientOptions, DayRange, FetchNotes, Platform } from "../types.ts";
import {
  CREDIT_PRICE_ENV,
  codexErrorMessage,
  creditPriceOf,
  DEFAULT_CREDIT_USD,
  fetchWindow,
  usageWindows,
  WORKSPACE_ENV,
  workspaceIdOf,
} from "./client.ts";
import { emptyStats, type NormalizeStats, normalizeUsage } from "./normalize.ts";

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
  let outside = 0;
  let done = 0;
  client.onProgress?.(0, windows.length);
  for (const window of windows) {
    const rows = await fetchWindow(client, workspaceId, window);
    const inside = rows.filter((r) => r.start_time >= window.startTime && r.start_time < window.endTime);
    outside += rows.length - inside.length;
    yield { days: window.days, rows: normalizeUsage(inside, nanosPerCredit, stats) };
    client.onProgress?.(++done, windows.length);
  }
  addNotes(notes, stats, client.env?.[CREDIT_PRICE_ENV]?.trim() || undefined, outside);
}

function addNotes(notes: FetchNotes, stats: NormalizeStats, price: string | undefined, outside: number) {
  notes.notes.push(
    "codex: requests are Codex turns (one prompt and the agent's work on it), not model calls",
    price
      ? `codex: cost is estimated: credits × $${price} (${CREDIT_PRICE_ENV}) where the API gives no dollar estimate`
      : `codex: cost is estimated: credits × $${DEFAULT_CREDIT_USD}, the list-price equivalent, where the API gives no dollar estimate (set ${CREDIT_PRICE_ENV} to your contract price)`,
  );
  if (stats.turnsByClient.size) {
    const clients = [...stats.turnsByClient]
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .map(([id, turns]) => `${id} ${turns.toLocaleString("en-US")}`);
    notes.notes.push(`codex: turns by client: ${clients.join(", ")}`);
  }
  if (stats.tokensMissing)
    notes.warnings.push(
      `codex: ${stats.tokensMissing} person-day(s) came without token counts (not reported; shown as 0 tokens)`,
    );
  if (stats.totalMismatch)
    notes.warnings.push(
      `codex: ${stats.totalMismatch} person-day(s) have text_total_tokens different from input + cached + output`,
    );
  if (stats.modelsExceedTotals)
    notes.warnings.push(
      `codex: ${stats.modelsExceedTotals} person-day(s) list more per model than in their totals; the per-model figures are used`,
    );
  if (outside) notes.warnings.push(`codex: ignored ${outside} row(s) dated outside the requested days`);
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
  baseUrlEnv: "CODEX_ANALYTICS_BASE_URL",
  defaultBaseUrl: "https://api.chatgpt.com",
  settledAfter: (day) => dayStartMs(day) + DAY_MS + SETTLE_MS,
  lookback: { days: LOOKBACK_DAYS },
  progressUnit: "windows",
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
