import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { UsageError } from "../src/config/errors.ts";
import { loadAliases } from "../src/identity/aliases.ts";

function file(content: string): string {
  const path = join(mkdtempSync(join(tmpdir(), "aliases-")), "aliases.json");
  writeFileSync(path, content);
  return path;
}

describe("loadAliases", () => {
  it("reads $AI_USAGE_ALIASES, lower-casing emails and keeping vendor ids as they are", () => {
    const path = file('{ " User-AbC ": "Alice@Co.com", "Alice.Old@CO.com": "alice@co.com" }');
    expect([...loadAliases({ AI_USAGE_ALIASES: path })]).toEqual([
      ["User-AbC", "alice@co.com"],
      ["alice.old@co.com", "alice@co.com"],
    ]);
  });

  it("a missing default file means no aliases; a named one must exist", () => {
    const home = mkdtempSync(join(tmpdir(), "aliases-home-"));
    expect(loadAliases({ XDG_CONFIG_HOME: home }).size).toBe(0);
    expect(() => loadAliases({ AI_USAGE_ALIASES: join(home, "nope.json") })).toThrow(UsageError);
  });

  it.each([
    ["[1]", 'expected an object like {"user-abc": "alice@company.com"}'],
    ['{"user-abc": 3}', "user-abc: expected a non-empty string"],
    ['{"user-abc": " "}', "user-abc: expected a non-empty string"],
    ["{oops", "invalid JSON"],
  ])("rejects %s with one line naming the file", (content, problem) => {
    const path = file(content);
    expect(() => loadAliases({ AI_USAGE_ALIASES: path })).toThrow(`aliases file ${path}: ${problem}`);
  });
});
