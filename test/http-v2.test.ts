import { createServer } from "node:http";
import { type AddressInfo, connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer } from "../src/emulators/server.ts";
import { ConnectionError, PagingError, ResponseShapeError } from "../src/http/errors.ts";
import { nextLink, paginateLink } from "../src/http/link.ts";
import { type HttpClient, request } from "../src/http/request.ts";
import { type ReportJson, runCli } from "./cli.ts";
import { expectedSums } from "./matrix.ts";
import { closeAll, emulators } from "./store-helpers.ts";

/** The HTTP layer's v2 duties: bodies of any kind, other hosts without credentials, Link paging, proxies. */

const KEY = "sk-admin-HTTPV2-secret-1234";

/** A raw server, for bodies the JSON emulator server does not send (NDJSON, a cut-off line, text). */
async function plainServer(answer: (path: string) => { type?: string; body: string }) {
  const server = createServer((req, res) => {
    const a = answer(req.url ?? "/");
    res.writeHead(200, { "content-type": a.type ?? "application/x-ndjson" });
    res.end(a.body);
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}

const client = (baseUrl: string, extra: Partial<HttpClient> = {}): HttpClient => ({
  baseUrl,
  apiKey: KEY,
  fetch: globalThis.fetch,
  backoffScale: 0.001,
  timeoutMs: 2_000,
  ...extra,
});

describe("bodies", () => {
  it("reads NDJSON; a cut-off last line is retried, a bad line inside names it", async () => {
    let calls = 0;
    const s = await plainServer((path) => {
      if (path === "/good") return { body: '{"a":1}\n{"a":2}\n' };
      if (path === "/bad") return { body: '{"a":1}\nnot json\n{"a":3}\n' };
      calls++;
      return { body: calls === 1 ? '{"a":1}\n{"a"' : '{"a":1}\n{"a":2}' };
    });
    const base = { platform: "copilot", headers: {}, as: "ndjson" as const };
    expect((await request({ ...base, client: client(s.url), path: "/good" })).body).toEqual([
      { a: 1 },
      { a: 2 },
    ]);
    expect((await request({ ...base, client: client(s.url), path: "/cut" })).body).toEqual([
      { a: 1 },
      { a: 2 },
    ]);
    expect(calls).toBe(2);
    await expect(request({ ...base, client: client(s.url), path: "/bad" })).rejects.toThrow(
      new ResponseShapeError("copilot", "line 2", "not a JSON object"),
    );
    calls = 0;
    await expect(
      request({ ...base, client: client(s.url, { maxAttempts: 1 }), path: "/cut" }),
    ).rejects.toThrow(new ConnectionError("copilot", "response body was cut off (incomplete NDJSON line)"));
    await s.close();
  });

  it("reads text as text", async () => {
    const s = await plainServer(() => ({ type: "text/plain", body: "hello" }));
    const res = await request({ platform: "x", client: client(s.url), path: "/", headers: {}, as: "text" });
    expect(res.body).toBe("hello");
    await s.close();
  });
});

describe("another host", () => {
  it("never sends the platform's credentials to a host other than its own, and keeps them for its own", async () => {
    const own = await startServer({
      handler: () => ({ status: 200, body: { ok: 1 } }),
      errorBody: () => ({}),
    });
    const other = await startServer({
      handler: () => ({ status: 200, body: { ok: 2 } }),
      errorBody: () => ({}),
    });
    const headers = {
      authorization: `Bearer ${KEY}`,
      "x-api-key": KEY,
      "x-custom": `k=${KEY}`,
      "user-agent": "t",
    };
    await request({ platform: "copilot", client: client(own.url), path: "/api", headers });
    await request({
      platform: "copilot",
      client: client(own.url),
      path: `${other.url}/signed?sig=abc`,
      headers,
    });
    await request({ platform: "copilot", client: client(own.url), path: `${own.url}/absolute`, headers });
    const sent = (log: typeof own.requests) =>
      log.map((r) => [r.path, r.headers.authorization, r.headers["x-api-key"]]);
    expect(sent(own.requests)).toEqual([
      ["/api", `Bearer ${KEY}`, KEY],
      ["/absolute", `Bearer ${KEY}`, KEY],
    ]);
    expect(sent(other.requests)).toEqual([["/signed", undefined, undefined]]);
    expect(JSON.stringify(other.requests[0]!.headers)).not.toContain(KEY);
    expect(other.requests[0]!.query).toBe("?sig=abc");
    await Promise.all([own.close(), other.close()]);
  });
});

describe("Link paging", () => {
  it("finds rel=next among other relations", () => {
    expect(nextLink('<https://a/x?page=2>; rel="next", <https://a/x?page=9>; rel="last"')).toBe(
      "https://a/x?page=2",
    );
    expect(nextLink('<https://a/x?page=1>; rel="prev", <https://a/x?page=3>; rel="next"')).toBe(
      "https://a/x?page=3",
    );
    expect(nextLink('<https://a/x?page=9>; rel="last"')).toBeNull();
    expect(nextLink(null)).toBeNull();
  });

  it("follows next links and stops on a repeated one", async () => {
    const pages: Record<string, { items: number[]; link: string | null }> = {
      a: { items: [1], link: "<b>; rel=next" },
      b: { items: [2], link: "<a>; rel=next" },
    };
    const seen: number[] = [];
    const it = paginateLink("copilot", "things", "a", async (url) => pages[url]!);
    await expect(
      (async () => {
        for await (const items of it) seen.push(...items);
      })(),
    ).rejects.toThrow(PagingError);
    expect(seen).toEqual([1, 2]);
  });
});

describe("waiting", () => {
  it("says how long it waits on a rate limit, honouring Retry-After", async () => {
    const s = await startServer({
      handler: () => ({ status: 200, body: { ok: true } }),
      errorBody: () => ({ error: { message: "slow down" } }),
    });
    s.inject({ fault: { kind: "status", status: 429, headers: { "retry-after": "2" } }, times: 1 });
    const waits: Array<[number, string]> = [];
    await request({
      platform: "cursor",
      client: client(s.url, { backoffScale: 0.01, onWait: (ms, why) => waits.push([ms, why]) }),
      path: "/",
      headers: {},
    });
    expect(waits).toEqual([[20, "rate limited"]]);
    await s.close();
  });

  it("mentions a request that has been waiting long, once", async () => {
    const s = await startServer({ handler: () => ({ status: 200, body: {} }), errorBody: () => ({}) });
    s.inject({ fault: { kind: "slow", delayMs: 400 } });
    const lines: string[] = [];
    const log = { warn: (m: string) => lines.push(m), debug: () => {} };
    const c = client(s.url, { slowNoticeMs: 100, log });
    await request({ platform: "cursor", client: c, path: "/", headers: {} });
    await request({ platform: "cursor", client: c, path: "/", headers: {} });
    expect(lines).toEqual([
      expect.stringMatching(
        /^cursor: still waiting for 127\.0\.0\.1:\d+ after 0\.1 s \(each try gives up after 2 s; 5 tries at most\)$/,
      ),
    ]);
    await s.close();
  });
});

describe("proxies", () => {
  let tunnels = 0;
  let proxyUrl = "";
  const proxy = createServer();
  beforeAll(async () => {
    proxy.on("connect", (req, socket, head) => {
      tunnels++;
      const [host, port] = (req.url ?? "").split(":");
      const upstream = connect(Number(port), host, () => {
        socket.write("HTTP/1.1 200 Connection Established\r\n\r\n");
        upstream.write(head);
        upstream.pipe(socket);
        socket.pipe(upstream);
      });
      upstream.on("error", () => socket.destroy());
      socket.on("error", () => upstream.destroy());
    });
    await new Promise<void>((done) => proxy.listen(0, "127.0.0.1", done));
    proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    proxy.closeAllConnections();
    await new Promise<void>((done) => proxy.close(() => done()));
    await closeAll();
  });

  it("sends every vendor call through HTTPS_PROXY/HTTP_PROXY, and none with NO_PROXY", async () => {
    const emu = await emulators({ since: "2026-11-20", until: "2026-11-23", people: 4 });
    const args = ["--since", "2026-11-20", "--until", "2026-11-23", "--no-store", "--json"];
    const direct = await runCli(args, emu.env);
    const proxied = await runCli(args, { ...emu.env, HTTPS_PROXY: proxyUrl, HTTP_PROXY: proxyUrl });
    expect(proxied.code, proxied.stderr).toBe(0);
    expect(tunnels).toBeGreaterThanOrEqual(3); // at least one tunnel to each of the three vendors
    expect(proxied.stdout).toBe(direct.stdout);
    const sums = (json: ReportJson) => json.totals.requests;
    const want = expectedSums(emu.data);
    expect(sums(JSON.parse(proxied.stdout))).toBe(
      want.claude.requests + want.openai.requests + (want.codex?.requests ?? 0) + want.cursor.requests,
    );
    const before = tunnels;
    const bypass = await runCli(args, {
      ...emu.env,
      HTTPS_PROXY: proxyUrl,
      HTTP_PROXY: proxyUrl,
      NO_PROXY: "127.0.0.1",
    });
    expect(bypass.stdout).toBe(direct.stdout);
    expect(tunnels).toBe(before);
  });
});
