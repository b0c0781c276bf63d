import { createHash } from "node:crypto";
import { esc, jsonForScript } from "./escape.ts";
import { SCRIPT } from "./script.ts";
import { STYLES } from "./styles.ts";

/**
 * The document around the report. Its Content-Security-Policy allows nothing from anywhere
 * (`default-src 'none'`) except the page's own stylesheet and script, named by their SHA-256: no
 * remote load, no other inline script, no inline event handler, no form or base URL can act, even if
 * a vendor string ever slipped through as markup.
 */

const sha256 = (text: string) => `'sha256-${createHash("sha256").update(text, "utf8").digest("base64")}'`;

export const CSP = [
  "default-src 'none'",
  `script-src ${sha256(SCRIPT)}`,
  `style-src ${sha256(STYLES)}`,
  "img-src data:",
  "base-uri 'none'",
  "form-action 'none'",
].join("; ");

export interface Page {
  title: string;
  body: string;
  /** The JSON report, kept in the page so a saved copy is also the data. */
  json: string;
}

export function htmlDocument(page: Page): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta name="referrer" content="no-referrer">
<meta name="generator" content="ai-usage">
<title>${esc(page.title)}</title>
<style>${STYLES}</style>
</head>
<body>
<main>
${page.body}
</main>
<script type="application/json" id="report-data">${jsonForScript(page.json.trimEnd())}</script>
<script>${SCRIPT}</script>
</body>
</html>
`;
}
