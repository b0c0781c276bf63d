/**
 * Vendor strings (user ids, emails, labels) are untrusted: a hostile or broken value must not move
 * the cursor, recolour the terminal, plant a hyperlink, reorder text, inject a spreadsheet formula
 * or break a Markdown table.
 */

// Escape sequences, removed whole before single characters are stripped:
// - OSC / DCS / SOS / PM / APC strings (ESC ] … , ESC P …, 8-bit forms): up to BEL or ST, or to the
//   end of the string when unterminated (an unterminated OSC 8 would otherwise swallow what follows);
// - CSI (ESC [ or 8-bit 0x9B) with parameters, intermediates and a final byte;
// - any other two-or-more byte ESC sequence (ESC ( B, ESC c, ESC 7 …).
const STRING_SEQUENCE =
  /(?:\u001b[\]PX^_]|[\u0090\u0098\u009d\u009e\u009f])[\s\S]*?(?:\u0007|\u001b\\|\u009c|$)/g;
const CSI_SEQUENCE = /(?:\u001b\[|\u009b)[\u0030-\u003f]*[\u0020-\u002f]*[\u0040-\u007e]?/g;
const OTHER_ESCAPE = /\u001b[\u0020-\u002f]*[\u0030-\u007e]?/g;

// Line breaks and tabs become a space so words stay apart.
const BREAKS = /[\t\n\v\f\r\u0085\u2028\u2029]/g;
// Controls (C0, DEL, C1) and format characters: bidi embeddings/overrides/isolates (U+202A–U+202E,
// U+2066–U+2069), LRM/RLM/ALM, zero-width space/joiners (U+200B–U+200D), word joiner U+2060,
// BOM U+FEFF, soft hyphen, tag characters — all invisible or able to reorder what is shown.
const INVISIBLE = /[\p{Cc}\p{Cf}]/gu;

function stripEscapes(s: string): string {
  return s.replace(STRING_SEQUENCE, "").replace(CSI_SEQUENCE, "").replace(OTHER_ESCAPE, "");
}

/** Text safe to print on a terminal: no escapes, no controls, no invisible or bidi characters. */
export function cleanForTerminal(s: string): string {
  return stripEscapes(s).replace(BREAKS, " ").replace(INVISIBLE, "");
}

// Controls other than TAB/LF/CR mean nothing in a name or email, and ESC/C1 would act on a terminal
// if the CSV is printed rather than saved; TAB/LF/CR are kept (quoted) so the data stays faithful.
const CSV_CONTROLS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g;
const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

/**
 * One RFC 4180 cell. A value a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, TAB, CR first)
 * gets a leading `'`. Only for strings: our own numeric columns are written directly.
 */
export function csvCell(s: string): string {
  let v = s.replace(CSV_CONTROLS, "");
  if (FORMULA_START.test(v)) v = `'${v}`;
  return NEEDS_QUOTES.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

// Characters with meaning inside a GitHub table cell: the cell separator, escapes, code spans,
// emphasis, strikethrough, HTML, links/images and inline math.
const MARKDOWN_SPECIAL = /[\\|`*_<>[\]~$]/g;

/** Text for one GitHub-flavoured Markdown table cell, shown literally. */
export function markdownCell(s: string): string {
  return cleanForTerminal(s).replace(MARKDOWN_SPECIAL, (c) => `\\${c}`);
}
