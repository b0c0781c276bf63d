import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  anthropicData,
  type ClaudeCodeRecord,
  claudeCodeRecord,
  estimateCents,
  startAnthropicEmulator,
} from "../src/emulators/anthropic/index.ts";
import { generateOrg } from "../src/emulators/org.ts";
import type { EmulatorServer } from "../src/emulators/server.ts";

const KEY = "sk-ant-admin01-test";
const HEADERS = { "x-api-key": KEY, "anthropic-version": "2023-06-01" };
const DAY = "2026-03-10";

const records: ClaudeCodeRecord[] = Array.from({ length: 5 }, (_, i) =>
  claudeCodeRecord({
    date: `${DAY}T00:00:00Z`,
    email: `user${i}@company.com`,
    sessions: i + 1,
    models: [{ model: "claude-sonnet-5", input: 1000, output: 100, cacheRead: 0, cacheWrite: 0 }],
  }),
);

let server: EmulatorServer;
beforeAll(async () => {
  server = await startAnthropicEmulator({
    records,
    apiKeys: [KEY, "sk-ant-api03-regular"],
    now: () => new Date("2026-03-20T12:00:00Z"),
  });
});
afterAll(() => server.close());

async function get(query: string, headers: Record<string, string> = HEADERS, path = "") {
  const res = await fetch(`${server.url}${path}/v1/organizations/usage_report/claude_code?${query}`, {
    headers,
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
}

function errorOf(body: Record<string, unknown>) {
  return body.error as { type: string; message: string };
}

describe("anthropic emulator: auth and validation", () => {
  it("401 with the vendor's error shape for a missing or unknown key", async () => {
    for (const headers of [
      { "anthropic-version": "2023-06-01" },
      { ...HEADERS, "x-api-key": "sk-ant-admin01-nope" },
    ]) {
      const res = await get(`starting_at=${DAY}`, headers);
      expect(res.status).toBe(401);
      expect(res.body.type).toBe("error");
      expect(errorOf(res.body)).toEqual({ type: "authentication_error", message: "invalid x-api-key" });
      expect(res.body.request_id).toMatch(/^req_\w{24}$/);
      expect(res.headers.get("request-id")).toMatch(/^req_/);
    }
  });

  it("accepts a Bearer token and rejects a non-admin key with 403", async () => {
    const bearer = await get(`starting_at=${DAY}`, {
      authorization: `Bearer ${KEY}`,
      "anthropic-version": "2023-06-01",
    });
    expect(bearer.status).toBe(200);
    const regular = await get(`starting_at=${DAY}`, { ...HEADERS, "x-api-key": "sk-ant-api03-regular" });
    expect(regular.status).toBe(403);
    expect(errorOf(regular.body).type).toBe("permission_error");
  });

  it("400 without anthropic-version", async () => {
    const res = await get(`starting_at=${DAY}`, { "x-api-key": KEY });
    expect(res.status).toBe(400);
    expect(errorOf(res.body).type).toBe("invalid_request_error");
  });

  it.each([
    "",
    "starting_at=2026-03-10T00:00:00Z",
    "starting_at=2026-13-01",
    "starting_at=2026-3-10",
    `starting_at=${DAY}&limit=0`,
    `starting_at=${DAY}&limit=1001`,
    `starting_at=${DAY}&limit=abc`,
    `starting_at=${DAY}&page=garbage`,
    `starting_at=${DAY}&page=page_${Buffer.from('{"day":"2026-03-10","offset":99}').toString("base64")}`,
    `starting_at=2026-03-11&page=page_${Buffer.from('{"day":"2026-03-10","offset":2}').toString("base64")}`,
  ])("400 invalid_request_error for %s", async (query) => {
    const res = await get(query);
    expect(res.status).toBe(400);
    expect(errorOf(res.body).type).toBe("invalid_request_error");
  });

  it("404 not_found_error for an unknown path", async () => {
    const res = await fetch(`${server.url}/v1/organizations/nothing`, { headers: HEADERS });
    expect(res.status).toBe(404);
    expect(errorOf((await res.json()) as Record<string, unknown>).type).toBe("not_found_error");
  });
});

describe("anthropic emulator: data and paging", () => {
  it("pages through one day with opaque cursors and no duplicates", async () => {
    const seen: string[] = [];
    let query = `starting_at=${DAY}&limit=2`;
    for (let pages = 1; ; pages++) {
      const res = await get(query);
      expect(res.status).toBe(200);
      const data = res.body.data as ClaudeCodeRecord[];
      expect(data.length).toBeLessThanOrEqual(2);
      for (const r of data) seen.push((r.actor as { email_address: string }).email_address);
      if (!res.body.has_more) {
        expect(res.body.next_page).toBeNull();
        expect(pages).toBe(3);
        break;
      }
      expect(res.body.next_page).toMatch(/^page_[A-Za-z0-9+/=]+$/);
      query = `starting_at=${DAY}&limit=2&page=${encodeURIComponent(String(res.body.next_page))}`;
    }
    expect(seen).toEqual(records.map((r) => (r.actor as { email_address: string }).email_address));
  });

  it("uses limit 20 by default and tolerates a path prefix", async () => {
    const res = await get(`starting_at=${DAY}`, HEADERS, "/proxy/anthropic");
    expect((res.body.data as unknown[]).length).toBe(5);
    expect(res.body.has_more).toBe(false);
  });

  it("serves an empty day, and nothing after the emulator's today", async () => {
    expect((await get("starting_at=2026-03-11")).body).toEqual({
      data: [],
      has_more: false,
      next_page: null,
    });
    const future = await startAnthropicEmulator({
      records: [{ ...records[0]!, date: "2026-03-21T00:00:00Z" }],
      now: () => new Date("2026-03-20T23:00:00Z"),
    });
    const res = await fetch(
      `${future.url}/v1/organizations/usage_report/claude_code?starting_at=2026-03-21`,
      {
        headers: HEADERS,
      },
    );
    expect(await res.json()).toEqual({ data: [], has_more: false, next_page: null });
    await future.close();
  });
});

describe("anthropic emulator: users and api_keys", () => {
  it("pages users by after_id and ties api keys to a creator", async () => {
    const list = async (path: string, query: string) => {
      const res = await fetch(`${server.url}/v1/organizations/${path}?${query}`, { headers: HEADERS });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    const emails: string[] = [];
    let query = "limit=2";
    for (;;) {
      const { body } = await list("users", query);
      emails.push(...(body.data as Array<{ email: string }>).map((u) => u.email));
      if (!body.has_more) break;
      query = `limit=2&after_id=${body.last_id}`;
    }
    expect(emails).toEqual(records.map((r) => (r.actor as { email_address: string }).email_address));
    expect((await list("users", "after_id=user_nope")).status).toBe(400);

    const keyServer = await startAnthropicEmulator({
      records: [
        ...records,
        claudeCodeRecord({ date: `${DAY}T00:00:00Z`, apiKeyName: "ci-pipeline", sessions: 1, models: [] }),
      ],
    });
    const keys = await fetch(`${keyServer.url}/v1/organizations/api_keys`, { headers: HEADERS });
    const users = await fetch(`${keyServer.url}/v1/organizations/users`, { headers: HEADERS });
    const key = ((await keys.json()) as { data: Array<{ name: string; created_by: { id: string } }> })
      .data[0]!;
    const userIds = ((await users.json()) as { data: Array<{ id: string }> }).data.map((u) => u.id);
    expect(key.name).toBe("ci-pipeline");
    expect(userIds).toContain(key.created_by.id);
    await keyServer.close();
  });
});

describe("anthropic data generator", () => {
  const org = generateOrg({ seed: 7, people: 12 });
  const range = { since: "2026-03-01", until: "2026-03-14" };

  it("prices at list price in whole cents (the docs' 141¢ example)", () => {
    expect(
      estimateCents("claude-opus-5", {
        input: 100000,
        output: 35000,
        cache_read: 10000,
        cache_creation: 5000,
      }),
    ).toBe(141);
  });

  it("is deterministic for a seed and covers the awkward cases", () => {
    const a = anthropicData(org, range);
    expect(anthropicData(org, range)).toEqual(a);
    expect(anthropicData(org, range, 8)).not.toEqual(a);
    const claudeEmails = new Set(org.people.filter((p) => p.tools.includes("claude")).map((p) => p.email));
    for (const r of a) {
      expect(r.date).toMatch(/^2026-03-(0[1-9]|1[0-4])T00:00:00Z$/);
      for (const m of r.model_breakdown) {
        expect(Number.isInteger(m.estimated_cost.amount)).toBe(true);
        expect(m.estimated_cost.amount).toBe(estimateCents(m.model, m.tokens));
      }
      if (r.actor.type === "user_actor")
        expect(claudeEmails.has(r.actor.email_address.trim().toLowerCase())).toBe(true);
    }
    const apiNames = new Set(a.flatMap((r) => (r.actor.type === "api_actor" ? [r.actor.api_key_name] : [])));
    expect([...apiNames].sort()).toEqual(["ci-pipeline", "eval-harness"]);
    expect(a.some((r) => !("subscription_type" in r))).toBe(true);
    expect(a.some((r) => !("multi_edit_tool" in r.tool_actions))).toBe(true);
    expect(a.some((r) => r.model_breakdown.some((m) => /-\d{8}$/.test(m.model)))).toBe(true);
    const messy = a.find(
      (r) => r.actor.type === "user_actor" && r.actor.email_address !== r.actor.email_address.trim(),
    );
    expect(messy).toBeDefined();
    const messyEmail = (messy!.actor as { email_address: string }).email_address;
    expect(messyEmail).not.toBe(messyEmail.toLowerCase());
    const sameDay = a.filter(
      (r) =>
        r.date === messy!.date &&
        r.actor.type === "user_actor" &&
        r.actor.email_address.trim().toLowerCase() === messyEmail.trim().toLowerCase(),
    );
    expect(sameDay.map((r) => r.is_remote).sort()).toEqual([false, true]);
  });
});
