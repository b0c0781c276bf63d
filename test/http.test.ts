import { errorMessage } from "../src/platforms/openai/schema.ts";
import "../src/platforms/registry.ts";
import { afterEach, describe, expect, it } from "vitest";
import { type EmulatorServer, startServer } from "../src/emulators/server.ts";
import {
  AbortedError,
  AuthenticationError,
  ConnectionError,
  PagingError,
  RateLimitError,
  ResponseShapeError,
  ServerError,
  TimeoutError,
} from "../src/http/errors.ts";
import { nextCursor, paginateCursor } from "../src/http/paging.ts";
import { redact, registerSecret } from "../src/http/redact.ts";
import { joinUrl, requestJson } from "../src/http/request.ts";
import { backoff, retryAfterMs } from "../src/http/retry.ts";

const KEY = "sk-admin-SECRETKEY0123456789abcdef";
let server: EmulatorServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(body: unknown = { ok: true }) {
  server = await startServer({
    handler: () => ({ status: 200, body }),
    errorBody: (status, message) => ({ error: { message: message ?? `status ${status}`, type: "x" } }),
    commonHeaders: () => ({ "request-id": "req_123" }),
  });
  return server;
}

function get(url: string, extra: Record<string, unknown> = {}) {
  return requestJson({
    platform: "openai",
    client: {
      baseUrl: url,
      apiKey: KEY,
      fetch: globalThis.fetch,
      backoffScale: 0.001,
      timeoutMs: 500,
      ...extra,
    },
    path: "/v1/thing",
    headers: { authorization: `Bearer ${KEY}` },
    errorMessage,
  });
}

describe("requestJson", () => {
  it("returns the parsed body and the request id", async () => {
    const s = await start({ hello: "world" });
    await expect(get(s.url)).resolves.toMatchObject({
      status: 200,
      body: { hello: "world" },
      requestId: "req_123",
    });
  });

  it.each([
    ["429 with retry-after", { kind: "status", status: 429, headers: { "retry-after": "1" } }],
    ["429 without retry-after", { kind: "status", status: 429 }],
    ["500", { kind: "status", status: 500 }],
    ["502", { kind: "status", status: 502 }],
    ["503", { kind: "status", status: 503 }],
    ["529", { kind: "status", status: 529 }],
    ["408", { kind: "status", status: 408 }],
    ["a connection reset", { kind: "reset" }],
    ["a cut-off body", { kind: "truncate" }],
    ["a response slower than the timeout", { kind: "slow", delayMs: 1500 }],
  ] as const)("retries %s and then succeeds", async (_name, fault) => {
    const s = await start({ n: 1 });
    s.inject({ fault, times: 2 });
    await expect(get(s.url)).resolves.toMatchObject({ body: { n: 1 } });
    // A slow answer is logged when it is finally sent, after the client has moved on.
    if (fault.kind !== "slow") expect(s.requests.length).toBe(3);
  });

  it("gives up after a bounded number of attempts with the last error, typed", async () => {
    const s = await start();
    s.inject({ fault: { kind: "status", status: 503, message: "overloaded" } });
    const err = await get(s.url, { maxAttempts: 3 }).catch((e) => e);
    expect(err).toBeInstanceOf(ServerError);
    expect(err).toMatchObject({
      platform: "openai",
      status: 503,
      message: "HTTP 503: overloaded",
      requestId: "req_123",
    });
    expect(s.requests.length).toBe(3);

    s.clearFaults();
    s.inject({ fault: { kind: "status", status: 429, message: "slow down" } });
    await expect(get(s.url, { maxAttempts: 2 })).rejects.toBeInstanceOf(RateLimitError);
    s.clearFaults();
    s.inject({ fault: { kind: "reset" } });
    await expect(get(s.url, { maxAttempts: 2 })).rejects.toBeInstanceOf(ConnectionError);
    s.clearFaults();
    s.inject({ fault: { kind: "slow", delayMs: 1500 } });
    await expect(get(s.url, { maxAttempts: 1 })).rejects.toBeInstanceOf(TimeoutError);
  });

  it("never retries 401, and never shows the key even when the vendor echoes it", async () => {
    const s = await start();
    s.inject({
      fault: {
        kind: "status",
        status: 401,
        message: `Incorrect API key provided: ${KEY.slice(0, 9)}****${KEY.slice(-4)}`,
      },
    });
    const err = await get(s.url).catch((e) => e);
    expect(err).toBeInstanceOf(AuthenticationError);
    expect(s.requests.length).toBe(1);
    expect(err.message).toBe("HTTP 401: Incorrect API key provided: [redacted]");
    expect(err.message).not.toContain(KEY.slice(-4));
  });

  it("a 200 that is not JSON is a clear, permanent error", async () => {
    const s = await start();
    s.inject({ fault: { kind: "not-json" } });
    const err = await get(s.url).catch((e) => e);
    expect(err).toBeInstanceOf(ResponseShapeError);
    expect(err.message).toBe("unexpected response: body is not JSON (content-type text/html)");
    expect(s.requests.length).toBe(1);
  });

  it("stops promptly when aborted", async () => {
    const s = await start();
    s.inject({ fault: { kind: "slow", delayMs: 5000 } });
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(), 50);
    await expect(get(s.url, { signal: controller.signal, timeoutMs: 10_000 })).rejects.toBeInstanceOf(
      AbortedError,
    );
    expect(Date.now() - started).toBeLessThan(1000);
  });
});

describe("helpers", () => {
  it("joins a base URL with a path prefix instead of replacing it", () => {
    expect(joinUrl("https://proxy.example/anthropic/", "/v1/x", new URLSearchParams({ a: "1" }))).toBe(
      "https://proxy.example/anthropic/v1/x?a=1",
    );
    expect(joinUrl("https://api.openai.com", "v1/x")).toBe("https://api.openai.com/v1/x");
  });

  it("reads retry-after-ms, Retry-After seconds and HTTP dates", () => {
    expect(retryAfterMs(new Headers({ "retry-after-ms": "250", "retry-after": "9" }))).toBe(250);
    expect(retryAfterMs(new Headers({ "retry-after": "2" }))).toBe(2000);
    const inTen = new Date(Date.now() + 10_000).toUTCString();
    expect(retryAfterMs(new Headers({ "retry-after": inTen }))).toBeGreaterThan(8000);
    expect(retryAfterMs(new Headers())).toBeUndefined();
  });

  it("backs off exponentially with jitter, capped, and ignores absurd server delays", () => {
    expect(backoff(1, 1200)).toBe(1200);
    for (const attempt of [1, 2, 3, 10]) {
      const cap = Math.min(500 * 2 ** (attempt - 1), 8000);
      const d = backoff(attempt, 3_600_000);
      expect(d).toBeGreaterThan(cap * 0.75 - 1);
      expect(d).toBeLessThanOrEqual(cap);
    }
  });

  it("redacts registered keys, their Basic-auth form and anything key-shaped", () => {
    registerSecret("crsr_mysecret123456");
    const b64 = Buffer.from("crsr_mysecret123456:").toString("base64");
    expect(redact(`a crsr_mysecret123456 b ${b64} c sk-ant-admin01-xyz d sk-proj-abc e`)).toBe(
      "a [redacted] b [redacted] c [redacted] d [redacted] e",
    );
  });
});

describe("paginateCursor", () => {
  it("follows cursors until has_more is false", async () => {
    const pages: Record<string, { items: number[]; hasMore: boolean; nextCursor: string | null }> = {
      start: { items: [1, 2], hasMore: true, nextCursor: "a" },
      a: { items: [3], hasMore: true, nextCursor: "b" },
      b: { items: [4], hasMore: false, nextCursor: null },
    };
    const out: number[] = [];
    for await (const items of paginateCursor("claude", "usage", async (c) => pages[c ?? "start"]!))
      out.push(...items);
    expect(out).toEqual([1, 2, 3, 4]);
  });

  it("stops on a repeated cursor, has_more without a cursor, and an endless chain", async () => {
    const drain = async (
      fn: (c: string | null) => Promise<{ items: number[]; hasMore: boolean; nextCursor: string | null }>,
      max?: number,
    ) => {
      for await (const _ of paginateCursor("claude", "usage", fn, max)) {
      }
    };
    await expect(drain(async () => ({ items: [], hasMore: true, nextCursor: "same" }))).rejects.toThrow(
      new PagingError("claude", "usage: the API repeated a page cursor"),
    );
    await expect(drain(async () => ({ items: [], hasMore: true, nextCursor: null }))).rejects.toThrow(
      "usage: has_more is true but no next page cursor was given",
    );
    let n = 0;
    await expect(
      drain(async () => ({ items: [], hasMore: true, nextCursor: `c${n++}` }), 50),
    ).rejects.toThrow("usage: more than 50 pages; stopping");
    expect(() => nextCursor("openai", "x", { items: [], hasMore: true, nextCursor: "" }, new Set())).toThrow(
      PagingError,
    );
  });
});
