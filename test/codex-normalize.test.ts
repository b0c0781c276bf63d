import { describe, expect, it } from "vitest";
import {
  attosToNanos,
  creditsToAttos,
  decimalUnits,
  parseCreditPrice,
  usdToAttos,
} from "../src/platforms/codex/money.ts";
import { clientTurns, emptyStats, identityOf, normalizeUsage } from "../src/platforms/codex/normalize.ts";
import type { CodexUsageRow } from "../src/platforms/codex/schema.ts";

const DAY = Date.parse("2026-08-05T00:00:00Z") / 1000;
const PRICE = 40_000_000n; // $0.04 a credit in nano-dollars

function row(extra: Partial<CodexUsageRow> & { totals: CodexUsageRow["totals"] }): CodexUsageRow {
  return {
    start_time: DAY,
    end_time: DAY + 86_400,
    user_id: "user-1",
    actor: { user_id: "user-1", email: "A@X.com" },
    ...extra,
  };
}
const pick = (rows: ReturnType<typeof normalizeUsage>) =>
  rows.map((r) => [r.model, r.requests, r.inputTokens, r.cacheReadTokens, r.outputTokens, r.costNanos]);

describe("codex money", () => {
  it("reads decimals exactly, exponents included", () => {
    expect(decimalUnits(0.1, 9)).toBe(100_000_000n);
    expect(decimalUnits(1e-7, 9)).toBe(100n);
    expect(decimalUnits("12.3456789012", 9)).toBe(12_345_678_901n); // half-up beyond 9 decimals
    expect(decimalUnits("2.5E+3", 0)).toBe(2500n);
    expect(decimalUnits("abc", 9)).toBeUndefined();
    expect(decimalUnits(-1, 9)).toBeUndefined();
    expect(decimalUnits(Number.NaN, 9)).toBeUndefined();
  });

  it("sums credits × price without float drift", () => {
    // 0.1 + 0.2 credits in floats is 0.30000000000000004; here each part is exact.
    const attos = creditsToAttos(0.1, PRICE) + creditsToAttos(0.2, PRICE);
    expect(attosToNanos(attos)).toBe(12_000_000);
    expect(attosToNanos(creditsToAttos(77.5, PRICE))).toBe(3_100_000_000);
    expect(attosToNanos(usdToAttos("0.0000000015")!)).toBe(2); // half-up to the nano-dollar
  });

  it.each([
    ["0.04", 40_000_000n],
    [" 0.031 ", 31_000_000n],
    [".05", 50_000_000n],
    ["1", 1_000_000_000n],
    ["0.0375", 37_500_000n],
  ])("reads the credit price %s", (text, nanos) => {
    expect(parseCreditPrice(text)).toBe(nanos);
  });

  it.each(["", "abc", "-0.04", "0,04", "4e-2", "$0.04", "1001", "0.04 USD"])(
    "refuses the credit price %j",
    (text) => {
      expect(parseCreditPrice(text)).toBeUndefined();
    },
  );
});

describe("codex identity", () => {
  it.each([
    [{ actor: { user_id: "u", email: " Jane@Example.COM " } }, "jane@example.com", "jane@example.com"],
    [{ actor: { user_id: "u", email: null }, email: "Top@x.com" }, "top@x.com", "top@x.com"],
    [{ actor: { user_id: "u-actor" }, user_id: "u-top" }, "codex-user:u-actor", null],
    [{ actor: null, user_id: "u-top" }, "codex-user:u-top", null],
    [{ actor: { user_id: "  " }, user_id: null, email: "  " }, "(unattributed)", null],
  ])("%j → %s", (fields, identity, email) => {
    expect(identityOf({ start_time: DAY, totals: { turns: 1 }, ...fields } as CodexUsageRow)).toEqual({
      identity,
      email,
    });
  });
});

describe("codex rows per model", () => {
  const tokens = {
    uncached_text_input_tokens: 1000,
    cached_text_input_tokens: 4000,
    text_output_tokens: 500,
  };

  it("no models[]: one row under codex", () => {
    const rows = normalizeUsage(
      [row({ totals: { turns: 5, credits: 2.5, ...tokens } })],
      PRICE,
      emptyStats(),
    );
    expect(pick(rows)).toEqual([["codex", 5, 1000, 4000, 500, 100_000_000]]);
    expect(rows[0]).toMatchObject({
      identity: "a@x.com",
      day: "2026-08-05",
      costEstimated: true,
      cacheWriteTokens: 0,
    });
  });

  it("one model without tokens: everything on it", () => {
    const rows = normalizeUsage(
      [row({ totals: { turns: 5, credits: 2.5, ...tokens }, models: [{ model: "gpt-5.5", credits: 2.5 }] })],
      PRICE,
      emptyStats(),
    );
    expect(pick(rows)).toEqual([["gpt-5.5", 5, 1000, 4000, 500, 100_000_000]]);
  });

  it("several models with tokens: each keeps its own, turns go to codex (mixed)", () => {
    const rows = normalizeUsage(
      [
        row({
          totals: { turns: 7, credits: 3, ...tokens },
          models: [
            {
              model: "gpt-5.5",
              credits: 2,
              uncached_text_input_tokens: 600,
              cached_text_input_tokens: 4000,
              text_output_tokens: 300,
            },
            {
              model: "gpt-5.4",
              credits: 1,
              uncached_text_input_tokens: 400,
              cached_text_input_tokens: 0,
              text_output_tokens: 200,
            },
          ],
        }),
      ],
      PRICE,
      emptyStats(),
    );
    expect(pick(rows)).toEqual([
      ["gpt-5.5", 0, 600, 4000, 300, 80_000_000],
      ["gpt-5.4", 0, 400, 0, 200, 40_000_000],
      ["codex (mixed)", 7, 0, 0, 0, 0],
    ]);
  });

  it("several models with credits only: tokens and what the models miss on codex (mixed)", () => {
    const rows = normalizeUsage(
      [
        row({
          totals: { turns: 7, credits: 3.5, ...tokens },
          models: [
            { model: "gpt-5.5", speed: "standard", credits: 1 },
            { model: "gpt-5.5", speed: "fast", credits: 2 },
            { model: null, credits: 0.25 },
          ],
        }),
      ],
      PRICE,
      emptyStats(),
    );
    expect(pick(rows)).toEqual([
      ["gpt-5.5", 0, 0, 0, 0, 120_000_000],
      ["other", 0, 0, 0, 0, 10_000_000],
      ["codex (mixed)", 7, 1000, 4000, 500, 10_000_000],
    ]);
  });

  it("prefers estimated_cost_usd, adds cost_usd, and falls back to clients for missing tokens", () => {
    const stats = emptyStats();
    const rows = normalizeUsage(
      [
        row({
          totals: { turns: 2, credits: 100, estimated_cost_usd: "4.5", cost_usd: 0.25 },
          clients: [
            { client_id: "CODEX_CLI", turns: 1, uncached_text_input_tokens: 10, text_output_tokens: 1 },
            { client_id: "CODEX_WEB", turns: 1, uncached_text_input_tokens: 20, cached_text_input_tokens: 5 },
          ],
        }),
      ],
      PRICE,
      stats,
    );
    expect(pick(rows)).toEqual([["codex", 2, 30, 5, 1, 4_750_000_000]]);
    expect(stats.tokensMissing).toBe(0);
  });

  it("sums rows that share a key and counts inconsistencies", () => {
    const stats = emptyStats();
    const one = row({ totals: { turns: 1, credits: 1, ...tokens, text_total_tokens: 9 } });
    const rows = normalizeUsage(
      [
        one,
        { ...one, actor: { user_id: "user-1", email: "a@x.COM" } },
        row({ totals: { turns: 1, credits: 1 }, models: [{ model: "m", credits: 2 }] }),
      ],
      PRICE,
      stats,
    );
    expect(pick(rows)).toEqual([
      ["codex", 2, 2000, 8000, 1000, 80_000_000],
      ["m", 1, 0, 0, 0, 80_000_000],
    ]);
    expect(stats.totalMismatch).toBe(2);
    expect(stats.tokensMissing).toBe(1);
    expect(stats.modelsExceedTotals).toBe(1);
  });
});

describe("codex client counters", () => {
  it("counts turns per client and day; odd client ids go to CODEX_UNKNOWN_DEFAULT", () => {
    const next = DAY + 86_400;
    const counters = clientTurns([
      row({
        totals: { turns: 6 },
        clients: [
          { client_id: "CODEX_CLI", turns: 4 },
          { client_id: "__proto__ x", turns: 2 },
        ],
      }),
      row({ user_id: "user-2", totals: { turns: 1 }, clients: [{ client_id: "codex_cli", turns: 1 }] }),
      row({ start_time: next, totals: { turns: 3 }, clients: [{ turns: 3 }] }),
      row({ totals: { turns: 9 } }),
    ]);
    expect(counters).toEqual({
      "2026-08-05": { "turns:CODEX_CLI": 5, "turns:CODEX_UNKNOWN_DEFAULT": 2 },
      "2026-08-06": { "turns:CODEX_UNKNOWN_DEFAULT": 3 },
    });
  });
});
