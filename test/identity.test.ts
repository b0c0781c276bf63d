import { describe, expect, it } from "vitest";
import { canonicalIdentity, normalizeEmail } from "../src/identity/email.ts";
import { chainResolvers, type IdentityResolver } from "../src/identity/resolver.ts";

describe("identity", () => {
  it("normalises emails once for every vendor: trimmed, lower-cased, empty is none", () => {
    expect(normalizeEmail("  Alice@Company.COM ")).toBe("alice@company.com");
    expect(normalizeEmail("   ")).toBeNull();
    expect(normalizeEmail(null)).toBeNull();
    expect(normalizeEmail(undefined)).toBeNull();
  });

  it("compares emails case-insensitively and vendor ids exactly", () => {
    expect(canonicalIdentity(" Bob@X.io")).toBe("bob@x.io");
    expect(canonicalIdentity(" user-AbC123 ")).toBe("user-AbC123");
  });

  it("chains resolvers: each step sees only what the steps before it left unresolved", async () => {
    const asked: string[][] = [];
    const step = (answers: Record<string, string>): IdentityResolver => ({
      async resolve(ids) {
        asked.push([...ids]);
        return new Map(ids.map((id) => [id, answers[id] ?? null]));
      },
    });
    const chain = chainResolvers([step({ octo: "octo@co.com" }), step({ hubot: "hubot@co.com" }), step({})]);
    const out = await chain.resolve(["octo", "hubot", "ghost", "octo"]);
    expect(Object.fromEntries(out)).toEqual({ octo: "octo@co.com", hubot: "hubot@co.com", ghost: null });
    expect(asked).toEqual([["octo", "hubot", "ghost"], ["hubot", "ghost"], ["ghost"]]);
  });
});
