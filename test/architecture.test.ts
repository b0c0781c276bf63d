import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

/**
 * The shape DESIGN §3 asks for, checked on the real import graph of src/: no import cycles between
 * files or between folders, and nothing about a vendor outside its own folders.
 */

const SRC = resolve(import.meta.dirname, "../src");

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : [],
  );
}

/** file → files it imports (relative imports, type-only ones included: a cycle of types is still a cycle). */
function graph(): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const file of files(SRC)) {
    const text = readFileSync(file, "utf8");
    const targets = [...text.matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*?from\s+"(\.[^"]+)"/g)].map((m) =>
      resolve(dirname(file), m[1]!),
    );
    const dynamic = [...text.matchAll(/import\("(\.[^"]+)"\)/g)].map((m) => resolve(dirname(file), m[1]!));
    out.set(file, [...targets, ...dynamic]);
  }
  return out;
}

function cycles(edges: Map<string, string[]>): string[][] {
  const found: string[][] = [];
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const visit = (node: string) => {
    state.set(node, "open");
    stack.push(node);
    for (const next of edges.get(node) ?? []) {
      if (state.get(next) === "open") found.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(node, "done");
  };
  for (const node of edges.keys()) if (!state.has(node)) visit(node);
  return found;
}

const name = (file: string) => relative(SRC, file);
/** The top folder of a file (`platforms/claude` for vendor folders), or the file for top-level ones. */
function area(file: string): string {
  const parts = name(file).split("/");
  if (parts.length === 1) return parts[0]!;
  return parts[0] === "platforms" || parts[0] === "emulators"
    ? parts.slice(0, 2).join("/").replace(/\.ts$/, "")
    : parts[0]!;
}

describe("architecture", () => {
  const edges = graph();

  it("has no import cycle between files", () => {
    expect(cycles(edges).map((c) => c.map(name).join(" → "))).toEqual([]);
  });

  it("has no import cycle between folders", () => {
    const folders = new Map<string, Set<string>>();
    for (const [from, tos] of edges)
      for (const to of tos) {
        const [a, b] = [area(from), area(to)];
        if (a === b) continue;
        if (!folders.has(a)) folders.set(a, new Set());
        folders.get(a)!.add(b);
      }
    const asLists = new Map([...folders].map(([k, v]) => [k, [...v]]));
    expect(cycles(asLists).map((c) => c.join(" → "))).toEqual([]);
  });

  it("keeps each vendor in its own folders: no other code imports a vendor's files but the registry and the emulator set", () => {
    const leaks: string[] = [];
    for (const [from, tos] of edges)
      for (const to of tos) {
        const vendor = /^platforms\/([^/]+)\//.exec(name(to))?.[1];
        if (!vendor || name(from).startsWith(`platforms/${vendor}/`)) continue;
        if (name(from) === "platforms/registry.ts") continue;
        leaks.push(`${name(from)} → ${name(to)}`);
      }
    expect(leaks).toEqual([]);
  });
});
