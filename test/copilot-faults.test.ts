import { afterEach, describe, expect, it } from "vitest";
import type { CopilotEmulator } from "../src/emulators/copilot/index.ts";
import {
  ApiError,
  ConnectionError,
  NotFoundError,
  PermissionDeniedError,
  type PlatformError,
  ResponseShapeError,
} from "../src/http/errors.ts";
import { copilot } from "../src/platforms/copilot/index.ts";
import { clientFor, collect, emulator, orgData, recordSums, reportRequests } from "./copilot-helpers.ts";

let emu: CopilotEmulator | undefined;
afterEach(async () => {
  await emu?.close();
  emu = undefined;
});

const DAY = "2026-06-20";
const one = [{ since: DAY, until: DAY }];

function dayTotal(data: ReturnType<typeof orgData>) {
  return data.records.filter((r) => r.day === DAY).reduce((s, r) => s + recordSums(r).requests, 0);
}

async function requestsOfDay(e: CopilotEmulator, client = clientFor(e)) {
  const { rows } = await collect(client, one);
  return rows.reduce((s, r) => s + r.requests, 0);
}

const secondary = {
  message: "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
  documentation_url: "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api",
  status: "403",
};

describe("copilot faults end exact or in a clear error", () => {
  it.each([
    ["429 with retry-after", { kind: "status", status: 429, headers: { "retry-after": "1" } }],
    [
      "secondary-limit 403",
      { kind: "status", status: 403, body: secondary, headers: { "retry-after": "2" } },
    ],
    ["secondary-limit 403 without retry-after", { kind: "status", status: 403, body: secondary }],
    ["503", { kind: "status", status: 503 }],
    ["connection reset", { kind: "reset" }],
    ["cut-off JSON", { kind: "truncate" }],
  ] as const)("report request: %s → retried, exact", async (_, fault) => {
    const data = orgData();
    emu = await emulator({ data });
    emu.inject({ fault: fault as never, times: 2, path: "/users-1-day" });
    expect(await requestsOfDay(emu)).toBe(dayTotal(data));
    expect(reportRequests(emu)).toHaveLength(3);
  });

  it.each([
    ["reset", { kind: "reset" }],
    ["cut-off file", { kind: "truncate" }],
    ["truncated last NDJSON line", { kind: "bad-line" }],
    ["500 from the file host", { kind: "status", status: 500 }],
  ] as const)("download: %s → fresh links, exact", async (_, fault) => {
    const data = orgData();
    emu = await emulator({ data });
    emu.files.inject(fault, 1);
    expect(await requestsOfDay(emu)).toBe(dayTotal(data));
    expect(reportRequests(emu)).toHaveLength(2);
  });

  it.each(["raw-gzip", "gzip"] as const)("a %s file body is read", async (kind) => {
    const data = orgData();
    emu = await emulator({ data });
    emu.files.inject({ kind }, 2);
    expect(await requestsOfDay(emu)).toBe(dayTotal(data));
  });

  it("expired links: re-requested, exact; always expired: a clear error after the bound", async () => {
    const data = orgData();
    emu = await emulator({ data });
    emu.files.expireNext = 2;
    expect(await requestsOfDay(emu)).toBe(dayTotal(data));
    expect(reportRequests(emu)).toHaveLength(2);
    expect(emu.files.requests.filter((r) => r.status === 403).length).toBeGreaterThanOrEqual(1);

    emu.requests.length = 0;
    emu.files.expireNext = 1000;
    const err = await requestsOfDay(emu).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectionError);
    expect((err as PlatformError).platform).toBe("copilot");
    expect((err as Error).message).toMatch(
      /report files for 2026-06-20 could not be downloaded \(HTTP 403.*3 times/,
    );
    expect(reportRequests(emu)).toHaveLength(3);
  });

  it("primary limit: waits for x-ratelimit-reset, then continues exact", async () => {
    const data = orgData(6);
    emu = await emulator({ data, rateLimit: { limit: 3, windowMs: 800 } });
    const waits: string[] = [];
    const client = clientFor(emu, { onWait: (_ms, why) => waits.push(why) });
    const { rows } = await collect(client, [{ since: "2026-06-18", until: "2026-06-22" }]);
    const want = data.records
      .filter((r) => r.day >= "2026-06-18" && r.day <= "2026-06-22")
      .reduce((s, r) => s + recordSums(r).requests, 0);
    expect(rows.reduce((s, r) => s + r.requests, 0)).toBe(want);
    expect(waits).toContain("GitHub rate limit");
    // Held by the gate: after `remaining: 0` the next request waits instead of being refused.
    expect(emu.requests.filter((r) => r.status === 403).length).toBeLessThanOrEqual(1);
  }, 20_000);

  it.each([
    [403, undefined],
    [429, 1],
  ])(
    "secondary limits every third request (%i, retry-after %s): exact over the window",
    async (status, retryAfter) => {
      const data = orgData();
      emu = await emulator({ data, secondaryLimit: { every: 3, status, retryAfter } });
      const { rows } = await collect(clientFor(emu, { cache: undefined }));
      const want = data.records.reduce((s, r) => s + recordSums(r).requests, 0);
      expect(rows.reduce((s, r) => s + r.requests, 0)).toBe(want);
      expect(emu.requests.filter((r) => r.status === status).length).toBeGreaterThan(0);
    },
  );

  it("a 5xx that never ends: the error after the attempts", async () => {
    emu = await emulator();
    emu.inject({ fault: { kind: "status", status: 502 }, path: "/users-1-day" });
    const err = await requestsOfDay(emu, clientFor(emu, { maxAttempts: 3 })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).status).toBe(502);
    expect(reportRequests(emu)).toHaveLength(3);
  });
});

describe("copilot errors: one clear line, never retried", () => {
  it.each([403, 404, 422])("policy disabled answered %i", async (status) => {
    emu = await emulator({ policyEnabled: false, policyStatus: status });
    const err = (await requestsOfDay(emu).catch((e: unknown) => e)) as ApiError;
    expect(err).toBeInstanceOf(ApiError);
    expect(err.status).toBe(status);
    expect(err.message).toMatch(/policy/);
    expect(copilot.advice?.(status, err.vendorMessage)).toMatch(/Copilot usage metrics|read:org/);
    expect(reportRequests(emu)).toHaveLength(1);
  });

  it("wrong organization or a token without read:org: 404 with what to check", async () => {
    emu = await emulator();
    const err = await requestsOfDay(emu, clientFor(emu, { env: { COPILOT_ORG: "other" } })).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(NotFoundError);
    expect(copilot.advice?.(404, "Not Found")).toMatch(/COPILOT_ORG.*read:org/);
    expect(reportRequests(emu)).toHaveLength(1);
  });

  it("bad token: 401, the token named in the advice, the token never in the message", async () => {
    emu = await emulator();
    const token = "ghp_Wrong00000000000000000000000000000000";
    const err = (await requestsOfDay(emu, clientFor(emu, { apiKey: token })).catch(
      (e: unknown) => e,
    )) as ApiError;
    expect(err.status).toBe(401);
    expect(err.message).toBe("HTTP 401: Bad credentials");
    expect(copilot.advice?.(401, err.vendorMessage)).toMatch(/COPILOT_METRICS_TOKEN/);
  });

  it("a plain 403 (no rate limit) is not retried", async () => {
    emu = await emulator();
    emu.inject({
      fault: { kind: "status", status: 403, message: "Resource not accessible by personal access token" },
    });
    const err = await requestsOfDay(emu).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PermissionDeniedError);
    expect(reportRequests(emu)).toHaveLength(1);
  });

  it("a field of the wrong type is named with its file and line", async () => {
    const data = orgData();
    const bad = data.records.find((r) => r.day === DAY)!;
    (bad as unknown as Record<string, unknown>).loc_added_sum = "12";
    emu = await emulator({ data, filesPerDay: 1 });
    const err = await requestsOfDay(emu).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ResponseShapeError);
    const line = data.records.filter((r) => r.day === DAY).indexOf(bad) + 1;
    expect((err as Error).message).toContain(`users-1-day 2026-06-20 file 1 line ${line}: loc_added_sum`);
  });
});

describe("copilot token kinds and hosts", () => {
  it("a token not authorized for SAML SSO: 403, not retried, the advice says to authorize it", async () => {
    const token = "ghp_NoSso00000000000000000000000000000000";
    emu = await emulator({ tokens: { [token]: ["read:org", "sso-unauthorized"] } });
    const err = (await requestsOfDay(emu, clientFor(emu, { apiKey: token })).catch(
      (e: unknown) => e,
    )) as ApiError;
    expect(err.status).toBe(403);
    expect(copilot.advice?.(403, err.vendorMessage)).toMatch(/single sign-on/);
    expect(reportRequests(emu)).toHaveLength(1);
  });

  it("a fine-grained token: without the permission 403, with it exact", async () => {
    const data = orgData();
    const without = "github_pat_Without000000000000000000000";
    const withIt = "github_pat_WithPerm000000000000000000000";
    emu = await emulator({
      data,
      tokens: { [without]: ["fine-grained"], [withIt]: ["fine-grained", "copilot_metrics"] },
    });
    const err = (await requestsOfDay(emu, clientFor(emu, { apiKey: without })).catch(
      (e: unknown) => e,
    )) as ApiError;
    expect(err.message).toBe("HTTP 403: Resource not accessible by personal access token");
    expect(await requestsOfDay(emu, clientFor(emu, { apiKey: withIt }))).toBe(dayTotal(data));
  });

  it("a base URL with a path prefix (GHE.com, a proxy) is joined", async () => {
    const data = orgData();
    emu = await emulator({ data });
    expect(await requestsOfDay(emu, clientFor(emu, { baseUrl: `${emu.url}/api/v3` }))).toBe(dayTotal(data));
    expect(reportRequests(emu)[0]!.path).toBe("/api/v3/orgs/acme-corp/copilot/metrics/reports/users-1-day");
  });

  it("restated days: a later fetch sees the grown values, matching the records again", async () => {
    const data = orgData(6, { since: "2026-06-20", until: "2026-06-28" });
    emu = await emulator({ data, restate: true });
    const recent = [{ since: "2026-06-27", until: "2026-06-28" }];
    const sum = () =>
      data.records.filter((r) => r.day >= "2026-06-27").reduce((s, r) => s + recordSums(r).requests, 0);
    const first = (await collect(clientFor(emu), recent)).rows.reduce((s, r) => s + r.requests, 0);
    expect(first).toBe(sum());
    const second = (await collect(clientFor(emu), recent)).rows.reduce((s, r) => s + r.requests, 0);
    expect(second).toBe(sum());
    expect(second).toBeGreaterThan(first);
  });
});

describe("copilot secrets", () => {
  it("a token echoed in an error body never reaches the message", async () => {
    emu = await emulator();
    const token = "ghp_EmulatorToken0000000000000000000000";
    emu.inject({
      fault: { kind: "status", status: 400, message: `Bad token ${token} given` },
      path: "/users-1-day",
    });
    const err = (await requestsOfDay(emu).catch((e: unknown) => e)) as ApiError;
    expect(err.status).toBe(400);
    expect(err.message).not.toContain(token);
    expect(err.message).toContain("[redacted]");
  });
});
