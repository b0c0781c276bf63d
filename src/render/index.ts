import type { Format } from "../config/options.ts";
import type { Report } from "../report/report.ts";
import { renderCsv } from "./csv.ts";
import type { HtmlExtras } from "./html/index.ts";
import { renderJson } from "./json.ts";
import { renderMarkdown } from "./markdown.ts";

export interface RenderOptions {
  /** Terminal width in columns (only the table uses it). */
  width: number;
  /** ANSI colour (only the table uses it). */
  color: boolean;
  /** When the report was made and the chart series (only the HTML report uses them). */
  html?: HtmlExtras;
}

/**
 * The text for stdout, ending in a newline. The table's display-width machinery (string-width and
 * its Unicode tables) is loaded only when a table is asked for.
 */
export async function render(report: Report, format: Format, opts: RenderOptions): Promise<string> {
  switch (format) {
    case "table":
      return (await import("./table.ts")).renderTable(report, opts);
    case "json":
      return renderJson(report);
    case "csv":
      return renderCsv(report);
    case "markdown":
      return renderMarkdown(report);
    case "html":
      return (await import("./html/index.ts")).renderHtml(report, opts.html ?? { generatedAt: new Date() });
  }
}
