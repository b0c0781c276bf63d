import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A tiny HTTP server that the three vendor emulators share: routing is the vendor's job,
 * while latency, fault injection and the request log live here so every vendor gets them alike.
 */

export interface EmulatorRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** Parsed JSON body, or undefined when there is none or it is not JSON. */
  body: unknown;
}

export interface EmulatorResponse {
  status: number;
  headers?: Record<string, string>;
  body: unknown;
}

export type Handler = (req: EmulatorRequest) => EmulatorResponse | Promise<EmulatorResponse>;

export type Fault =
  /** Answer with this status and the vendor's error body (or `body`), plus headers such as retry-after. */
  | { kind: "status"; status: number; message?: string; body?: unknown; headers?: Record<string, string> }
  /** Drop the connection without answering. */
  | { kind: "reset" }
  /** Answer only after this delay (to trip client timeouts). */
  | { kind: "slow"; delayMs: number }
  /** Send the headers and half the body, then cut the connection. */
  | { kind: "truncate" }
  /** A 200 whose body is an HTML page, not JSON. */
  | { kind: "not-json" }
  /** Let the real handler answer, then change its body (schema drift, wrong types, paging traps). */
  | { kind: "mutate"; mutate: (body: unknown, req: EmulatorRequest) => unknown };

export interface FaultRule {
  fault: Fault;
  /** How many matching requests it hits; default: all. */
  times?: number;
  /** Only requests whose path contains this string (or matches this regexp). */
  path?: string | RegExp;
  /** Let this many matching requests through first. */
  skip?: number;
  /** Only requests this predicate accepts (e.g. one window's body). */
  when?: (req: EmulatorRequest) => boolean;
}

export interface LoggedRequest {
  method: string;
  path: string;
  query: string;
  /** As received, so tests can prove what was (not) sent, e.g. no credentials to a download host. */
  headers: IncomingHttpHeaders;
  body: unknown;
  status: number;
  at: number;
}

export interface EmulatorServer {
  url: string;
  /** Every request answered (or cut off), in arrival order. */
  requests: LoggedRequest[];
  /** Artificial latency added to every answer. */
  latencyMs: number;
  inject(rule: FaultRule): void;
  clearFaults(): void;
  close(): Promise<void>;
}

export interface ServerOptions {
  handler: Handler;
  /** The vendor's error body for a status, e.g. Anthropic `{type:"error",error:{…}}`. */
  errorBody: (status: number, message?: string) => unknown;
  /** Headers the vendor puts on every answer (request ids). */
  commonHeaders?: () => Record<string, string>;
  latencyMs?: number;
  host?: string;
}

export async function startServer(options: ServerOptions): Promise<EmulatorServer> {
  const rules: Array<FaultRule & { seen: number; hits: number }> = [];
  const requests: LoggedRequest[] = [];
  const state = { latencyMs: options.latencyMs ?? 0 };

  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString("utf8");
    const url = new URL(req.url ?? "/", "http://emulator");
    let body: unknown;
    try {
      body = raw ? JSON.parse(raw) : undefined;
    } catch {
      body = undefined;
    }
    const request: EmulatorRequest = {
      method: req.method ?? "GET",
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body,
    };
    const log = (status: number) =>
      requests.push({
        method: request.method,
        path: url.pathname,
        query: url.search,
        headers: req.headers,
        body,
        status,
        at: Date.now(),
      });

    if (state.latencyMs > 0) await delay(state.latencyMs);
    const fault = takeFault(rules, request);
    const common = options.commonHeaders?.() ?? {};
    const send = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
      const text = JSON.stringify(payload);
      res.writeHead(status, { "content-type": "application/json", ...common, ...headers });
      res.end(text);
      log(status);
    };

    if (fault?.kind === "reset") {
      log(0);
      req.socket.destroy();
      return;
    }
    if (fault?.kind === "slow") await delay(fault.delayMs);
    if (fault?.kind === "status") {
      return send(fault.status, fault.body ?? options.errorBody(fault.status, fault.message), fault.headers);
    }
    if (fault?.kind === "not-json") {
      res.writeHead(200, { "content-type": "text/html", ...common });
      res.end("<html><body>Bad gateway</body></html>");
      log(200);
      return;
    }

    let answer: EmulatorResponse;
    try {
      answer = await options.handler(request);
    } catch (err) {
      answer = { status: 500, body: options.errorBody(500, (err as Error).message) };
    }
    if (res.destroyed) return;
    if (fault?.kind === "truncate") {
      const text = JSON.stringify(answer.body);
      res.writeHead(answer.status, {
        "content-type": "application/json",
        "content-length": String(Buffer.byteLength(text)),
        ...common,
      });
      res.write(text.slice(0, Math.floor(text.length / 2)));
      log(answer.status);
      setImmediate(() => req.socket.destroy());
      return;
    }
    // A deep copy, so a mutation can never reach the emulator's stored records.
    const payload =
      fault?.kind === "mutate" ? fault.mutate(structuredClone(answer.body), request) : answer.body;
    send(answer.status, payload, answer.headers);
  });

  await new Promise<void>((resolve) => server.listen(0, options.host ?? "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    get latencyMs() {
      return state.latencyMs;
    },
    set latencyMs(ms: number) {
      state.latencyMs = ms;
    },
    inject: (rule) => rules.push({ ...rule, seen: 0, hits: 0 }),
    clearFaults: () => {
      rules.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function takeFault(
  rules: Array<FaultRule & { seen: number; hits: number }>,
  req: EmulatorRequest,
): Fault | undefined {
  const { path } = req;
  for (const rule of rules) {
    const matches =
      (rule.path === undefined ||
        (typeof rule.path === "string" ? path.includes(rule.path) : rule.path.test(path))) &&
      (rule.when?.(req) ?? true);
    if (!matches) continue;
    rule.seen++;
    if (rule.seen <= (rule.skip ?? 0)) continue;
    if (rule.hits >= (rule.times ?? Number.POSITIVE_INFINITY)) continue;
    rule.hits++;
    return rule.fault;
  }
  return undefined;
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Opaque cursors: `page_` + base64 of a JSON position, as the vendors' look. */
export function encodeCursor(position: unknown): string {
  return `page_${Buffer.from(JSON.stringify(position)).toString("base64")}`;
}

export function decodeCursor<T>(cursor: string): T | undefined {
  if (!cursor.startsWith("page_")) return undefined;
  try {
    return JSON.parse(Buffer.from(cursor.slice(5), "base64").toString("utf8")) as T;
  } catch {
    return undefined;
  }
}
