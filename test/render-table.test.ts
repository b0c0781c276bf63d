import stringWidth from "string-width";
import { describe, expect, it } from "vitest";
import { renderTable } from "../src/render/table.ts";
import { plat, report, seedUsers, user } from "./render-fixture.ts";

const SEED = `AI Coding Usage Leaderboard (Last 30 days)
════════════════════════════════════════════════════════════════════════════════
  #   User                Requests   Tokens      Cost   Tools
────────────────────────────────────────────────────────────────────────────────
  1   alice@company.com        342     2.1M   $127.40   Claude, OpenAI
        Claude                 220     1.5M    $95.00
        OpenAI                 122   620.3K    $32.40
  2   bob@company.com          285     1.8M    $98.20   Claude, OpenAI, Cursor
        Claude                 150     1.0M    $60.00
        OpenAI                  85   500.0K    $25.20
        Cursor                  50   300.0K    $13.00
  3   carol@company.com        201     1.2M    $67.50   Claude
════════════════════════════════════════════════════════════════════════════════
`;

const CONTROL =
  /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]/;

/** Lines of the table body: everything between the header rule and the closing rule. */
function dataLines(text: string): string[] {
  const lines = text.split("\n");
  const start = lines.findIndex((l) => l.startsWith("─"));
  const end = lines.findIndex((l, i) => i > start && l.startsWith("═"));
  return lines.slice(start - 1, end).filter((l) => !l.startsWith("─"));
}

describe("renderTable", () => {
  it("reproduces the seed layout character for character at 80 columns", () => {
    expect(renderTable(report(seedUsers()), { width: 80, color: false })).toBe(SEED);
  });

  it("marks estimated costs with ~ and adds the footnote", () => {
    const out = renderTable(report(seedUsers(true)), { width: 80, color: false });
    expect(out).toBe(
      `AI Coding Usage Leaderboard (Last 30 days)
════════════════════════════════════════════════════════════════════════════════
  #   User                Requests   Tokens       Cost   Tools
────────────────────────────────────────────────────────────────────────────────
  1   alice@company.com        342     2.1M   ~$127.40   Claude, OpenAI
        Claude                 220     1.5M     $95.00
        OpenAI                 122   620.3K    ~$32.40
  2   bob@company.com          285     1.8M    ~$98.20   Claude, OpenAI, Cursor
        Claude                 150     1.0M     $60.00
        OpenAI                  85   500.0K    ~$25.20
        Cursor                  50   300.0K     $13.00
  3   carol@company.com        201     1.2M     $67.50   Claude
════════════════════════════════════════════════════════════════════════════════
~ estimated from list prices (OpenAI reports no per-user cost)
`,
    );
  });

  it("titles a --since window with the date range", () => {
    const out = renderTable(report(seedUsers(), { windowMode: "range" }), { width: 80, color: false });
    expect(out.split("\n")[0]).toBe("AI Coding Usage Leaderboard (2026-10-26 – 2026-11-24)");
  });

  it("renders an empty report as title, rules and a message", () => {
    expect(renderTable(report([]), { width: 80, color: false })).toBe(
      `AI Coding Usage Leaderboard (Last 30 days)\n${"═".repeat(80)}\n  No usage in this window.\n${"═".repeat(80)}\n`,
    );
  });

  it("colours only when asked", () => {
    const plain = renderTable(report(seedUsers()), { width: 80, color: false });
    const coloured = renderTable(report(seedUsers()), { width: 80, color: true });
    expect(plain).not.toContain("\u001b");
    expect(coloured).toContain("\u001b[");
    expect(coloured.replace(/\u001b\[\d+m/g, "")).toBe(plain);
  });

  it("widens the rules with a table wider than 80 columns, within the terminal", () => {
    const long = `${"x".repeat(70)}@company.com`;
    const out = renderTable(report([user(1, long, [plat("claude", 1, 1, 1)])]), { width: 200, color: false });
    const lines = out.trimEnd().split("\n");
    const widest = Math.max(...lines.map((l) => stringWidth(l)));
    expect(lines[1]).toBe("═".repeat(widest));
    expect(lines[4]).toBe(`  1   ${long}          1        1   $0.01   Claude`);
  });

  for (const width of [40, 60]) {
    it(`fits ${width} columns with aligned rows`, () => {
      const rank10 = Array.from({ length: 10 }, (_, i) =>
        user(i + 4, `person-number-${i}@a-rather-long-domain.example`, [plat("cursor", 1234, 999_950, 1)]),
      );
      const out = renderTable(report([...seedUsers(true), ...rank10], { windowMode: "range" }), {
        width,
        color: false,
      });
      const lines = out.trimEnd().split("\n");
      for (const l of lines) expect(stringWidth(l)).toBeLessThanOrEqual(width);
      const data = dataLines(out);
      // Every data line ends at the Cost column (Tools dropped when narrow), so all have one width.
      expect(new Set(data.map((l) => stringWidth(l))).size).toBe(1);
      expect(out).toContain("1.0M");
      expect(out).toContain("1,234");
      expect(out).toContain("…");
      expect(out).toContain("2026-11-24)");
      expect(out).toContain("~$127.40");
      expect(out).toContain("estimated from list prices");
    });
  }

  it("at 60 columns drops Tools but keeps the sub-rows", () => {
    const out = renderTable(report(seedUsers()), { width: 60, color: false });
    expect(out).toBe(`AI Coding Usage Leaderboard (Last 30 days)
════════════════════════════════════════════════════════════
  #   User                Requests   Tokens      Cost
────────────────────────────────────────────────────────────
  1   alice@company.com        342     2.1M   $127.40
        Claude                 220     1.5M    $95.00
        OpenAI                 122   620.3K    $32.40
  2   bob@company.com          285     1.8M    $98.20
        Claude                 150     1.0M    $60.00
        OpenAI                  85   500.0K    $25.20
        Cursor                  50   300.0K    $13.00
  3   carol@company.com        201     1.2M    $67.50
════════════════════════════════════════════════════════════
`);
  });

  it("at 40 columns uses the tight layout", () => {
    const out = renderTable(report(seedUsers()), { width: 40, color: false });
    expect(out).toBe(`AI Coding Usage Leaderboard
(Last 30 days)
════════════════════════════════════════
# User              Reqs Tokens    Cost
────────────────────────────────────────
1 alice@company.com  342   2.1M $127.40
    Claude           220   1.5M  $95.00
    OpenAI           122 620.3K  $32.40
2 bob@company.com    285   1.8M  $98.20
    Claude           150   1.0M  $60.00
    OpenAI            85 500.0K  $25.20
    Cursor            50 300.0K  $13.00
3 carol@company.com  201   1.2M  $67.50
════════════════════════════════════════
`);
  });

  it("drops the sub-rows when the User column gets too narrow for them", () => {
    const out = renderTable(report(seedUsers()), { width: 26, color: false });
    expect(out).toBe(`AI Coding Usage
Leaderboard (Last 30 days)
══════════════════════════
# User Reqs Tokens    Cost
──────────────────────────
1 ali…  342   2.1M $127.40
2 bob…  285   1.8M  $98.20
3 car…  201   1.2M  $67.50
══════════════════════════
`);
  });

  it("neutralises hostile vendor strings and keeps alignment", () => {
    const hostile = [
      "\u001b[31mred\u001b[0m@evil.com",
      "\u001b]8;;https://evil.example\u0007click\u001b]8;;\u0007@evil.com",
      "over\rwrite@evil.com",
      "new\nline@evil.com",
      "\u202emoc.live@nimda",
      "zero\u200b\u200d\u2060\ufeffwidth@evil.com",
      `${"a".repeat(290)}@evil.com`,
      "山田太郎@例え.jp",
      "👩‍💻coder@evil.com",
      "\u009b31mc1@evil.com",
    ];
    const users = hostile.map((name, i) =>
      user(i + 1, name, [plat("claude", 5, 5000, 100), plat("openai", 5, 5000, 100, true)]),
    );
    for (const width of [40, 60, 80, 120]) {
      const out = renderTable(report(users), { width, color: false });
      expect(out).not.toMatch(CONTROL);
      const lines = out.trimEnd().split("\n");
      for (const l of lines) expect(stringWidth(l)).toBeLessThanOrEqual(width);
      const data = dataLines(out).slice(1);
      const userLines = data.filter((l) => /^\s*\d/.test(l));
      const subLines = data.filter((l) => !/^\s*\d/.test(l));
      expect(userLines).toHaveLength(hostile.length);
      expect(subLines).toHaveLength(hostile.length * 2);
      // Same numbers and tools on every row, so any misalignment shows as a different width.
      expect(new Set(userLines.map((l) => stringWidth(l))).size).toBe(1);
      expect(new Set(subLines.map((l) => stringWidth(l))).size).toBe(1);
    }
    const wide = renderTable(report(users), { width: 120, color: false });
    expect(wide).toContain("red@evil.com");
    expect(wide).toContain("click@evil.com");
    expect(wide).toContain("over write@evil.com");
    expect(wide).toContain("new line@evil.com");
    expect(wide).toContain("moc.live@nimda");
    expect(wide).toContain("zerowidth@evil.com");
    expect(wide).toContain("山田太郎@例え.jp");
    expect(wide).toContain("aaaa…");
  });
});
