import { describe, expect, it } from "vitest";
import { terminalWidth } from "../src/cli/report.ts";
import { renderCsv } from "../src/render/csv.ts";
import { count, nanosToFixed9 } from "../src/render/format.ts";
import { renderMarkdown } from "../src/render/markdown.ts";
import { renderTable } from "../src/render/table.ts";
import type { PlatformStatus } from "../src/report/report.ts";
import { plat, report, seedUsers, user } from "./render-fixture.ts";

/** The renderers' side of issue 11 ("a new user's first hour"): items 6, 7, 8, 9 and 10. */

const LONG = [
  user(1, "niaj.rossi@company.com", [
    plat("claude", 220, 1_500_000, 9500),
    plat("openai", 122, 620_300, 3240, true),
    plat("cursor", 50, 300_000, 1300),
  ]),
  user(2, "bartholomew.okafor@company.com", [plat("cursor", 201, 1_200_000, 6750)]),
];

const FAILED: PlatformStatus[] = [
  { platform: "claude", status: "ok", message: null },
  { platform: "openai", status: "skipped", message: "OPENAI_ORG_API_KEY is not set" },
  { platform: "cursor", status: "error", message: "HTTP 401: Invalid API key" },
];

describe("item 8: the person before the Tools column", () => {
  it("at 80 columns shortens Tools and keeps every email whole", () => {
    const out = renderTable(report(LONG), { width: 80, color: false });
    const lines = out.split("\n");
    expect(lines.every((l) => l.length <= 80)).toBe(true);
    expect(out).toContain("niaj.rossi@company.com ");
    expect(out).toContain("bartholomew.okafor@company.com ");
    expect(out).toMatch(/Tools\n/);
    // The three-tool row is the one that gives way.
    expect(lines.find((l) => l.includes("niaj.rossi"))).toMatch(/ {3}Claude, O…$/);
    expect(lines.find((l) => l.includes("bartholomew"))).toMatch(/ Cursor$/);
  });

  it("drops the Tools column before cutting an email", () => {
    const out = renderTable(report(LONG), { width: 70, color: false });
    expect(out).not.toContain("Tools");
    expect(out).toContain("bartholomew.okafor@company.com ");
    expect(out.split("\n").every((l) => l.length <= 70)).toBe(true);
  });

  it("keeps the seed's layout for the seed's data", () => {
    const out = renderTable(report(seedUsers()), { width: 80, color: false });
    expect(out).toContain("  2   bob@company.com          285     1.8M    $98.20   Claude, OpenAI, Cursor\n");
  });
});

describe("item 7: the width is read when drawing; piped without COLUMNS nothing is cut", () => {
  it("renders at Infinity width without cutting or wrapping", () => {
    const out = renderTable(report(LONG), { width: Number.POSITIVE_INFINITY, color: false });
    expect(out).not.toContain("…");
    expect(out).toContain("Claude, OpenAI, Cursor");
    expect(out).toContain("bartholomew.okafor@company.com");
  });

  it("terminalWidth: COLUMNS, else the terminal's current width, else Infinity when piped", () => {
    expect(terminalWidth({ env: { COLUMNS: "72" }, columns: 100, stdoutIsTTY: true })).toBe(72);
    expect(terminalWidth({ env: {}, columns: undefined, stdoutIsTTY: false })).toBe(Number.POSITIVE_INFINITY);
    const io = { env: {}, stdoutIsTTY: true, size: 60 };
    const live = {
      env: io.env,
      stdoutIsTTY: true,
      get columns() {
        return io.size;
      },
    };
    expect(terminalWidth(live)).toBe(60);
    io.size = 132; // a resize during the run
    expect(terminalWidth(live)).toBe(132);
  });
});

describe("item 6: a failed platform is named under the leaderboard", () => {
  it("table: one line per failed platform, after the closing rule", () => {
    const out = renderTable(report(seedUsers(), { platforms: FAILED }), { width: 80, color: false });
    expect(out.endsWith("═\n! cursor: HTTP 401: Invalid API key — not counted\n")).toBe(true);
    expect(out).not.toContain("openai:"); // skipped (no key) is not a failure
  });

  it("table: when every platform failed it says so instead of 'No usage in this window'", () => {
    const all: PlatformStatus[] = [
      { platform: "claude", status: "error", message: "HTTP 500: Internal error\u001b[31m" },
      { platform: "cursor", status: "error", message: "HTTP 401: Invalid API key" },
    ];
    const out = renderTable(report([], { platforms: all }), { width: 80, color: false });
    expect(out).toContain("No usage to show: every platform failed.");
    expect(out).not.toContain("No usage in this window");
    expect(out).toContain("! claude: HTTP 500: Internal error — not counted\n");
    expect(out).not.toContain("\u001b");
    expect(out).toContain("! cursor: HTTP 401: Invalid API key — not counted\n");
  });

  it("table: a long message wraps to the width", () => {
    const long: PlatformStatus[] = [
      { platform: "cursor", status: "error", message: "word ".repeat(30).trim() },
    ];
    const out = renderTable(report(seedUsers(), { platforms: long }), { width: 40, color: false });
    const tail = out.slice(out.lastIndexOf("! cursor")).trimEnd().split("\n");
    expect(tail.length).toBeGreaterThan(1);
    expect(tail.every((l) => l.length <= 40)).toBe(true);
    expect(tail.at(-1)).toMatch(/— not counted$/);
  });

  it("markdown: a list item per failed platform, vendor text escaped", () => {
    const platforms: PlatformStatus[] = [
      ...FAILED.slice(0, 2),
      { platform: "cursor", status: "error", message: "HTTP 401: <b>bad</b> | [x](y)" },
    ];
    const md = renderMarkdown(report(seedUsers(), { platforms }));
    expect(md.endsWith("\n\n- ! cursor: HTTP 401: \\<b\\>bad\\</b\\> \\| \\[x\\](y) — not counted\n")).toBe(
      true,
    );
    const none = renderMarkdown(report([], { platforms: [FAILED[2]!] }));
    expect(none).toContain(
      "No usage to show: every platform failed.\n\n- ! cursor: HTTP 401: Invalid API key",
    );
  });
});

describe("item 9: one CSV cost format", () => {
  it("every cost cell has exactly 9 decimals, exact from the nano-dollars", () => {
    expect(nanosToFixed9(45_300_000_000)).toBe("45.300000000");
    expect(nanosToFixed9(7_697_765_250)).toBe("7.697765250");
    expect(nanosToFixed9(1)).toBe("0.000000001");
    expect(nanosToFixed9(0)).toBe("0.000000000");
    expect(nanosToFixed9(-5_000_000_000)).toBe("-5.000000000");
    const users = [
      user(1, "a@x.com", [
        { ...plat("claude", 1, 10, 0), costNanos: 45_300_000_000 },
        { ...plat("cursor", 1, 10, 0), costNanos: 7_697_765_250 },
      ]),
    ];
    const rows = renderCsv(report(users)).trim().split("\n").slice(1);
    const costs = rows.map((r) => r.split(",")[10]);
    expect(costs).toEqual(["45.300000000", "7.697765250", "52.997765250"]);
  });
});

describe("item 10: counts with the right plural", () => {
  it("count", () => {
    expect(count(1, "day")).toBe("1 day");
    expect(count(0, "day")).toBe("0 days");
    expect(count(2, "settled day")).toBe("2 settled days");
    expect(count(1234, "row")).toBe("1,234 rows");
  });
});
