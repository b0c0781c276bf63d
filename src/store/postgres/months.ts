import type postgres from "postgres";
import { addDays } from "../../usage/days.ts";
import { TOTALS_COLUMNS, TOTALS_GROUP, TOTALS_SELECT } from "../checks.ts";
import type { Source } from "../types.ts";

/**
 * `ai_usage_months` holds each source's rows summed per calendar month (per identity, email, model
 * and cost estimated), so a report over a year sums a dozen months of totals plus the days of the
 * window's partial months instead of every stored row. It is derived data: every replace recomputes
 * the months it touched from `ai_usage_rows`, in the same transaction, under a lock per
 * (source, month), so it always equals what the rows sum to.
 */

/** What a month holds: the group and its sums, as `readTotals` selects them from rows. */
const MONTH_COLUMNS = TOTALS_COLUMNS.join(", ");

export const CREATE_MONTHS = [
  `CREATE TABLE ai_usage_months (
    platform text NOT NULL,
    org text NOT NULL,
    month date NOT NULL,
    identity text NOT NULL,
    email text,
    model text NOT NULL,
    requests bigint NOT NULL,
    input_tokens bigint NOT NULL,
    output_tokens bigint NOT NULL,
    cache_read_tokens bigint NOT NULL,
    cache_write_tokens bigint NOT NULL,
    cost_nanos bigint NOT NULL,
    cost_estimated boolean NOT NULL,
    lines_added bigint,
    lines_removed bigint,
    commits bigint,
    pull_requests bigint,
    suggestions_accepted bigint,
    suggestions_rejected bigint
  )`,
  "CREATE INDEX ai_usage_months_source ON ai_usage_months (platform, org, month)",
  // The history already stored, summed once.
  `INSERT INTO ai_usage_months (org, month, ${MONTH_COLUMNS})
   SELECT org, date_trunc('month', day)::date, ${TOTALS_SELECT}
   FROM ai_usage_rows GROUP BY org, date_trunc('month', day), ${TOTALS_GROUP}`,
];

/** The first day of `day`'s month. */
const monthOf = (day: string) => `${day.slice(0, 7)}-01`;

/** The first day of the month after `day`'s. */
function nextMonth(day: string): string {
  const d = new Date(`${monthOf(day)}T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() + 1);
  return d.toISOString().slice(0, 10);
}

/** Recomputes the months holding `days` (sorted) of `source`, inside the caller's transaction. */
export async function recomputeMonths(
  tx: postgres.TransactionSql,
  source: Source,
  days: readonly string[],
): Promise<void> {
  const months = [...new Set(days.map(monthOf))].sort();
  const { platform, org } = source;
  const json = JSON.stringify(months);
  // After the day locks, in month order: a replace of other days of the same month waits here, so
  // each recompute sees the other's committed rows.
  await tx`SELECT pg_advisory_xact_lock(hashtextextended(${platform} || chr(31) || ${org} || chr(31) || 'month ' || m, 7))
    FROM (SELECT m FROM json_array_elements_text(${json}::text::json) m ORDER BY m OFFSET 0) s`;
  await tx`DELETE FROM ai_usage_months WHERE platform = ${platform} AND org = ${org}
    AND month IN (SELECT m::date FROM json_array_elements_text(${json}::text::json) m)`;
  await tx.unsafe(
    `INSERT INTO ai_usage_months (org, month, ${MONTH_COLUMNS})
     SELECT org, date_trunc('month', day)::date, ${TOTALS_SELECT}
     FROM ai_usage_rows WHERE platform = $1 AND org = $2 AND day >= $3::date AND day < $4::date
     AND date_trunc('month', day)::date IN (SELECT m::date FROM json_array_elements_text($5::text::json) m)
     GROUP BY org, date_trunc('month', day), ${TOTALS_GROUP}`,
    [platform, org, months[0]!, nextMonth(months[months.length - 1]!), json],
  );
}

/**
 * The query of `readTotals`: whole months of the window from `ai_usage_months`, the days of its
 * partial months from `ai_usage_rows`, summed together. Returns the SQL and its parameters.
 */
export function totalsQuery(
  sources: readonly Source[],
  since: string,
  until: string,
): { text: string; params: string[] } {
  const params: string[] = sources.flatMap((s) => [s.platform, s.org]);
  const which = sources.map((_, i) => `(platform = $${2 * i + 1} AND org = $${2 * i + 2})`).join(" OR ");
  // Whole months form one run: from the first month starting on or after `since` to the last
  // ending on or before `until`.
  const first = since === monthOf(since) ? since : nextMonth(since);
  const end = nextMonth(until) === addDays(until, 1) ? nextMonth(until) : monthOf(until);
  const p = (value: string) => `$${params.push(value)}::date`;
  const parts =
    first < end
      ? [
          `SELECT ${MONTH_COLUMNS} FROM ai_usage_months WHERE (${which}) AND month >= ${p(first)} AND month < ${p(end)}`,
          `SELECT ${MONTH_COLUMNS} FROM ai_usage_rows WHERE (${which}) AND day >= ${p(since)} AND day < ${p(first)}`,
          `SELECT ${MONTH_COLUMNS} FROM ai_usage_rows WHERE (${which}) AND day >= ${p(end)} AND day <= ${p(until)}`,
        ]
      : [
          `SELECT ${MONTH_COLUMNS} FROM ai_usage_rows WHERE (${which}) AND day BETWEEN ${p(since)} AND ${p(until)}`,
        ];
  return {
    text: `SELECT ${TOTALS_SELECT} FROM (${parts.join(" UNION ALL ")}) t GROUP BY ${TOTALS_GROUP} ORDER BY ${TOTALS_GROUP}`,
    params,
  };
}
