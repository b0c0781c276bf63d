import { cleanForTerminal } from "../sanitize.ts";

/**
 * Vendor strings (emails, names, model ids, error messages) become text, never markup.
 *
 * Characters are escaped only where HTML gives them meaning, and the rest is written as is, so the
 * browser's DOM holds exactly the vendor's string: a numeric reference would not do for every
 * character (the parser maps `&#x9b;` and the other C1 references to Windows-1252 punctuation), while
 * a raw CR would be folded into LF by the parser's newline normalisation, hence `&#13;` for CR only.
 */
const TEXT_SPECIAL = /[&<>"'\r]/g;
const ENTITIES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
  "\r": "&#13;",
};

/** Text for an element's content or a quoted attribute value. */
export function esc(s: string): string {
  return s.replace(TEXT_SPECIAL, (c) => ENTITIES[c]!);
}

// Inside <script type="application/json"> only `</script` and `<!--` could end or confuse the block;
// escaping every `<`, `>` and `&` as a JSON \u escape rules both out and JSON.parse returns the same
// string. U+2028/2029 are escaped too so the text can also be pasted into older JavaScript.
const SCRIPT_SPECIAL = /[<>&\u2028\u2029]/g;

/** JSON text made safe to sit inside a `<script type="application/json">` element. */
export function jsonForScript(json: string): string {
  return json.replace(SCRIPT_SPECIAL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

const graphemes = new Intl.Segmenter("en", { granularity: "grapheme" });

/**
 * The visible form of a vendor string, as the terminal table shows it: escape sequences, controls and
 * format characters (bidi overrides, zero-width) removed and line breaks made spaces, so nothing can
 * reorder or hide what a reader sees. The exact string stays in the row's data attribute.
 */
export const visible = cleanForTerminal;

/** A short single-line label for a chart: invisible characters dropped, cut to `max` graphemes with `…`. */
export function shortLabel(s: string, max: number): string {
  const clean = visible(s).replace(/\s+/g, " ").trim();
  const parts = [...graphemes.segment(clean)].map((g) => g.segment);
  return parts.length <= max ? clean : `${parts.slice(0, max - 1).join("")}…`;
}
