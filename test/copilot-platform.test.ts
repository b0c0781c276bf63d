import { afterEach, describe, expect, it } from "vitest";
import type { CopilotEmulator } from "../src/emulators/copilot/index.ts";
import { daysBetween } from "../src/usage/days.ts";
import {
  bump,
  clientFor,
  collect,
  emulator,
  identityRequests,
  memoryCache,
  orgData,
  RANGE,
  recordSums,
  reportRequests,
  rowSums,
  type Sums,
} from "./copilot-helpers.ts";

let emu: CopilotEmulator | undefined;
afterEach(async () => {
  await emu?.close();
  emu = undefined;
});

function expected(data: ReturnType<typeof orgData>) {
  const email = new Map(data.users.map((u) => [u.login, u.via === "none" ? `github:${u.login}` : u.email]));
  const out = new Map<string, Sums>();
  for (const r of data.records) bump(out, `${r.day} ${email.get(r.user_login)}`, recordSums(r));
  return out;
}

describe("copilot platform against the emulator", () => {
  it("org scope: exact per person-day totals, one batch per day, identities through every step", async () => {
    const data = orgData();
    emu = await emulator({ data, filesPerDay: 3, identityPageSize: 2 });
    const { batches, rows, notes } = await collect(clientFor(emu, { cache: memoryCache() }));
    expect(batches.flatMap((b) => b.days).sort()).toEqual(daysBetween(RANGE.since, RANGE.until));
    expect(rowSums(rows)).toEqual(expected(data));
    // Each (day, identity, model) once.
    const keys = rows.map((r) => `${r.day} ${r.identity} ${r.model}`);
    expect(new Set(keys).size).toBe(keys.length);
    for (const via of ["saml-nameid", "saml-emails", "scim", "verified", "public", "none"] as const)
      expect(data.users.some((u) => u.via === via)).toBe(true);
    expect(notes.notes.join("\n")).toMatch(/CLI only/);
    // Days before 2026-06-19 carry no credits: said once.
    expect(notes.notes.join("\n")).toMatch(/no ai_credits_used/);
    const none = data.users.filter((u) => u.via === "none").length;
    expect(notes.notes.join("\n")).toContain(
      `${none} GitHub ${none === 1 ? "login has" : "logins have"} no known email`,
    );
  });

  it("enterprise scope: the enterprise route, the same totals", async () => {
    const data = orgData();
    emu = await emulator({ data });
    const { rows } = await collect(clientFor(emu, { env: { COPILOT_ENTERPRISE: "acme" } }));
    expect(rowSums(rows)).toEqual(expected(data));
    expect(
      reportRequests(emu).every((r) => r.path === "/enterprises/acme/copilot/metrics/reports/users-1-day"),
    ).toBe(true);
  });

  it("requests at the bound: one report per day, one download per link; a warm cache asks no identity", async () => {
    const data = orgData();
    emu = await emulator({ data, filesPerDay: 2 });
    const cache = memoryCache();
    await collect(clientFor(emu, { cache }));
    const days = daysBetween(RANGE.since, RANGE.until).length;
    expect(reportRequests(emu)).toHaveLength(days);
    const daysWithData = new Set(data.records.map((r) => r.day)).size;
    expect(emu.files.requests).toHaveLength(daysWithData * 2);
    const cold = identityRequests(emu).length;
    expect(cold).toBeGreaterThan(0);
    emu.requests.length = 0;
    const again = await collect(clientFor(emu, { cache }));
    expect(identityRequests(emu)).toHaveLength(0);
    expect(rowSums(again.rows)).toEqual(expected(data));
  });

  it("never sends the token to the download host", async () => {
    emu = await emulator();
    await collect(clientFor(emu));
    expect(emu.files.requests.length).toBeGreaterThan(0);
    for (const r of emu.files.requests) {
      expect(r.headers.authorization).toBeUndefined();
      expect(JSON.stringify(r.headers)).not.toContain("ghp_");
    }
  });
});
