import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createClient } from "@libsql/client";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openStore } from "../src/store/index.ts";
import { fileUrl } from "../src/store/sqlite.ts";

/** Every test row belongs to one organisation unless a test says otherwise. */
const src = (platform: string) => ({ platform, org: "org:test" });

// Real processes against one file: test/fixtures/store-writer.ts replaces the same days in a loop,
// tagging every row and fetch record of generation g of writer w with w*1e6+g.
const WRITER = resolve(import.meta.dirname, "fixtures", "store-writer.ts");
const ROOT = resolve(import.meta.dirname, "..");

let dir: string;
let path: string;
const children: ChildProcess[] = [];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "ai-usage-store-"));
  path = join(dir, "history.db");
});
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
});

/** Mirrors the writer: the number of rows per day varies with the generation. */
const rowsFor = (base: number, g: number) => base + (g % 7);

interface Writer {
  child: ChildProcess;
  lines: string[];
  /** Resolves with the first stdout line matching `re`. */
  waitFor(re: RegExp): Promise<string>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
}

function startWriter(args: (string | number)[]): Writer {
  const child = spawn(process.execPath, ["--import", "tsx", WRITER, path, ...args.map(String)], {
    cwd: ROOT,
    stdio: ["pipe", "pipe", "pipe"],
  });
  children.push(child);
  const lines: string[] = [];
  const waiters: { re: RegExp; resolve: (l: string) => void }[] = [];
  let stderr = "";
  let buf = "";
  child.stdout!.on("data", (d: Buffer) => {
    buf += d.toString();
    let nl = buf.indexOf("\n");
    while (nl >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      lines.push(line);
      for (const w of waiters.splice(0)) {
        if (w.re.test(line)) w.resolve(line);
        else waiters.push(w);
      }
      nl = buf.indexOf("\n");
    }
  });
  child.stderr!.on("data", (d: Buffer) => {
    stderr += d.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((res) =>
    child.on("exit", (code, signal) => res({ code, signal, stderr })),
  );
  const waitFor = (re: RegExp) => {
    const seen = lines.find((l) => re.test(l));
    if (seen) return Promise.resolve(seen);
    return new Promise<string>((res, rej) => {
      waiters.push({ re, resolve: res });
      void exited.then((e) =>
        rej(new Error(`writer exited (${e.code ?? e.signal}) before ${re}: ${e.stderr}`)),
      );
    });
  };
  return { child, lines, waitFor, exited };
}

/**
 * Checks the file is sound and every fetched day holds exactly one complete generation whose
 * marker matches its fetch record. Returns day → marker.
 */
async function verify(base: number): Promise<Map<string, number>> {
  const c = createClient({ url: fileUrl(path) });
  try {
    expect((await c.execute("PRAGMA integrity_check")).rows.map((r) => r[0])).toEqual(["ok"]);
    const fetched = await c.execute(
      "SELECT day, fetched_at, row_count FROM fetched_days WHERE platform = 'cursor'",
    );
    const groups = await c.execute(
      "SELECT day, requests AS marker, model, count(*) AS n FROM usage_rows GROUP BY day, requests, model ORDER BY day",
    );
    const markers = new Map<string, number>();
    for (const f of fetched.rows) {
      const day = String(f.day);
      const marker = Number(f.fetched_at);
      const mine = groups.rows.filter((g) => g.day === day);
      // One generation of one writer, complete, and the same one the fetch record names.
      expect(mine.map((g) => [g.marker, g.model, g.n])).toEqual([
        [marker, `model-${Math.floor(marker / 1e6)}`, rowsFor(base, marker % 1e6)],
      ]);
      expect(Number(f.row_count)).toBe(rowsFor(base, marker % 1e6));
      markers.set(day, marker);
    }
    // No rows without a fetch record.
    expect(groups.rows.every((g) => markers.has(String(g.day)))).toBe(true);
    return markers;
  } finally {
    c.close();
  }
}

describe("store under concurrent and killed processes", () => {
  it("two writers replacing overlapping days at once never double count or fail", async () => {
    const base = 40;
    // Both start on a file that does not exist yet, so they also race to create and migrate it.
    const a = startWriter([1, "2025-06-01", 6, base, 40, "wait"]);
    const b = startWriter([2, "2025-06-04", 6, base, 40, "wait"]);
    await Promise.all([a.waitFor(/^ready$/), b.waitFor(/^ready$/)]);
    a.child.stdin!.write("go\n");
    b.child.stdin!.write("go\n");
    const [ea, eb] = await Promise.all([a.exited, b.exited]);
    expect(ea).toEqual({ code: 0, signal: null, stderr: "" });
    expect(eb).toEqual({ code: 0, signal: null, stderr: "" });
    const times = (w: Writer) =>
      w.lines.filter((l) => l.startsWith("commit")).map((l) => Number(l.split(" ")[2]));
    const [ta, tb] = [times(a), times(b)];
    expect(ta).toHaveLength(40);
    expect(tb).toHaveLength(40);
    // The two loops really ran at the same time.
    expect(ta[0]! <= tb[39]! && tb[0]! <= ta[39]!).toBe(true);

    const markers = await verify(base);
    expect([...markers.keys()].sort()).toHaveLength(9);
    // Days only one writer touched hold its last generation.
    expect(markers.get("2025-06-01")).toBe(1_000_040);
    expect(markers.get("2025-06-09")).toBe(2_000_040);

    // Through the Store API the totals match the fetch records exactly.
    const store = await openStore(path);
    let requests = 0;
    for await (const r of store.readRows([src("cursor")], "2025-06-01", "2025-06-09")) requests += r.requests;
    await store.close();
    let expected = 0;
    for (const m of markers.values()) expected += m * rowsFor(base, m % 1e6);
    expect(requests).toBe(expected);
  });

  it("kill -9 mid-write leaves the store consistent, with each day wholly old or wholly new", async () => {
    const base = 1_500;
    let killedMidWrite = 0;
    for (let round = 1; round <= 3; round++) {
      const w = startWriter([round, "2025-07-01", 8, base, 0]);
      // Time the first replace, then kill the second somewhere between a third and nearly all
      // of that time after it began: inside the write, whatever the machine's speed.
      const at = (line: string) => Number(line.split(" ")[2]);
      const took = at(await w.waitFor(/^commit 1 /)) - at(await w.waitFor(/^begin 1 /));
      const began = at(await w.waitFor(/^begin 2 /));
      const killAt = began + took * (0.35 + Math.random() * 0.6);
      await new Promise((r) => setTimeout(r, Math.max(0, killAt - Date.now())));
      w.child.kill("SIGKILL");
      const exit = await w.exited;
      expect(exit.signal).toBe("SIGKILL");

      const markers = await verify(base);
      const commits = w.lines.filter((l) => l.startsWith("commit")).length;
      const begins = w.lines.filter((l) => l.startsWith("begin")).length;
      expect(commits).toBeGreaterThanOrEqual(1);
      expect(took).toBeGreaterThan(20);
      // Every day holds the last committed generation, or the one in flight if its COMMIT got
      // through before the kill; never a mix across days either, as one transaction covers them all.
      const got = new Set(markers.values());
      expect(got.size).toBe(1);
      const g = [...got][0]! % 1e6;
      expect([commits, begins]).toContain(g);
      expect(Math.floor([...got][0]! / 1e6)).toBe(round);
      expect(markers.size).toBe(8);
      if (begins > commits) killedMidWrite++;
    }
    // At least one kill must have hit an uncommitted write, or the test proved nothing.
    expect(killedMidWrite).toBeGreaterThan(0);
  });
});
