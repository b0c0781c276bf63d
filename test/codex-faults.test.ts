import { afterEach, describe, expect, it } from "vitest";
import {
  type CodexEmulatorOptions,
  type CodexRecord,
  type CodexUser,
  codexData,
  codexRecord,
  rateLimitFault,
  serverErrorFault,
  startCodexEmulator,
} from "../src/emulators/codex/index.ts";
import { generateOrg } from "../src/emulators/org.ts";
import type { EmulatorServer } from "../src/emulators/server.ts";
import {
  ApiError,
  AuthenticationError,
  PagingError,
  PermissionDeniedError,
  ResponseShapeError,
  ServerError,
} from "../src/http/errors.ts";
import { PAGE_LIMIT } from "../src/platforms/codex/client.ts";
import { daysBetween } from "../src/usage/days.ts";
import { clientFor, collect, expectedCost, expectedIdentity, sumRecords, sumRows } from "./codex-helpers.ts";
import { maxRepeats } from "./faults.ts";

const NOW = () => new Date("2026-08-20T09:00:00Z");
const RANGE = { since: "2026-08-01", until: "2026-08-10" }; // windows of 7 and 3 days
const DATA = codexData(generateOrg({ seed: 11, people: 30 }), RANGE);
const USERS = new Map(DATA.users.map((u) => [u.userId, u]));

let server: EmulatorServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});
async function start(opts: Partial<CodexEmulatorOptions> = {}) {
  server = await startCodexEmulator({ users: DATA.users, records: DATA.records, now: NOW, ...opts });
  return server;
}
const usage = () => server!.requests.filter((r) => r.path.endsWith("/usage"));
const expected = () =>
  expectedCost(
    sumRecords(DATA.records, (r) => `${r.day} ${expectedIdentity(USERS.get(r.userId), r.userId)}`),
    40,
  );
const got = (rows: Parameters<typeof sumRows>[0]) => sumRows(rows, (r) => `${r.day} ${r.identity}`);
const fail = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error("expected a failure");
    },
    (e: unknown) => e as Error,
  );

describe("codex faults", () => {
  it.each([
    ["429 with Retry-After", rateLimitFault(0)],
    ["429 without Retry-After", rateLimitFault()],
    ["503", serverErrorFault(503)],
    ["500", serverErrorFault(500)],
    ["a reset connection", { kind: "reset" } as const],
    ["a truncated body", { kind: "truncate" } as const],
  ])("retries %s and still reports exact totals", async (_name, fault) => {
    await start();
    server!.inject({ path: "/usage", fault, times: 2, skip: 1 });
    const { rows } = await collect(clientFor(server!.url), [RANGE]);
    expect(got(rows)).toEqual(expected());
    // Two windows, one page each, plus the two failed attempts.
    expect(usage()).toHaveLength(4);
    expect(maxRepeats(usage())).toBe(3);
  });

  it("gives up after maxAttempts on a persistent 5xx, with the vendor's message", async () => {
    await start();
    server!.inject({ path: "/usage", fault: serverErrorFault(500) });
    const err = await fail(collect(clientFor(server!.url, { maxAttempts: 3 }), [RANGE]));
    expect(err).toBeInstanceOf(ServerError);
    expect(err.message).toBe("HTTP 500: Internal Server Error");
    expect(usage()).toHaveLength(3);
  });

  it("does not retry a 422 and names the parameter", async () => {
    await start();
    // 2026-05-01 is more than 90 days before the emulator's today (2026-08-20).
    const err = await fail(collect(clientFor(server!.url), [{ since: "2026-05-01", until: "2026-05-02" }]));
    expect(err).toBeInstanceOf(ApiError);
    expect(err.message).toBe("HTTP 422: query start_time: start_time must be within the last 90 days");
    expect(usage()).toHaveLength(1);
  });

  it("keeps windows fetched before a failure as completed batches", async () => {
    await start();
    server!.inject({ path: "/usage", fault: serverErrorFault(500), skip: 1 });
    const notes = { warnings: [], notes: [] };
    const { codex } = await import("../src/platforms/codex/index.ts");
    const days: string[][] = [];
    const err = await fail(
      (async () => {
        for await (const b of codex.fetchBatches(clientFor(server!.url), [RANGE], notes)) days.push(b.days);
      })(),
    );
    expect(err).toBeInstanceOf(ServerError);
    expect(days).toEqual([daysBetween("2026-08-01", "2026-08-07")]);
  });

  it("401: AuthenticationError with the vendor message, never the key", async () => {
    await start();
    const key = "chatgpt-admin-wrong-9876";
    const err = await fail(collect(clientFor(server!.url, { apiKey: key }), [RANGE]));
    expect(err).toBeInstanceOf(AuthenticationError);
    expect(err.message).toBe("HTTP 401: Incorrect API key provided.");
    expect(err.message).not.toContain("9876");
    expect(usage()).toHaveLength(1);
  });

  it("403 for a Platform sk-admin key", async () => {
    await start();
    const err = await fail(collect(clientFor(server!.url, { apiKey: "sk-admin-abcdefghijklmnop" }), [RANGE]));
    expect(err).toBeInstanceOf(PermissionDeniedError);
    expect(err.message).toMatch(/^HTTP 403: Platform Admin keys cannot access workspace analytics/);
  });

  it("accepts a Platform project key scoped by support", async () => {
    await start();
    const { rows } = await collect(clientFor(server!.url, { apiKey: "sk-proj-codex-analytics-test" }), [
      RANGE,
    ]);
    expect(got(rows)).toEqual(expected());
  });

  it("404 for a workspace the key does not read", async () => {
    await start();
    const env = { CODEX_WORKSPACE_ID: "00000000-0000-4000-8000-000000000000" };
    const err = await fail(collect(clientFor(server!.url, { env }), [RANGE]));
    expect(err.message).toMatch(/^HTTP 404: Workspace 00000000-0000-4000-8000-000000000000 not found/);
  });

  it("names the field on schema drift", async () => {
    await start();
    server!.inject({
      path: "/usage",
      fault: {
        kind: "mutate",
        mutate: (body) => {
          const b = body as { data: Array<{ totals: Record<string, unknown> }> };
          b.data[3]!.totals.turns = "12";
          return b;
        },
      },
    });
    const err = await fail(collect(clientFor(server!.url), [RANGE]));
    expect(err).toBeInstanceOf(ResponseShapeError);
    expect((err as ResponseShapeError).field).toBe("data[3].totals.turns");
    expect(err.message).toBe("unexpected response: data[3].totals.turns: expected number, got string");
  });

  it("ignores, and counts, rows dated outside the window", async () => {
    await start();
    let moved = 0;
    server!.inject({
      path: "/usage",
      times: 1,
      fault: {
        kind: "mutate",
        mutate: (body) => {
          const b = body as { data: Array<{ start_time: number }> };
          b.data[0]!.start_time -= 86_400 * 30;
          moved = 1;
          return b;
        },
      },
    });
    const { notes } = await collect(clientFor(server!.url), [RANGE]);
    expect(moved).toBe(1);
    expect(notes.warnings).toContain("codex: ignored 1 row dated outside the requested days");
  });

  it("works behind a proxy path prefix", async () => {
    await start();
    const { rows } = await collect(clientFor(`${server!.url}/proxy/openai`), [RANGE]);
    expect(got(rows)).toEqual(expected());
    expect(usage()[0]!.path).toBe(
      "/proxy/openai/v1/analytics/codex/workspaces/7c0a3e52-4b1d-4e8f-9a6b-2f1d0c9e8b7a/usage",
    );
  });
});

describe("codex paging", () => {
  /** 1,300 people active on each of two days: 2,600 rows in one week → 6 pages of 500. */
  const users: CodexUser[] = Array.from({ length: 1300 }, (_, i) => ({
    userId: `user-${String(i).padStart(5, "0")}`,
    email: `p${i}@company.com`,
    emailIn: "actor",
  }));
  const records: CodexRecord[] = ["2026-08-03", "2026-08-05"].flatMap((day) =>
    users.map((u, i) =>
      codexRecord({
        day,
        userId: u.userId,
        client: "CODEX_CLI",
        model: "gpt-5.4",
        turns: 1 + (i % 7),
        uncached: 1000 * (1 + (i % 5)),
        cached: 2000,
        output: 1000,
      }),
    ),
  );
  const week = { since: "2026-08-01", until: "2026-08-07" };

  it("follows next_page to the end with exactly ceil(rows / 500) requests", async () => {
    server = await startCodexEmulator({ users, records, now: NOW });
    const { rows, batches } = await collect(clientFor(server.url), [week]);
    expect(usage()).toHaveLength(Math.ceil(records.length / PAGE_LIMIT));
    expect(batches).toHaveLength(1);
    expect(rows).toHaveLength(records.length);
    expect(rows.reduce((n, r) => n + r.requests, 0)).toBe(records.reduce((n, r) => n + r.turns, 0));
    const pages = usage().map((r) => new URLSearchParams(r.query));
    expect(pages[0]!.has("page")).toBe(false);
    for (const q of pages.slice(1)) expect(q.get("page")).toMatch(/^page_/);
  });

  it("restarts a window once when a follow-up page is refused (an expired cursor)", async () => {
    server = await startCodexEmulator({ users, records, now: NOW });
    const expired = { detail: [{ loc: ["query", "page"], msg: "Cursor expired", type: "value_error" }] };
    server.inject({
      path: "/usage",
      skip: 1,
      times: 1,
      fault: { kind: "status", status: 422, body: expired },
    });
    const { rows } = await collect(clientFor(server.url), [week]);
    expect(rows.reduce((n, r) => n + r.requests, 0)).toBe(records.reduce((n, r) => n + r.turns, 0));
    const pages = Math.ceil(records.length / PAGE_LIMIT);
    expect(usage()).toHaveLength(2 + pages);
  });

  it("fails with the vendor's 422 when the restart is refused too", async () => {
    server = await startCodexEmulator({ users, records, now: NOW });
    const expired = { detail: [{ loc: ["query", "page"], msg: "Cursor expired", type: "value_error" }] };
    // The second page fails, and after the restart (whose first page passes) the second page again.
    const refuse = { kind: "status", status: 422, body: expired } as const;
    server.inject({ path: "/usage", skip: 1, times: 1, fault: refuse });
    server.inject({ path: "/usage", skip: 2, fault: refuse });
    const err = await fail(collect(clientFor(server.url), [week]));
    expect(err).toBeInstanceOf(ApiError);
    expect(err.message).toBe("HTTP 422: query page: Cursor expired");
    expect(usage().map((r) => new URLSearchParams(r.query).has("page"))).toEqual([false, true, false, true]);
  });

  it("stops at the page cap", async () => {
    server = await startCodexEmulator({ users, records, now: NOW });
    const err = await fail(collect(clientFor(server.url, { maxPages: 2 }), [week]));
    expect(err).toBeInstanceOf(PagingError);
    expect(err.message).toBe("usage 2026-08-01..2026-08-07: more than 2 pages; stopping");
    expect(usage()).toHaveLength(2);
  });

  it("stops when the API repeats a cursor", async () => {
    server = await startCodexEmulator({ users, records, now: NOW });
    // The API hands back its first cursor again and again.
    let first: string | undefined;
    server.inject({
      path: "/usage",
      fault: {
        kind: "mutate",
        mutate: (body) => {
          const b = body as { next_page: string | null };
          first ??= b.next_page ?? undefined;
          return { ...b, next_page: first };
        },
      },
    });
    const err = await fail(collect(clientFor(server.url), [week]));
    expect(err).toBeInstanceOf(PagingError);
    expect(err.message).toBe("usage 2026-08-01..2026-08-07: the API repeated a page cursor");
  });

  it("makes one request per window when every window fits a page", async () => {
    await start();
    const ninety = { since: "2026-05-23", until: "2026-08-20" };
    await collect(clientFor(server!.url), [ninety]);
    expect(usage()).toHaveLength(Math.ceil(daysBetween(ninety.since, ninety.until).length / 7));
  });
});
