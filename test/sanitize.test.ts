import { describe, expect, it } from "vitest";
import { cleanForTerminal, csvCell, markdownCell } from "../src/render/sanitize.ts";

describe("cleanForTerminal", () => {
  const cases: [string, string, string][] = [
    ["plain", "alice@company.com", "alice@company.com"],
    ["SGR colour", "\u001b[31mred\u001b[0m", "red"],
    ["cursor movement and clear screen", "a\u001b[2J\u001b[1;1Hb\u001b[?25l", "ab"],
    ["OSC 8 hyperlink ended by BEL", "\u001b]8;;https://evil\u0007click\u001b]8;;\u0007", "click"],
    ["OSC title ended by ST", "\u001b]0;pwned\u001b\\after", "after"],
    ["unterminated OSC", "before\u001b]8;;https://evil", "before"],
    ["8-bit CSI", "\u009b31mx", "x"],
    ["charset and single-char escapes", "\u001b(Ba\u001bcb\u001b7", "ab"],
    ["carriage return, newline, tab", "over\rwrite\nnext\tcol", "over write next col"],
    ["BEL, backspace, DEL, NUL", "a\u0007b\bc\u007fd\u0000e", "abcde"],
    ["RTL override and isolates", "\u202eevil\u202c \u2066x\u2069 \u202a\u202b\u202d", "evil x "],
    ["zero-width characters and BOM", "z\u200bw\u200cj\u200dx\u2060y\ufeff", "zwjxy"],
    ["line and paragraph separators", "a\u2028b\u2029c\u0085d", "a b c d"],
    ["CJK and emoji kept", "山田太郎 🎉", "山田太郎 🎉"],
  ];
  for (const [name, input, expected] of cases) {
    it(name, () => expect(cleanForTerminal(input)).toBe(expected));
  }
});

describe("csvCell", () => {
  it("passes plain values through", () => {
    expect(csvCell("alice@company.com")).toBe("alice@company.com");
    expect(csvCell("")).toBe("");
    expect(csvCell("a-b=c")).toBe("a-b=c");
  });

  it("neutralises formula prefixes", () => {
    expect(csvCell("=1+2")).toBe("'=1+2");
    expect(csvCell("+1")).toBe("'+1");
    expect(csvCell("-1")).toBe("'-1");
    expect(csvCell("@SUM(A1)")).toBe("'@SUM(A1)");
    expect(csvCell("\tx")).toBe("'\tx");
    expect(csvCell("\rx")).toBe('"\'\rx"');
  });

  it("quotes per RFC 4180", () => {
    expect(csvCell("a,b")).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell("a\nb")).toBe('"a\nb"');
    expect(csvCell("a\r\nb")).toBe('"a\r\nb"');
    expect(csvCell('=cmd|" /C calc"!A0')).toBe('"\'=cmd|"" /C calc""!A0"');
  });

  it("drops terminal controls but keeps the text", () => {
    expect(csvCell("\u001b[31mred\u001b[0m")).toBe("[31mred[0m");
    expect(csvCell("a\u0000b\u009bc")).toBe("abc");
  });
});

describe("markdownCell", () => {
  it("escapes table and inline markup", () => {
    expect(markdownCell("a|b")).toBe("a\\|b");
    expect(markdownCell("back\\slash")).toBe("back\\\\slash");
    expect(markdownCell("`code` *b* _i_ ~s~")).toBe("\\`code\\` \\*b\\* \\_i\\_ \\~s\\~");
    expect(markdownCell("<img src=x>")).toBe("\\<img src=x\\>");
    expect(markdownCell("[x](http://evil)")).toBe("\\[x\\](http://evil)");
    expect(markdownCell("$x$")).toBe("\\$x\\$");
  });

  it("turns newlines into spaces and strips controls", () => {
    expect(markdownCell("one\ntwo\r\nthree")).toBe("one two  three");
    expect(markdownCell("\u001b[31mred\u202e")).toBe("red");
  });
});
