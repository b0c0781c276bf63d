import { type ChildProcess, spawn } from "node:child_process";
import { resolve } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { NO_PG, type PgServer, pgBinDir, startPg } from "./pg-server.ts";

/**
 * The PostgreSQL store under real processes (test/fixtures/store-writer.ts, which tags every row
 * and fetch record of generation g of writer w with w*1e6+g): two writers replacing overlapping days
 * at once, and writers killed mid-write. Each day must hold exactly one complete generation.
 */

const WRITER = resolve(import.meta.dirname, "fixtures", "store-writer.ts");
const ROOT = resolve(import.meta.dirname, "..");
const hasPg = pgBinDir() !== null;
if (!hasPg) console.warn(NO_PG);
let pg: PgServer;
beforeAll(async () => {
  if (hasPg) pg = await startPg();
});
afterAll(async () => {
  await pg?.stop();
});
const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
});

const rowsFor = (base: number, g: number) => base + (g % 7);

function startWriter(url: string, args: (string | number)[]) {
  const child = spawn(process.execPath, ["--import", "tsx", WRITER, url, ...args.map(String)], {
    cwd: ROOT,
    stdio: ["pipe", "pipe", "pipe"],
  });
  children.push(child);
  const lines: string[] = [];
  let stderr = "";
  let buf = "";
  const listeners: (() => void)[] = [];
  child.stdout!.on("data", (d: Buffer) => {
    buf += d.toString();
    const parts = buf.split("\n");
    buf = parts.pop()!;
    lines.push(...parts);
    for (const l of listeners.splice(0)) l();
  });
  child.stderr!.on("data", (d: Buffer) => {
    stderr += d.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((res) =>
    child.on("exit", (code, signal) => res({ code, signal, stderr })),
  );
  const waitFor = async (re: RegExp): Promise<string> => {
    for (;;) {
      const seen = lines.find((l) => re.test(l));
      if (seen) return seen;
      if (child.exitCode !== null || child.signalCode !== null)
        throw new Error(`writer exited before ${re}: ${stderr}`);
      await new Promise<void>((r) => {
        listeners.push(r);
        setTimeout(r, 50);
      });
    }
  };
  return { child, lines, waitFor, exited };
}

/** Every fetched day holds one complete generation, the one its fetch record names. */
async function verify(url: string, base: number): Promise<Map<string, number>> {
  const sql = pg.admin(new URL(url).pathname.slice(1));
  const fetched =
    await sql`SELECT day::text AS day, fetched_at::text AS at, row_count FROM ai_usage_fetched_days`;
  const groups = await sql`SELECT day::text AS day, requests::text AS marker, model, count(*)::int AS n
    FROM ai_usage_rows GROUP BY day, requests, model`;
  const markers = new Map<string, number>();
  for (const f of fetched) {
    const marker = Number(f.at);
    const mine = groups.filter((g) => g.day === f.day);
    expect(mine.map((g) => [Number(g.marker), g.model, g.n])).toEqual([
      [marker, `model-${Math.floor(marker / 1e6)}`, rowsFor(base, marker % 1e6)],
    ]);
    expect(f.row_count).toBe(rowsFor(base, marker % 1e6));
    markers.set(String(f.day), marker);
  }
  expect(groups.every((g) => markers.has(String(g.day)))).toBe(true);
  return markers;
}

describe.skipIf(!hasPg)(
  "PostgreSQL store under concurrent and killed processes",
  { timeout: 120_000 },
  () => {
    it("two processes replacing overlapping days at once, on a new database: no day twice, none lost", async () => {
      const url = await pg.createDatabase();
      const base = 40;
      const a = startWriter(url, [1, "2025-06-01", 6, base, 30, "wait"]);
      const b = startWriter(url, [2, "2025-06-04", 6, base, 30, "wait"]);
      await Promise.all([a.waitFor(/^ready$/), b.waitFor(/^ready$/)]);
      a.child.stdin!.write("go\n");
      b.child.stdin!.write("go\n");
      const [ea, eb] = await Promise.all([a.exited, b.exited]);
      expect(ea).toEqual({ code: 0, signal: null, stderr: "" });
      expect(eb).toEqual({ code: 0, signal: null, stderr: "" });
      const times = (lines: string[]) =>
        lines.filter((l) => l.startsWith("commit")).map((l) => Number(l.split(" ")[2]));
      const [ta, tb] = [times(a.lines), times(b.lines)];
      expect([ta.length, tb.length]).toEqual([30, 30]);
      expect(ta[0]! <= tb[29]! && tb[0]! <= ta[29]!).toBe(true);
      const markers = await verify(url, base);
      expect(markers.size).toBe(9);
      expect(markers.get("2025-06-01")).toBe(1_000_030);
      expect(markers.get("2025-06-09")).toBe(2_000_030);
    });

    it("kill -9 mid-write leaves every day wholly old or wholly new", async () => {
      const url = await pg.createDatabase();
      const base = 1_500;
      let midWrite = 0;
      for (let round = 1; round <= 3; round++) {
        const w = startWriter(url, [round, "2025-07-01", 8, base, 0]);
        const at = (line: string) => Number(line.split(" ")[2]);
        const took = at(await w.waitFor(/^commit 1 /)) - at(await w.waitFor(/^begin 1 /));
        const began = at(await w.waitFor(/^begin 2 /));
        await new Promise((r) =>
          setTimeout(r, Math.max(0, began + took * (0.3 + Math.random() * 0.6) - Date.now())),
        );
        w.child.kill("SIGKILL");
        expect((await w.exited).signal).toBe("SIGKILL");
        // The server rolls back the dead session's transaction once it sees the socket close.
        await new Promise((r) => setTimeout(r, 300));
        const markers = await verify(url, base);
        const commits = w.lines.filter((l) => l.startsWith("commit")).length;
        const begins = w.lines.filter((l) => l.startsWith("begin")).length;
        const got = new Set(markers.values());
        expect(got.size).toBe(1);
        expect([commits, begins]).toContain([...got][0]! % 1e6);
        expect(markers.size).toBe(8);
        if (begins > commits) midWrite++;
      }
      expect(midWrite).toBeGreaterThan(0);
    });
  },
);
