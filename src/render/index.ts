import type { Report } from "../usage/report.ts";
import { renderCsv } from "./csv.ts";
import { renderJson } from "./json.ts";
import { renderMarkdown } from "./markdown.ts";
import { renderTable } from "./table.ts";

export type OutputFormat = "table" | "json" | "csv" | "markdown";
export const OUTPUT_FORMATS: readonly OutputFormat[] = ["table", "json", "csv", "markdown"];

export interface RenderOptions {
  /** Terminal width in columns (only the table uses it). */
  width: number;
  /** ANSI colour (only the table uses it). */
  color: boolean;
}

/** The text for stdout, ending in a newline. */
export function render(report: Report, format: OutputFormat, opts: RenderOptions): string {
  switch (format) {
    case "table":
      return renderTable(report, opts);
    case "json":
      return renderJson(report);
    case "csv":
      return renderCsv(report);
    case "markdown":
      return renderMarkdown(report);
  }
}

export { renderCsv, renderJson, renderMarkdown, renderTable };
