import { describe, expect, it } from "vitest";
import { renderCsv } from "../src/render/csv.ts";
import { formatCost, formatRequests, formatTokens, nanosToDecimal } from "../src/render/format.ts";
import { render } from "../src/render/index.ts";
import { renderJson } from "../src/render/json.ts";
import { renderMarkdown } from "../src/render/markdown.ts";
import { plat, report, seedUsers, user } from "./render-fixture.ts";

const HOSTILE = [
  "\u001b[31mred\u001b[0m",
  "\u001b]8;;https://evil.example\u0007link\u001b]8;;\u0007",
  "cr\rlf\nx",
  "\u202eabc\u2066",
  "z\u200b\u200d\u2060\ufeffw",
  "\u009b2J",
  "山田太郎",
].join("|");

describe("number formatting", () => {
  it("formats tokens with one decimal and the right unit", () => {
    const cases: [number, string][] = [
      [0, "0"],
      [950, "950"],
      [999, "999"],
      [1000, "1.0K"],
      [620_300, "620.3K"],
      [999_949, "999.9K"],
      [999_950, "1.0M"],
      [1_500_000, "1.5M"],
      [2_120_300, "2.1M"],
      [1_234_567_890, "1.2B"],
      [999_950_000_000, "1.0T"],
    ];
    for (const [n, s] of cases) expect(formatTokens(n)).toBe(s);
  });

  it("formats requests and costs", () => {
    expect(formatRequests(0)).toBe("0");
    expect(formatRequests(999)).toBe("999");
    expect(formatRequests(1234)).toBe("1,234");
    expect(formatRequests(1_234_567)).toBe("1,234,567");
    expect(formatCost(127_400_000_000, false)).toBe("$127.40");
    expect(formatCost(32_400_000_000, true)).toBe("~$32.40");
    expect(formatCost(1_234_567_005_000_000, false)).toBe("$1,234,567.01");
  });

  it("writes exact decimals from nano-dollars", () => {
    expect(nanosToDecimal(127_400_000_000)).toBe("127.40");
    expect(nanosToDecimal(0)).toBe("0.00");
    expect(nanosToDecimal(100)).toBe("0.0000001");
    expect(nanosToDecimal(213_623_200)).toBe("0.2136232");
    expect(nanosToDecimal(-5_000_000_000)).toBe("-5.00");
  });
});

describe("renderJson", () => {
  const rep = report(seedUsers(true), {
    platforms: [
      { platform: "claude", status: "ok", message: null },
      { platform: "openai", status: "skipped", message: "OPENAI_ORG_API_KEY is not set" },
      { platform: "cursor", status: "ok", message: null, counters: { excludedEvents: 7, status: 99 } },
    ],
    unpricedModels: ["gpt-9"],
  });

  it("emits the contract object, pretty-printed with a trailing newline", () => {
    const text = renderJson(rep);
    expect(text.endsWith("}\n")).toBe(true);
    expect(text.split("\n")[1]).toBe('  "window": {');
    const obj = JSON.parse(text);
    expect(Object.keys(obj)).toEqual(["window", "sort", "platforms", "users", "totals", "unpricedModels"]);
    expect(obj.window).toEqual({ since: "2026-10-26", until: "2026-11-24", days: 30 });
    expect(obj.sort).toBe("requests");
    expect(obj.platforms).toEqual([
      { platform: "claude", status: "ok", message: null },
      { platform: "openai", status: "skipped", message: "OPENAI_ORG_API_KEY is not set" },
      { platform: "cursor", status: "ok", message: null, excludedEvents: 7 },
    ]);
    expect(obj.unpricedModels).toEqual(["gpt-9"]);
    expect(obj.users).toHaveLength(3);
    const alice = obj.users[0];
    expect(Object.keys(alice)).toEqual([
      "rank",
      "user",
      "email",
      "requests",
      "tokens",
      "inputTokens",
      "outputTokens",
      "cacheReadTokens",
      "cacheWriteTokens",
      "costUsd",
      "costEstimated",
      "tools",
      "platforms",
    ]);
    expect(alice).toMatchObject({
      rank: 1,
      user: "alice@company.com",
      email: "alice@company.com",
      requests: 342,
      tokens: 2_120_300,
      inputTokens: 1_192_670,
      outputTokens: 530_075,
      cacheReadTokens: 265_037,
      cacheWriteTokens: 132_518,
      costUsd: 127.4,
      costEstimated: true,
      tools: ["Claude", "OpenAI"],
    });
    expect(alice.platforms[1]).toEqual({
      platform: "openai",
      requests: 122,
      tokens: 620_300,
      inputTokens: 348_920,
      outputTokens: 155_075,
      cacheReadTokens: 77_537,
      cacheWriteTokens: 38_768,
      costUsd: 32.4,
      costEstimated: true,
    });
    expect(obj.totals).toEqual({
      requests: 828,
      tokens: 5_120_300,
      inputTokens: 2_880_170,
      outputTokens: 1_280_075,
      cacheReadTokens: 640_037,
      cacheWriteTokens: 320_018,
      costUsd: 293.1,
      costEstimated: true,
    });
    expect(text).toContain('"costUsd": 127.4,');
    expect(text).toContain('"costUsd": 293.1,');
  });

  it("adds demo only for demo reports", () => {
    expect(JSON.parse(renderJson({ ...rep, demo: true })).demo).toBe(true);
    expect("demo" in JSON.parse(renderJson(rep))).toBe(false);
  });

  it("keeps costs exact to the nano-dollar without float noise", () => {
    const tiny = report([
      user(1, "a", [plat("openai", 1, 1, 0.00001, true), plat("claude", 1, 1, 0.1 + 0.2)]),
    ]);
    const obj = JSON.parse(renderJson(tiny));
    expect(obj.users[0].platforms[0].costUsd).toBe(0.0000001);
    expect(obj.users[0].platforms[1].costUsd).toBe(0.003);
    expect(obj.users[0].costUsd).toBe(0.0030001);
  });

  it("round-trips hostile strings exactly and never prints raw controls", () => {
    const rep2 = report([user(1, HOSTILE, [plat("claude", 1, 1, 1)], `${HOSTILE}@x`)]);
    const text = renderJson(rep2);
    expect(text).not.toMatch(
      /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\u200b-\u200d]/,
    );
    const obj = JSON.parse(text);
    expect(obj.users[0].user).toBe(HOSTILE);
    expect(obj.users[0].email).toBe(`${HOSTILE}@x`);
  });

  it("writes null for an unknown email", () => {
    const obj = JSON.parse(
      renderJson(report([user(1, "user-abc123", [plat("openai", 1, 1, 1, true)], null)])),
    );
    expect(obj.users[0].email).toBeNull();
  });
});

describe("renderCsv", () => {
  it("writes platform rows then an `all` row per user", () => {
    const csv = renderCsv(report(seedUsers(true).slice(0, 1)));
    expect(csv).toBe(
      [
        "rank,user,email,platform,requests,tokens,input_tokens,output_tokens,cache_read_tokens,cache_write_tokens,cost_usd,cost_estimated,tools",
        "1,alice@company.com,alice@company.com,claude,220,1500000,843750,375000,187500,93750,95.000000000,false,Claude",
        "1,alice@company.com,alice@company.com,openai,122,620300,348920,155075,77537,38768,32.400000000,true,OpenAI",
        "1,alice@company.com,alice@company.com,all,342,2120300,1192670,530075,265037,132518,127.400000000,true,Claude;OpenAI",
        "",
      ].join("\n"),
    );
  });

  it("writes only the header for an empty report and an empty cell for no email", () => {
    expect(renderCsv(report([]))).toBe(
      "rank,user,email,platform,requests,tokens,input_tokens,output_tokens,cache_read_tokens,cache_write_tokens,cost_usd,cost_estimated,tools\n",
    );
    const line = renderCsv(report([user(1, "user-abc", [plat("openai", 1, 1, 1, true)], null)])).split(
      "\n",
    )[1];
    expect(line).toBe("1,user-abc,,openai,1,1,1,0,0,0,0.010000000,true,OpenAI");
  });

  it("neutralises formulas and quotes commas, quotes and newlines", () => {
    const names = [
      '=HYPERLINK("http://evil")',
      "+1+1",
      "-2+3",
      "@SUM(A1)",
      "a,b",
      'say "hi"',
      "two\nlines",
      "\tx",
    ];
    const cells = names.map((n) => {
      const body = renderCsv(report([user(1, n, [plat("claude", 1, 1, 1)], null)]));
      const rows = body.slice(body.indexOf("\n") + 1);
      const cell = rows.slice(2, rows.indexOf(",,claude,"));
      // The same cell on the platform row and the `all` row.
      expect(rows).toBe(
        `1,${cell},,claude,1,1,1,0,0,0,0.010000000,false,Claude\n1,${cell},,all,1,1,1,0,0,0,0.010000000,false,Claude\n`,
      );
      return cell;
    });
    expect(cells).toEqual([
      '"\'=HYPERLINK(""http://evil"")"',
      "'+1+1",
      "'-2+3",
      "'@SUM(A1)",
      '"a,b"',
      '"say ""hi"""',
      '"two\nlines"',
      "'\tx",
    ]);
  });
});

describe("renderMarkdown", () => {
  it("renders a GitHub table with sub-rows and the estimate footnote", () => {
    expect(renderMarkdown(report(seedUsers(true)))).toBe(`### AI Coding Usage Leaderboard (Last 30 days)

| # | User | Requests | Tokens | Cost | Tools |
|--:|:--|--:|--:|--:|:--|
| 1 | alice@company.com | 342 | 2.1M | ~$127.40 | Claude, OpenAI |
|  | ↳ Claude | 220 | 1.5M | $95.00 |  |
|  | ↳ OpenAI | 122 | 620.3K | ~$32.40 |  |
| 2 | bob@company.com | 285 | 1.8M | ~$98.20 | Claude, OpenAI, Cursor |
|  | ↳ Claude | 150 | 1.0M | $60.00 |  |
|  | ↳ OpenAI | 85 | 500.0K | ~$25.20 |  |
|  | ↳ Cursor | 50 | 300.0K | $13.00 |  |
| 3 | carol@company.com | 201 | 1.2M | $67.50 | Claude |

~ estimated from list prices (OpenAI reports no per-user cost)
`);
  });

  it("titles a range and has no footnote without estimates", () => {
    const md = renderMarkdown(report(seedUsers().slice(2), { windowMode: "range" }));
    expect(md.split("\n")[0]).toBe("### AI Coding Usage Leaderboard (2026-10-26 – 2026-11-24)");
    expect(md).not.toContain("estimated");
  });

  it("escapes pipes, markup and newlines in vendor strings", () => {
    const md = renderMarkdown(
      report([user(1, "a|b\nc *d* _e_ `f` <g> [h](i) \\ \u001b[31m", [plat("claude", 1, 1, 1)])]),
    );
    expect(md.split("\n")[4]).toBe(
      "| 1 | a\\|b c \\*d\\* \\_e\\_ \\`f\\` \\<g\\> \\[h\\](i) \\\\  | 1 | 1 | $0.01 | Claude |",
    );
  });
});

describe("render", () => {
  it("dispatches on the format", async () => {
    const rep = report(seedUsers());
    const opts = { width: 80, color: false };
    expect(await render(rep, "json", opts)).toBe(renderJson(rep));
    expect(await render(rep, "csv", opts)).toBe(renderCsv(rep));
    expect(await render(rep, "markdown", opts)).toBe(renderMarkdown(rep));
    expect((await render(rep, "table", opts)).split("\n")[0]).toBe(
      "AI Coding Usage Leaderboard (Last 30 days)",
    );
  });
});
