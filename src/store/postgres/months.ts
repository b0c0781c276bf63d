import type { MonthDialect } from "../months.ts";

/** How PostgreSQL spells the month totals (src/store/months.ts). */
export const PG_MONTHS: MonthDialect = {
  rowsTable: "ai_usage_rows",
  monthsTable: "ai_usage_months",
  monthType: "date",
  intType: "bigint",
  boolType: "boolean",
  tableOptions: "",
  monthOfDay: "date_trunc('month', day)::date",
  param: (n, asDay) => `$${n}${asDay ? "::date" : ""}`,
  // An array, not `IN (SELECT …)`: the planner then walks the index instead of scanning the table.
  oneOf: (column, n) =>
    `${column} = ANY (ARRAY(SELECT d::date FROM json_array_elements_text($${n}::text::json) d))`,
};
