import type postgres from "postgres";
import { addDays } from "../../usage/days.ts";
import { ACTIVITY_COLUMNS, COUNT_COLUMNS, TOTALS_GROUP } from "../checks.ts";
import type { Source } from "../types.ts";

/**
 * `ai_usage_months` holds each source's rows summed per calendar month (per identity, email, model
 * and cost estimated), so a report over a year sums a dozen months plus the days of the window's
 * partial months instead of every stored row. It is kept in step with `ai_usage_rows` by the same
 * statements that delete and insert rows (their RETURNING rows are added or subtracted), so its
 * cost follows the rows replaced, not the month's size. `rows` counts the rows summed (a group at 0
 * is removed); each activity figure keeps a sum and how many rows reported it, so a figure no row
 * reports reads back as null, as it does from rows.
 */

const GROUP = ["platform", "org", "month", "identity", "email", "model", "cost_estimated"];
const SUMS = ["rows", ...COUNT_COLUMNS, ...ACTIVITY_COLUMNS, ...ACTIVITY_COLUMNS.map((f) => `${f}_n`)];
/** The unique key; a NULL email is one value in it (NULLS NOT DISTINCT needs PostgreSQL 15). */
const CONFLICT =
  "(platform, org, month, identity, (coalesce(email, '')), (email IS NULL), model, cost_estimated)";

export const CREATE_MONTHS = [
  `CREATE TABLE ai_usage_months (
    platform text NOT NULL,
    org text NOT NULL,
    month date NOT NULL,
    identity text NOT NULL,
    email text,
    model text NOT NULL,
    cost_estimated boolean NOT NULL,
    ${SUMS.map((c) => `${c} bigint NOT NULL`).join(",\n    ")}
  )`,
  `CREATE UNIQUE INDEX ai_usage_months_key ON ai_usage_months ${CONFLICT}`,
  // The history already stored, summed once.
  addRows("ai_usage_rows", 1),
];

/** An upsert adding `sign` × the rows of `from` (a table, or a CTE of rows) into their months. */
function addRows(from: string, sign: 1 | -1): string {
  const s = sign < 0 ? "-" : "";
  const values = [
    `${s}count(*)`,
    ...COUNT_COLUMNS.map((c) => `${s}sum(${c})`),
    ...ACTIVITY_COLUMNS.map((f) => `${s}coalesce(sum(${f}), 0)`),
    ...ACTIVITY_COLUMNS.map((f) => `${s}count(${f})`),
  ];
  return `INSERT INTO ai_usage_months (${[...GROUP, ...SUMS].join(", ")})
    SELECT platform, org, date_trunc('month', day)::date AS month, identity, email, model, cost_estimated,
      ${values.join(", ")}
    FROM ${from} GROUP BY platform, org, date_trunc('month', day), identity, email, model, cost_estimated
    ON CONFLICT ${CONFLICT} DO UPDATE SET ${SUMS.map((c) => `${c} = ai_usage_months.${c} + excluded.${c}`).join(", ")}`;
}

/** Deletes `source`'s rows of `daysJson` (a JSON array of days), taking them out of their months. */
export function deleteDays(tx: postgres.TransactionSql, source: Source, daysJson: string) {
  return tx.unsafe(
    `WITH gone AS (DELETE FROM ai_usage_rows WHERE platform = $1 AND org = $2
       AND day IN (SELECT d::date FROM json_array_elements_text($3::text::json) d) RETURNING *)
     ${addRows("gone", -1)}`,
    [source.platform, source.org, daysJson],
  );
}

/** Wraps an `INSERT INTO ai_usage_rows … ` so the rows it inserts are added to their months. */
export const insertingRows = (insert: string) =>
  `WITH added AS (${insert} RETURNING *) ${addRows("added", 1)}`;

/** Removes the groups of `source`'s months of `daysJson` that no row is summed into any more. */
export function dropEmptyGroups(tx: postgres.TransactionSql, source: Source, daysJson: string) {
  return tx`DELETE FROM ai_usage_months WHERE platform = ${source.platform} AND org = ${source.org}
    AND month IN (SELECT date_trunc('month', d::date)::date FROM json_array_elements_text(${daysJson}::text::json) d)
    AND rows = 0`;
}

/** The first day of `day`'s month. */
const monthOf = (day: string) => `${day.slice(0, 7)}-01`;

/** The first day of the month after `day`'s. */
function nextMonth(day: string): string {
  const d = new Date(`${monthOf(day)}T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() + 1);
  return d.toISOString().slice(0, 10);
}

/**
 * The query of `readTotals`: whole months of the window from `ai_usage_months`, the days of its
 * partial months from `ai_usage_rows`, summed together, in `totalsRow`'s column order.
 */
export function totalsQuery(
  sources: readonly Source[],
  since: string,
  until: string,
): { text: string; params: string[] } {
  const params: string[] = sources.flatMap((s) => [s.platform, s.org]);
  const which = sources.map((_, i) => `(platform = $${2 * i + 1} AND org = $${2 * i + 2})`).join(" OR ");
  const p = (value: string) => `$${params.push(value)}::date`;
  const keys = "platform, identity, email, model, cost_estimated";
  const fromRows = (range: string) =>
    `SELECT ${keys}, ${COUNT_COLUMNS.join(", ")}, ${ACTIVITY_COLUMNS.map((f) => `coalesce(${f}, 0) AS ${f}`).join(", ")},
      ${ACTIVITY_COLUMNS.map((f) => `(${f} IS NOT NULL)::int AS ${f}_n`).join(", ")}
     FROM ai_usage_rows WHERE (${which}) AND ${range}`;
  // Whole months form one run: from the first month starting on or after `since` to the end of the
  // last one ending on or before `until`.
  const first = since === monthOf(since) ? since : nextMonth(since);
  const end = nextMonth(until) === addDays(until, 1) ? nextMonth(until) : monthOf(until);
  const parts =
    first < end
      ? [
          `SELECT ${keys}, ${[...COUNT_COLUMNS, ...ACTIVITY_COLUMNS, ...ACTIVITY_COLUMNS.map((f) => `${f}_n`)].join(", ")}
           FROM ai_usage_months WHERE (${which}) AND month >= ${p(first)} AND month < ${p(end)}`,
          fromRows(`day >= ${p(since)} AND day < ${p(first)}`),
          fromRows(`day >= ${p(end)} AND day <= ${p(until)}`),
        ]
      : [fromRows(`day BETWEEN ${p(since)} AND ${p(until)}`)];
  const select = [
    "platform, identity, email, model",
    ...COUNT_COLUMNS.map((c) => `sum(${c})`),
    "cost_estimated",
    ...ACTIVITY_COLUMNS.map((f) => `CASE WHEN sum(${f}_n) > 0 THEN sum(${f}) END`),
  ].join(", ");
  return {
    text: `SELECT ${select} FROM (${parts.join(" UNION ALL ")}) t GROUP BY ${TOTALS_GROUP} ORDER BY ${TOTALS_GROUP}`,
    params,
  };
}
