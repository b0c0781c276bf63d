import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { UsageError } from "../src/config/errors.ts";
import { defaultPricesPath, loadPriceOverrides } from "../src/config/prices.ts";
import { createPriceLookup, estimateCostNanos, stripDate } from "../src/pricing/lookup.ts";
import table from "../src/pricing/prices.json" with { type: "json" };

const lookup = createPriceLookup();

describe("price lookup", () => {
  it("finds exact ids", () => {
    expect(lookup("gpt-5.3-codex")).toEqual({ input: 1.75, cacheRead: 0.175, cacheWrite: 1.75, output: 14 });
    expect(lookup("claude-opus-5")).toEqual({ input: 5, cacheRead: 0.5, cacheWrite: 6.25, output: 25 });
  });

  it("strips OpenAI -YYYY-MM-DD and Anthropic -YYYYMMDD dates", () => {
    expect(stripDate("gpt-4.1-mini-2025-04-14")).toBe("gpt-4.1-mini");
    expect(stripDate("claude-3-5-haiku-20241022")).toBe("claude-3-5-haiku");
    expect(lookup("gpt-4.1-mini-2025-04-14")).toEqual({
      input: 0.4,
      cacheRead: 0.1,
      cacheWrite: 0.4,
      output: 1.6,
    });
    expect(lookup("gpt-5.4-2026-03-05")?.input).toBe(2.5);
    expect(lookup("claude-sonnet-4-20250514")?.output).toBe(15);
    // A snapshot date the table has never seen still resolves to its model.
    expect(lookup("claude-haiku-4-5-20991231")?.input).toBe(1);
    expect(lookup("claude-opus-4-6-20260101")?.cacheWrite).toBe(6.25);
  });

  it("keys both the dated id and its alias", () => {
    expect(lookup("claude-opus-4-5")).toEqual(lookup("claude-opus-4-5-20251101"));
    expect(lookup("claude-sonnet-4-5")?.input).toBe(3);
    expect(lookup("claude-sonnet-4-5-20250929")?.input).toBe(3);
  });

  it("resolves aliases", () => {
    expect(lookup("claude-3-5-haiku-latest")?.input).toBe(0.8);
    expect(lookup("claude-sonnet-4-0")?.input).toBe(3);
  });

  it("matches whole ids only", () => {
    expect(lookup("gpt-5-mini")?.input).toBe(0.25);
    expect(lookup("gpt-5-mini-preview")).toBeUndefined();
    expect(lookup("gpt-5-turbo")).toBeUndefined();
    expect(lookup("gpt")).toBeUndefined();
    expect(lookup("gpt-oss-internal")).toBeUndefined();
    expect(lookup("toString")).toBeUndefined();
    expect(lookup("gpt-5.6")).toBeUndefined();
  });

  it("applies overrides, partial or new", () => {
    const custom = createPriceLookup({
      "gpt-5": { output: 8 },
      "claude-opus-4-5": { input: 4 },
      "gpt-oss-internal": { input: 0.2, output: 0.8 },
      "half-known": { input: 1 },
    });
    expect(custom("gpt-5")).toEqual({ input: 1.25, cacheRead: 0.125, cacheWrite: 1.25, output: 8 });
    expect(custom("gpt-5-2025-08-07")?.output).toBe(8);
    expect(custom("claude-opus-4-5-20251101")).toEqual({
      input: 4,
      cacheRead: 0.5,
      cacheWrite: 6.25,
      output: 25,
    });
    expect(custom("gpt-oss-internal")).toEqual({ input: 0.2, cacheRead: 0.2, cacheWrite: 0.2, output: 0.8 });
    expect(custom("half-known")).toBeUndefined();
    // The bundled lookup is unaffected.
    expect(lookup("gpt-5")?.output).toBe(10);
  });

  it("has an as-of note per vendor and cacheWrite = input for OpenAI", () => {
    for (const vendor of Object.values(table.vendors)) expect(vendor.asOf).toMatch(/^\d{4}-\d{2}/);
    for (const price of Object.values(table.vendors.openai.models))
      expect(price.cacheWrite).toBe(price.input);
  });
});

describe("estimateCostNanos", () => {
  it("is exact in integer nano-dollars", () => {
    const tokens = {
      inputTokens: 1_000_000,
      cacheReadTokens: 2_000_000,
      cacheWriteTokens: 0,
      outputTokens: 500_000,
    };
    // 1.75 + 2 × 0.175 + 0.5 × 14 = 9.10 USD
    expect(estimateCostNanos(tokens, lookup("gpt-5.3-codex")!)).toBe(9_100_000_000);
    const small = { inputTokens: 7, cacheReadTokens: 3, cacheWriteTokens: 11, outputTokens: 13 };
    // 7×1250 + 3×125 + 11×1250 + 13×10000 = 8750 + 375 + 13750 + 130000
    expect(estimateCostNanos(small, lookup("gpt-5")!)).toBe(152_875);
    // Claude cache writes use the 5-minute price: 1000 × 6250 nanos.
    const write = { inputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 1000, outputTokens: 0 };
    expect(estimateCostNanos(write, lookup("claude-opus-4-8")!)).toBe(6_250_000);
  });

  it("rounds once per row", () => {
    const price = { input: 0.0001, cacheRead: 0.0001, cacheWrite: 0.0001, output: 0.0001 };
    // 0.1 nanos per token × 15 tokens = 1.5 → 2; rounding each field (0.5 → 1) would give 3.
    const tokens = { inputTokens: 5, cacheReadTokens: 5, cacheWriteTokens: 5, outputTokens: 0 };
    expect(estimateCostNanos(tokens, price)).toBe(2);
  });
});

describe("price overrides file", () => {
  const dir = mkdtempSync(join(tmpdir(), "ai-usage-prices-"));
  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  it("reads a valid file", () => {
    const path = file(
      "ok.json",
      JSON.stringify({ "gpt-5": { input: 1, output: 9 }, "my-model": { input: 1, output: 2 } }),
    );
    expect(loadPriceOverrides(path)).toEqual({
      "gpt-5": { input: 1, output: 9 },
      "my-model": { input: 1, output: 2 },
    });
  });

  it("uses $AI_USAGE_PRICES, then $XDG_CONFIG_HOME, and ignores a missing default file", () => {
    expect(defaultPricesPath({ AI_USAGE_PRICES: "/x/p.json" })).toEqual({
      path: "/x/p.json",
      explicit: true,
    });
    expect(defaultPricesPath({ XDG_CONFIG_HOME: "/cfg" })).toEqual({
      path: "/cfg/ai-usage/prices.json",
      explicit: false,
    });
    expect(loadPriceOverrides(undefined, { XDG_CONFIG_HOME: join(dir, "nowhere") })).toEqual({});
    const path = file("env.json", JSON.stringify({ o3: { output: 7 } }));
    expect(loadPriceOverrides(undefined, { AI_USAGE_PRICES: path })).toEqual({ o3: { output: 7 } });
  });

  const cases: Array<[string, () => string, RegExp]> = [
    ["a missing named file", () => join(dir, "missing.json"), /missing\.json: not found$/],
    ["a directory", () => dir, /cannot read it \(EISDIR\)/],
    ["invalid JSON", () => file("bad.json", "{ nope"), /bad\.json: invalid JSON/],
    ["a non-number price", () => file("type.json", '{"gpt-5":{"input":"1.25"}}'), /gpt-5: input: .*number/],
    ["a negative price", () => file("neg.json", '{"gpt-5":{"output":-1}}'), /gpt-5: output: /],
    ["an unknown field", () => file("typo.json", '{"gpt-5":{"ouput":1}}'), /ouput/],
    ["a list instead of an object", () => file("list.json", "[1,2]"), /list\.json: expected an object/],
    [
      "a new model without output",
      () => file("new.json", '{"mine":{"input":1}}'),
      /mine: .*"input" and "output"/,
    ],
  ];
  for (const [name, path, message] of cases) {
    it(`rejects ${name} with one UsageError line naming the file`, () => {
      const p = path();
      let error: unknown;
      try {
        loadPriceOverrides(p);
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(UsageError);
      const text = (error as Error).message;
      expect(text).toContain(p);
      expect(text).toMatch(message);
      expect(text).not.toContain("\n");
    });
  }

  it("rejects a missing file named by $AI_USAGE_PRICES", () => {
    expect(() => loadPriceOverrides(undefined, { AI_USAGE_PRICES: join(dir, "gone.json") })).toThrow(
      UsageError,
    );
  });
});
