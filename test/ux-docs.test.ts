import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { buildProgram } from "../src/cli/program.ts";
import { ROOT } from "./cli.ts";

/** Issue 11 item 15: the repository documents itself, with nothing pointing outside it. */

const readme = readFileSync(join(ROOT, "README.md"), "utf8");

describe("item 15: licence and README", () => {
  it("has the MIT licence the README and package.json name", () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { license: string };
    expect(pkg.license).toBe("MIT");
    expect(readFileSync(join(ROOT, "LICENSE"), "utf8")).toMatch(/^MIT License\n/);
    expect(readme).toContain("[LICENSE](LICENSE)");
  });

  it("every relative link and path in the README stays inside the repository and exists", () => {
    const targets = [...readme.matchAll(/\]\(([^)#\s]+)[^)]*\)/g)].map((m) => m[1]!);
    const relative = targets.filter((t) => !/^[a-z]+:/i.test(t));
    expect(relative.length).toBeGreaterThan(0);
    for (const t of relative) {
      const path = resolve(ROOT, t);
      expect(path.startsWith(`${ROOT}/`), t).toBe(true);
      expect(existsSync(path), t).toBe(true);
    }
    expect(readme).not.toMatch(/\.\.\/shared/);
  });

  it("says how to run it before it is published", () => {
    expect(readme).toContain("not on npm yet");
    expect(readme).toContain("npm pack");
    expect(readme).toContain("npx --package ./ai-coding-usage-tracker-<version>.tgz ai-usage");
  });

  it("the Options table lists every flag of --help", () => {
    const { program } = buildProgram(() => {});
    const flags = program.options.filter((o) => !o.hidden).map((o) => o.long ?? o.short ?? "");
    expect(flags.length).toBeGreaterThan(10);
    for (const f of flags) expect(readme, f).toContain(`\`${f}`);
    expect(program.helpInformation()).toMatch(/--days/);
  });
});
