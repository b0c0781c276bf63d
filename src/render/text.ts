import stringWidth from "string-width";

/** Display-width helpers: CJK and emoji take two columns, combining marks none. */

export const displayWidth = (s: string): number => stringWidth(s);

const graphemes = new Intl.Segmenter("en", { granularity: "grapheme" });

/** Cut to at most `width` columns, ending in `…` when anything was cut. */
export function truncate(s: string, width: number): string {
  if (displayWidth(s) <= width) return s;
  if (width <= 0) return "";
  let out = "";
  let used = 0;
  for (const { segment } of graphemes.segment(s)) {
    const w = displayWidth(segment);
    if (used + w > width - 1) break;
    out += segment;
    used += w;
  }
  return `${out}…`;
}

export function padEnd(s: string, width: number): string {
  return s + " ".repeat(Math.max(0, width - displayWidth(s)));
}

export function padStart(s: string, width: number): string {
  return " ".repeat(Math.max(0, width - displayWidth(s))) + s;
}

/** Greedy wrap of whole tokens into lines of at most `width` columns; a token too wide is truncated. */
export function wrapTokens(tokens: string[], width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const token of tokens) {
    const candidate = line ? `${line} ${token}` : token;
    if (displayWidth(candidate) <= width) {
      line = candidate;
      continue;
    }
    if (line) lines.push(line);
    line = truncate(token, width);
  }
  if (line) lines.push(line);
  return lines;
}
