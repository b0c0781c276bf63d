import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CursorEmulator, cursorData, startCursorEmulator } from "../src/emulators/cursor/index.ts";
import { generateOrg } from "../src/emulators/org.ts";
import { createRateLimiter } from "../src/http/limiter.ts";
import { basicAuth } from "../src/platforms/cursor/client.ts";
import {
  attachActivity,
  DAILY_PATH,
  type DailyActivity,
  fetchDailyActivity,
} from "../src/platforms/cursor/daily.ts";
import { cursorWindows } from "../src/platforms/cursor/windows.ts";
import type { ClientOptions } from "../src/platforms/types.ts";
import { type Activity, emptyActivity, emptyRow, type UsageRow } from "../src/usage/types.ts";

const KEY = "crsr_test";
const NOW = new Date("2026-05-20T12:00:00Z");
const RANGE = { since: "2026-04-01", until: "2026-05-15" }; // 45 days: two windows
const data = cursorData(generateOrg({ seed: 3, people: 12 }), RANGE);
let emu: CursorEmulator;

beforeAll(async () => {
  emu = await startCursorEmulator({ ...data, now: () => NOW });
});
afterAll(() => emu.close());

const client: ClientOptions = { baseUrl: "", apiKey: KEY, fetch: globalThis.fetch, backoffScale: 0.001 };

/** Every daily row the emulator serves for the range, read over plain HTTP without our client. */
async function servedRows() {
  const rows: Record<string, unknown>[] = [];
  for (const w of cursorWindows([RANGE], NOW)) {
    const res = await fetch(`${emu.url}${DAILY_PATH}`, {
      method: "POST",
      headers: { authorization: basicAuth(KEY), "content-type": "application/json" },
      body: JSON.stringify({ startDate: w.startMs, endDate: w.endMs, page: 1, pageSize: 1000 }),
    });
    rows.push(...((await res.json()) as { data: Record<string, unknown>[] }).data);
  }
  emu.requests.length = 0;
  return rows;
}

async function fetchAll(pageSize?: number): Promise<DailyActivity> {
  const limiter = createRateLimiter({ limit: 20, windowMs: 60_000 });
  const all: DailyActivity = new Map();
  for (const w of cursorWindows([RANGE], NOW)) {
    const part = await fetchDailyActivity({ ...client, baseUrl: emu.url }, limiter, w, pageSize);
    for (const [k, v] of part) all.set(k, v);
  }
  return all;
}

const figure = (rows: Record<string, unknown>[], field: string) =>
  rows.reduce((sum, r) => sum + (r[field] as number), 0);

describe("Cursor daily-usage-data activity", () => {
  it("maps accepted lines and accept/reject counts per member-day; commits and PRs are not reported", async () => {
    const served = await servedRows();
    const activity = await fetchAll();
    const values = [...activity.values()];
    const total = (f: keyof Activity) => values.reduce((s, a) => s + (a[f] ?? 0), 0);
    expect(total("linesAdded")).toBe(figure(served, "acceptedLinesAdded"));
    expect(total("linesRemoved")).toBe(figure(served, "acceptedLinesDeleted"));
    expect(total("suggestionsAccepted")).toBe(figure(served, "totalAccepts"));
    expect(total("suggestionsRejected")).toBe(figure(served, "totalRejects"));
    expect(total("linesAdded")).toBeGreaterThan(0);
    expect(values.every((a) => a.commits === null && a.pullRequests === null)).toBe(true);
    const first = served.find((r) => (r.totalAccepts as number) > 0)!;
    expect(activity.get(`${first.day}\u0000${first.email}`)).toEqual({
      linesAdded: first.acceptedLinesAdded,
      linesRemoved: first.acceptedLinesDeleted,
      commits: null,
      pullRequests: null,
      suggestionsAccepted: first.totalAccepts,
      suggestionsRejected: first.totalRejects,
    });
  });

  it("asks once per window and page, paging over users until the last page", async () => {
    const members = data.members.filter((m) => !m.isRemoved).length;
    emu.requests.length = 0;
    const activity = await fetchAll(5);
    const pages = Math.ceil(members / 5);
    const calls = emu.requests.filter((r) => r.path === DAILY_PATH);
    expect(calls).toHaveLength(2 * pages);
    expect(calls.every((r) => r.status === 200)).toBe(true);
    expect(activity).toEqual(await fetchAll());
  });

  it("refuses a malformed row, naming the field", async () => {
    const mutate = (body: unknown) => {
      (body as { data: Record<string, unknown>[] }).data[0]!.totalAccepts = "7";
      return body;
    };
    emu.inject({ fault: { kind: "mutate", mutate }, times: 1 });
    await expect(fetchAll()).rejects.toThrow(/data\[0\]\.totalAccepts: expected number, got string/);
    emu.clearFaults();
  });
});

describe("attachActivity", () => {
  const row = (day: string, email: string, model: string, requests: number): UsageRow => ({
    ...emptyRow({ platform: "cursor", day, identity: email, email, model, costEstimated: false }),
    requests,
  });
  const made = (added: number): Activity => ({
    ...emptyActivity(),
    linesAdded: added,
    linesRemoved: 1,
    suggestionsAccepted: 2,
    suggestionsRejected: 0,
  });

  it("puts a member-day on its busiest row, zeros on the others, and keeps activity without usage", () => {
    const rows = [row("2026-04-01", "a@co.com", "gpt-5", 2), row("2026-04-01", "a@co.com", "default", 5)];
    const idle = { ...made(0), linesRemoved: 0, suggestionsAccepted: 0 };
    const activity: DailyActivity = new Map([
      ["2026-04-01\u0000a@co.com", made(30)],
      ["2026-04-02\u0000b@co.com", made(7)],
      ["2026-04-02\u0000c@co.com", idle],
    ]);
    const out = attachActivity(rows, activity);
    expect(out.find((r) => r.model === "default")!.activity).toEqual(made(30));
    expect(out.find((r) => r.model === "gpt-5")!.activity).toEqual({
      ...made(0),
      linesRemoved: 0,
      suggestionsAccepted: 0,
    });
    const b = out.find((r) => r.identity === "b@co.com")!;
    expect(b).toMatchObject({ model: "(none)", requests: 0, activity: made(7) });
    expect(out.some((r) => r.identity === "c@co.com")).toBe(false);
    expect(out).toHaveLength(3);
  });
});
