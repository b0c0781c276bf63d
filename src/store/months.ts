import { addDays } from "../usage/days.ts";
import { ACTIVITY_COLUMNS, COUNT_COLUMNS } from "./checks.ts";
import type { Source } from "./types.ts";

/**
 * Month totals, for both engines: each source's rows summed per calendar month (per identity, email,
 * model and cost estimated), so a report over a year sums a dozen months plus the days of the
 * window's partial months instead of every stored row. Every replace subtracts the rows of its days
 * before deleting them and adds the new rows after inserting them, in the same transaction, so the
 * cost follows the rows replaced, not the month's size. `rows` counts the rows summed (a group at 0
 * is removed); each activity figure keeps a sum and how many rows reported it, so a figure no row
 * reports reads back as null, as it does from rows.
 */

/** How an engine spells what the month totals need. */
export interface MonthDialect {
  rowsTable: string;
  monthsTable: string;
  /** Column types of a month, a count and a flag, and a table's closing words (SQLite's STRICT). */
  monthType: string;
  intType: string;
  boolType: string;
  tableOptions: string;
  /** SQL for the first day of the month of the rows' `day` column. */
  monthOfDay: string;
  /** Placeholder `n` (1-based), as a day when `asDay`. */
  param(n: number, asDay?: boolean): string;
  /** SQL true when `column` is one of the days in the JSON-array parameter `n` (using the index). */
  oneOf(column: string, n: number): string;
}

const GROUP = ["platform", "org", "month", "identity", "email", "model", "cost_estimated"];
const SUMS = ["rows", ...COUNT_COLUMNS, ...ACTIVITY_COLUMNS, ...ACTIVITY_COLUMNS.map((f) => `${f}_n`)];
/** The unique key; a NULL email is one value in it (NULLS NOT DISTINCT needs PostgreSQL 15). */
const KEY = "(platform, org, month, identity, (coalesce(email, '')), (email IS NULL), model, cost_estimated)";

/** The table, its key, and the history already stored summed into it. */
export function monthsSchema(d: MonthDialect): string[] {
  return [
    `CREATE TABLE ${d.monthsTable} (
      platform TEXT NOT NULL,
      org TEXT NOT NULL,
      month ${d.monthType} NOT NULL,
      identity TEXT NOT NULL,
      email TEXT,
      model TEXT NOT NULL,
      cost_estimated ${d.boolType} NOT NULL,
      ${SUMS.map((c) => `${c} ${d.intType} NOT NULL`).join(",\n      ")}
    )${d.tableOptions}`,
    `CREATE UNIQUE INDEX ${d.monthsTable}_key ON ${d.monthsTable} ${KEY}`,
    addToMonths(d, 1, "true"),
  ];
}

/** An upsert adding `sign` × the rows matching `where` into their months. */
function addToMonths(d: MonthDialect, sign: 1 | -1, where: string): string {
  const s = sign < 0 ? "-" : "";
  const values = [
    `${s}count(*)`,
    ...COUNT_COLUMNS.map((c) => `${s}sum(${c})`),
    ...ACTIVITY_COLUMNS.map((f) => `${s}coalesce(sum(${f}), 0)`),
    ...ACTIVITY_COLUMNS.map((f) => `${s}count(${f})`),
  ];
  return `INSERT INTO ${d.monthsTable} (${[...GROUP, ...SUMS].join(", ")})
    SELECT platform, org, ${d.monthOfDay}, identity, email, model, cost_estimated, ${values.join(", ")}
    FROM ${d.rowsTable} WHERE ${where}
    GROUP BY platform, org, ${d.monthOfDay}, identity, email, model, cost_estimated
    ON CONFLICT ${KEY} DO UPDATE SET ${SUMS.map((c) => `${c} = ${d.monthsTable}.${c} + excluded.${c}`).join(", ")}`;
}

/**
 * The statements of a replace, each with the parameters (platform, org, days as a JSON array):
 * `subtract` before the rows of those days are deleted, `add` after the new ones are inserted, and
 * `dropEmpty` (parameters: platform, org, the months as a JSON array) last.
 */
export function monthStatements(d: MonthDialect) {
  const ofDays = `platform = ${d.param(1)} AND org = ${d.param(2)} AND ${d.oneOf("day", 3)}`;
  return {
    subtract: addToMonths(d, -1, ofDays),
    add: addToMonths(d, 1, ofDays),
    dropEmpty: `DELETE FROM ${d.monthsTable} WHERE platform = ${d.param(1)} AND org = ${d.param(2)}
      AND ${d.oneOf("month", 3)} AND rows = 0`,
  };
}

/** The first day of `day`'s month. */
export const monthOf = (day: string) => `${day.slice(0, 7)}-01`;

/** The first day of the month after `day`'s. */
function nextMonth(day: string): string {
  const d = new Date(`${monthOf(day)}T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() + 1);
  return d.toISOString().slice(0, 10);
}

const TOTALS_GROUP = "platform, identity, email, model, cost_estimated";
/** The columns of `totalsQuery`'s result, in `totalsRow`'s order. */
export const TOTALS_COLUMNS = [
  "platform",
  "identity",
  "email",
  "model",
  ...COUNT_COLUMNS,
  "cost_estimated",
  ...ACTIVITY_COLUMNS,
];

/**
 * The query of `readTotals`: whole months of the window from the month totals, the days of its
 * partial months from rows, summed together, in `totalsRow`'s column order.
 */
export function totalsQuery(
  d: MonthDialect,
  sources: readonly Source[],
  since: string,
  until: string,
): { text: string; params: string[] } {
  const params: string[] = sources.flatMap((s) => [s.platform, s.org]);
  const which = sources.map((_, i) => `(platform = ${d.param(2 * i + 1)} AND org = ${d.param(2 * i + 2)})`);
  const p = (value: string) => d.param(params.push(value), true);
  const keys = "platform, identity, email, model, cost_estimated";
  const fromRows = (range: string) =>
    `SELECT ${keys}, ${COUNT_COLUMNS.join(", ")}, ${ACTIVITY_COLUMNS.map((f) => `coalesce(${f}, 0) AS ${f}`).join(", ")},
      ${ACTIVITY_COLUMNS.map((f) => `(CASE WHEN ${f} IS NULL THEN 0 ELSE 1 END) AS ${f}_n`).join(", ")}
     FROM ${d.rowsTable} WHERE (${which.join(" OR ")}) AND ${range}`;
  // Whole months form one run: from the first month starting on or after `since` to the end of the
  // last one ending on or before `until`.
  const first = since === monthOf(since) ? since : nextMonth(since);
  const end = nextMonth(until) === addDays(until, 1) ? nextMonth(until) : monthOf(until);
  const parts =
    first < end
      ? [
          `SELECT ${keys}, ${[...COUNT_COLUMNS, ...ACTIVITY_COLUMNS, ...ACTIVITY_COLUMNS.map((f) => `${f}_n`)].join(", ")}
           FROM ${d.monthsTable} WHERE (${which.join(" OR ")}) AND month >= ${p(first)} AND month < ${p(end)}`,
          fromRows(`day >= ${p(since)} AND day < ${p(first)}`),
          fromRows(`day >= ${p(end)} AND day <= ${p(until)}`),
        ]
      : [fromRows(`day >= ${p(since)} AND day <= ${p(until)}`)];
  const select = [
    "platform, identity, email, model",
    ...COUNT_COLUMNS.map((c) => `sum(${c}) AS ${c}`),
    "cost_estimated",
    ...ACTIVITY_COLUMNS.map((f) => `CASE WHEN sum(${f}_n) > 0 THEN sum(${f}) END AS ${f}`),
  ].join(", ");
  return {
    text: `SELECT ${select} FROM (${parts.join(" UNION ALL ")}) t GROUP BY ${TOTALS_GROUP} ORDER BY ${TOTALS_GROUP}`,
    params,
  };
}
