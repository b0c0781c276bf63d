import { existsSync, readFileSync, statSync } from "node:fs";
import { createServer, request as httpRequest } from "node:http";
import type { AddressInfo } from "node:net";
import { createClient } from "@libsql/client";
import { type EmulatorSet, type EmulatorSetOptions, startEmulators } from "../src/emulators/index.ts";
import { fileUrl } from "../src/store/sqlite.ts";
import { dayOf } from "../src/usage/days.ts";
import type { UsageRow } from "../src/usage/types.ts";
import { NOW, runCli } from "./cli.ts";

/** Helpers for the history-store end-to-end tests (test/store-e2e.test.ts). */

const running: EmulatorSet[] = [];

/** An emulator set with the pinned clock; closed by `closeAll`. */
export async function emulators(options: Partial<EmulatorSetOptions> = {}): Promise<EmulatorSet> {
  const emu = await startEmulators({
    since: "2026-11-01",
    until: "2026-11-24",
    seed: 7,
    people: 8,
    now: () => new Date(NOW),
    ...options,
  });
  running.push(emu);
  return emu;
}

export async function closeAll(): Promise<void> {
  await Promise.all(running.splice(0).map((e) => e.close()));
}

/** Where each emulator's request log stands, to look at what one run asked for. */
export function mark(emu: EmulatorSet) {
  const at = [emu.anthropic.requests.length, emu.openai.requests.length, emu.cursor.requests.length];
  return {
    /** New requests per emulator since the mark. */
    counts: () => ({
      anthropic: emu.anthropic.requests.length - at[0]!,
      openai: emu.openai.requests.length - at[1]!,
      cursor: emu.cursor.requests.length - at[2]!,
    }),
    /** The days asked of the Claude Code endpoint (one request per day and page). */
    claudeDays: () =>
      emu.anthropic.requests
        .slice(at[0])
        .map((r) => new URLSearchParams(r.query).get("starting_at"))
        .sort(),
    /** OpenAI usage requests as [first day, day after the last]. */
    openaiRanges: () =>
      emu.openai.requests
        .slice(at[1])
        .filter((r) => r.path.endsWith("/usage/completions"))
        .map((r) => {
          const q = new URLSearchParams(r.query);
          return [dayOf(Number(q.get("start_time")) * 1000), dayOf(Number(q.get("end_time")) * 1000)];
        }),
    /** Cursor usage-event requests as [startDate, endDate] ISO times. */
    cursorRanges: () =>
      emu.cursor.requests
        .slice(at[2])
        .filter((r) => r.path.endsWith("/filtered-usage-events"))
        .map((r) => {
          const b = r.body as { startDate: number; endDate: number };
          return [new Date(b.startDate).toISOString(), new Date(b.endDate).toISOString()];
        }),
  };
}

export const noRequests = { anthropic: 0, openai: 0, cursor: 0 };

/** Runs a report in JSON and returns its stdout, failing loudly on a non-zero exit. */
export async function reportJson(
  args: string[],
  env: Record<string, string>,
): Promise<{ stdout: string; stderr: string }> {
  const res = await runCli([...args, "--json"], env);
  if (res.code !== 0) throw new Error(`ai-usage ${args.join(" ")} exited ${res.code}: ${res.stderr}`);
  return res;
}

/** Cursor figures the emulator serves for `days`, summed without the CLI's code. */
export function cursorExpected(emu: EmulatorSet, days: readonly string[]) {
  const want = { requests: 0, tokens: 0, excluded: 0 };
  for (const e of emu.data.cursor.events) {
    if (!days.includes(dayOf(Number(e.timestamp)))) continue;
    if (/errored|aborted/i.test(e.kind)) {
      want.excluded++;
      continue;
    }
    const t = e.tokenUsage;
    want.requests++;
    want.tokens += t ? t.inputTokens + t.outputTokens + t.cacheReadTokens + t.cacheWriteTokens : 0;
  }
  return want;
}

/** Claude Code sessions the emulator serves for `days`. */
export function claudeSessions(emu: EmulatorSet, days: readonly string[]): number {
  return emu.data.anthropic
    .filter((r) => days.includes(r.date.slice(0, 10)))
    .reduce((sum, r) => sum + r.core_metrics.num_sessions, 0);
}

/** The bytes of the store and its WAL/shared-memory files. */
export function storeFiles(path: string): string[] {
  return [path, `${path}-wal`, `${path}-shm`].filter((p) => existsSync(p));
}

/** Fails when any of the API keys in `env` is in the store's files, in any form we can think of. */
export function expectNoKeys(path: string, env: Record<string, string>): void {
  const keys = Object.entries(env)
    .filter(([name]) => name.endsWith("_KEY"))
    .map(([, value]) => value);
  if (keys.length === 0) throw new Error("no keys to look for");
  for (const file of storeFiles(path)) {
    const bytes = readFileSync(file);
    for (const key of keys) {
      for (const form of [Buffer.from(key), Buffer.from(key, "utf16le"), Buffer.from(key.slice(4))])
        if (bytes.includes(form)) throw new Error(`${file} contains an API key`);
    }
  }
}

export const modeOf = (path: string) => statSync(path).mode & 0o777;

/** Checks the file itself: SQLite's integrity check, and every fetch record's row count. */
export async function storeIsConsistent(path: string): Promise<string[]> {
  const db = createClient({ url: fileUrl(path) });
  try {
    const problems: string[] = [];
    const check = await db.execute("PRAGMA integrity_check");
    if (check.rows[0]?.[0] !== "ok") problems.push(`integrity_check: ${String(check.rows[0]?.[0])}`);
    const tables = await db.execute("SELECT count(*) FROM sqlite_master WHERE name = 'fetched_days'");
    // Killed before the schema was created: an empty store is a consistent one.
    if (tables.rows[0]?.[0] === 0) return problems;
    const counts = await db.execute(
      `SELECT f.platform, f.day, f.row_count, (SELECT count(*) FROM usage_rows u
         WHERE u.platform = f.platform AND u.org = f.org AND u.day = f.day) AS actual FROM fetched_days f`,
    );
    for (const r of counts.rows)
      if (r.row_count !== r.actual)
        problems.push(`${r.platform} ${r.day}: recorded ${r.row_count} rows, holds ${r.actual}`);
    const orphans = await db.execute(
      `SELECT DISTINCT platform, day FROM usage_rows u WHERE NOT EXISTS (SELECT 1 FROM fetched_days f
         WHERE f.platform = u.platform AND f.org = u.org AND f.day = u.day)`,
    );
    for (const r of orphans.rows) problems.push(`${r.platform} ${r.day}: rows without a fetch record`);
    return problems;
  } finally {
    db.close();
  }
}

/**
 * One organisation whose vendors revise their numbers: stable base URLs (so the history store sees
 * the same source) that forward to `first`'s emulators until `revise()`, then to `second`'s.
 */
export async function revisingVendors(first: EmulatorSet, second: EmulatorSet) {
  let current = first;
  const vars = Object.keys(first.env).filter((name) => name.endsWith("_BASE_URL"));
  const servers = await Promise.all(
    vars.map(async (name) => {
      const server = createServer((req, res) => {
        const target = new URL(req.url ?? "/", current.env[name]);
        const upstream = httpRequest(target, { method: req.method, headers: req.headers }, (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        });
        upstream.on("error", () => res.destroy());
        req.pipe(upstream);
      });
      await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
      return { name, server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
    }),
  );
  return {
    env: { ...first.env, ...Object.fromEntries(servers.map((s) => [s.name, s.url])) },
    revise: () => {
      current = second;
    },
    close: () =>
      Promise.all(servers.map((s) => new Promise<void>((done) => s.server.close(() => done())))).then(
        () => undefined,
      ),
  };
}

/** A stored row of one Claude Code user and day; tests override what they look at. */
export function row(day: string, identity: string, over: Partial<UsageRow> = {}): UsageRow {
  return {
    platform: "claude",
    day,
    identity,
    email: identity.includes("@") ? identity : null,
    model: "claude-sonnet-4",
    requests: 3,
    inputTokens: 100,
    outputTokens: 20,
    cacheReadTokens: 5,
    cacheWriteTokens: 1,
    costNanos: 1_230_000_000,
    costEstimated: false,
    ...over,
  };
}
