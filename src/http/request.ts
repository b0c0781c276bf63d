import type { Logger } from "../log.ts";
import {
  AbortedError,
  ApiError,
  apiErrorFor,
  ConnectionError,
  PlatformError,
  RateLimitError,
  ResponseShapeError,
  TimeoutError,
} from "./errors.ts";
import { redact } from "./redact.ts";
import { backoff, retryAfterMs, sleep } from "./retry.ts";

export const DEFAULT_TIMEOUT_MS = 30_000;
export const DEFAULT_MAX_ATTEMPTS = 5;
/** A request still unanswered after this long is mentioned on stderr, once per platform. */
export const SLOW_NOTICE_MS = 10_000;

/** What the HTTP layer needs of a platform's client options. */
export interface HttpClient {
  baseUrl: string;
  apiKey: string;
  fetch: typeof globalThis.fetch;
  signal?: AbortSignal;
  log?: Logger;
  timeoutMs?: number;
  maxAttempts?: number;
  backoffScale?: number;
  /** Told before each wait on a retry or rate limit, so progress can say "resuming in 42 s". */
  onWait?: (ms: number, why: string) => void;
  /** After how long an unanswered request is mentioned on stderr (default SLOW_NOTICE_MS). */
  slowNoticeMs?: number;
}

/** Client-side throttle a platform may add (Cursor); acquire() resolves when a request may go. */
export interface RateLimiter {
  acquire(signal?: AbortSignal): Promise<void>;
}

export interface RequestSpec {
  platform: string;
  client: HttpClient;
  /** A path appended to the base URL's own path (a proxy prefix is kept), or an absolute URL. */
  path: string;
  query?: URLSearchParams;
  method?: "GET" | "POST";
  headers: Record<string, string>;
  body?: unknown;
  limiter?: RateLimiter;
  /** How to read a 2xx body (default JSON). */
  as?: "json" | "ndjson" | "text";
  /** Pulls the vendor's message out of an error body (each platform's schema.ts has one). */
  errorMessage?: (body: unknown) => string | undefined;
  /** Statuses that are a normal answer for this call, returned instead of thrown (e.g. 410, 204). */
  accept?: readonly number[];
  /**
   * A vendor's own "wait, then retry" answers beyond 408/429/5xx (GitHub's 403 rate limits): how long
   * to wait, and whether that is a clock time (a reset) rather than a backoff to scale.
   */
  retryWhen?: (status: number, headers: Headers, message: string) => RetryHint | undefined;
  /** Sees the headers of every answer (e.g. to hold later requests until a rate-limit reset). */
  onHeaders?: (headers: Headers) => void;
}

export interface RetryHint {
  waitMs: number;
  why: string;
  /** A reset time: waited as it is, never scaled or capped; longer than MAX_HINT_WAIT_MS fails at once. */
  absolute?: boolean;
}

/** A vendor-named wait longer than this is not worth blocking a report on: the request fails instead. */
export const MAX_HINT_WAIT_MS = 5 * 60_000;

export interface HttpResponse {
  status: number;
  headers: Headers;
  /** Parsed JSON, an array of parsed NDJSON lines, or the text, as `as` asked. */
  body: unknown;
  requestId: string | null;
}

const RETRY_STATUS = new Set([408, 409, 429, 500, 502, 503, 504, 529]);
/** Headers that carry a credential: never sent to a host other than the platform's own. */
const CREDENTIAL_HEADERS = new Set(["authorization", "x-api-key", "cookie", "proxy-authorization"]);

export function joinUrl(baseUrl: string, path: string, query?: URLSearchParams): string {
  const absolute = /^https?:\/\//i.test(path);
  const url = new URL(absolute ? path : baseUrl);
  if (!absolute) url.pathname = `${url.pathname.replace(/\/+$/, "")}/${path.replace(/^\/+/, "")}`;
  if (query) for (const [name, value] of query) url.searchParams.append(name, value);
  return url.toString();
}

/**
 * The headers to send to `url`: all of them to the platform's own origin; to any other host (a
 * signed download link) none that carries a credential, nor any whose value contains the key.
 */
function headersFor(url: string, baseUrl: string, headers: Record<string, string>, apiKey: string) {
  if (new URL(url).origin === new URL(baseUrl).origin) return { ...headers };
  return Object.fromEntries(
    Object.entries(headers).filter(
      ([name, value]) => !CREDENTIAL_HEADERS.has(name.toLowerCase()) && !(apiKey && value.includes(apiKey)),
    ),
  );
}

/** `request` for a JSON body (the common case). */
export function requestJson(spec: RequestSpec): Promise<HttpResponse> {
  return request({ ...spec, as: "json" });
}

/**
 * One request with retries: a timeout per attempt; retries for 408/409/429/5xx/529, resets,
 * timeouts and cut-off bodies; `retry-after-ms`, then `Retry-After` (seconds or date), else
 * 0.5 s·2ⁿ capped at 8 s with jitter. Errors are typed and never contain the key.
 */
export async function request(spec: RequestSpec): Promise<HttpResponse> {
  const { client, platform } = spec;
  const maxAttempts = client.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  const url = joinUrl(client.baseUrl, spec.path, spec.query);
  const shownUrl = redact(
    url.replace(/\/\/[^/@]*@/, "//").replace(/\?.*$/, (q) => (q.length > 120 ? "?…" : q)),
  );
  let lastError: PlatformError | undefined;

  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    if (client.signal?.aborted) throw new AbortedError();
    await spec.limiter?.acquire(client.signal);
    const started = Date.now();
    let delayMs: number | undefined;
    let hint: RetryHint | undefined;
    try {
      const res = await attemptOnce(spec, url);
      client.log?.debug(
        `${platform}: ${spec.method ?? "GET"} ${shownUrl} → ${res.status} (${Date.now() - started} ms)`,
      );
      return res;
    } catch (err) {
      if (err instanceof AbortedError) throw err;
      const error = err instanceof PlatformError ? err : new ConnectionError(platform, describe(err));
      lastError = error;
      const retryable = isRetryable(error);
      client.log?.debug(
        `${platform}: ${spec.method ?? "GET"} ${shownUrl} → ${error.message}${retryable && attempt < maxAttempts ? " (will retry)" : ""}`,
      );
      if (!retryable) throw error;
      if (error instanceof RetryableApiError) ({ retryAfterMs: delayMs, hint } = error);
    }
    if (attempt < maxAttempts) {
      if (hint && hint.waitMs > MAX_HINT_WAIT_MS) break;
      const scale = client.backoffScale ?? 1;
      const wait = hint?.absolute ? hint.waitMs : backoff(attempt, hint?.waitMs ?? delayMs) * scale;
      const why =
        hint?.why ??
        (lastError instanceof ApiError && lastError.status === 429 ? "rate limited" : "retrying");
      client.onWait?.(wait, why);
      await sleep(wait, client.signal);
    }
  }
  throw lastError instanceof RetryableApiError ? lastError.plain() : lastError!;
}

/** An API error we may retry, remembering the server's requested delay. */
class RetryableApiError extends ApiError {
  retryAfterMs?: number;
  hint?: RetryHint;
  plain(): ApiError {
    // A vendor-named wait is a rate limit whatever its status (GitHub answers 403).
    if (this.hint) return new RateLimitError(this.platform, this.status, this.vendorMessage, this.requestId);
    return apiErrorFor(this.platform, this.status, this.vendorMessage, this.requestId);
  }
}

function isRetryable(error: PlatformError): boolean {
  return (
    error instanceof RetryableApiError || error instanceof ConnectionError || error instanceof TimeoutError
  );
}

/** Per logger (one run), the platforms already told about a slow request: the notice comes once each. */
const slowNoticeGiven = new WeakMap<object, Set<string>>();

async function attemptOnce(spec: RequestSpec, url: string): Promise<HttpResponse> {
  const { client, platform } = spec;
  const timeoutMs = client.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = client.signal ? AbortSignal.any([client.signal, timeout]) : timeout;
  const accept =
    spec.as === "ndjson" ? "application/x-ndjson, */*" : spec.as === "text" ? "*/*" : "application/json";
  const headers = headersFor(url, client.baseUrl, { accept, ...spec.headers }, client.apiKey);
  if (spec.body !== undefined) headers["content-type"] = "application/json";
  const slowMs = client.slowNoticeMs ?? SLOW_NOTICE_MS;
  const slow = setTimeout(() => {
    if (!client.log) return;
    const given = slowNoticeGiven.get(client.log) ?? new Set<string>();
    slowNoticeGiven.set(client.log, given);
    if (given.has(platform)) return;
    given.add(platform);
    client.log.warn(
      `${platform}: still waiting for ${new URL(url).host} after ${slowMs / 1000} s (each try gives up after ${timeoutMs / 1000} s; ${client.maxAttempts ?? DEFAULT_MAX_ATTEMPTS} tries at most)`,
    );
  }, slowMs);
  slow.unref?.();

  let res: Response;
  let text: string;
  try {
    res = await client.fetch(url, {
      method: spec.method ?? "GET",
      headers,
      body: spec.body === undefined ? undefined : JSON.stringify(spec.body),
      signal,
    });
    text = await res.text();
  } catch (err) {
    if (client.signal?.aborted) throw new AbortedError();
    if (timeout.aborted) throw new TimeoutError(platform, `no response within ${timeoutMs / 1000} s`);
    throw new ConnectionError(platform, describe(err));
  } finally {
    clearTimeout(slow);
  }

  const requestId =
    res.headers.get("request-id") ??
    res.headers.get("x-request-id") ??
    res.headers.get("x-github-request-id");
  spec.onHeaders?.(res.headers);
  if (!res.ok && !spec.accept?.includes(res.status)) throw errorFor(spec, res, text, requestId);
  return { status: res.status, headers: res.headers, body: readBody(spec, res, text), requestId };
}

function errorFor(spec: RequestSpec, res: Response, text: string, requestId: string | null): Error {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {}
  const message = redact(
    (body !== undefined ? spec.errorMessage?.(body) : undefined) ??
      (text.trim().slice(0, 200) || res.statusText),
    [spec.client.apiKey],
  );
  const hint = spec.retryWhen?.(res.status, res.headers, message);
  if (hint || RETRY_STATUS.has(res.status) || res.headers.get("x-should-retry") === "true") {
    const e = new RetryableApiError(spec.platform, res.status, message, requestId);
    e.retryAfterMs = retryAfterMs(res.headers);
    e.hint = hint;
    return e;
  }
  return apiErrorFor(spec.platform, res.status, message, requestId);
}

function readBody(spec: RequestSpec, res: Response, text: string): unknown {
  if (spec.as === "text") return text;
  const contentType = res.headers.get("content-type") ?? "none";
  if (spec.as === "ndjson") {
    const lines = text.split("\n").filter((l) => l.trim());
    return lines.map((line, i) => {
      try {
        return JSON.parse(line);
      } catch {
        // The last line cut short is a broken transfer (retry); a bad line inside is a bad file.
        if (i === lines.length - 1 && !text.endsWith("\n"))
          throw new ConnectionError(spec.platform, "response body was cut off (incomplete NDJSON line)");
        throw new ResponseShapeError(spec.platform, `line ${i + 1}`, "not a JSON object");
      }
    });
  }
  if (res.status === 204 || (text === "" && spec.accept?.includes(res.status))) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    // A JSON content type with an unparseable body is a cut-off transfer: retry it.
    if (/\bjson\b/i.test(contentType))
      throw new ConnectionError(spec.platform, "response body was cut off (invalid JSON)");
    throw new ResponseShapeError(spec.platform, "", `body is not JSON (content-type ${contentType})`);
  }
}

/** What a failed fetch means, in words, with its cause (no key). */
export function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  // undici says only "fetch failed" or "terminated"; say what that means, the cause says why.
  const what =
    err.message === "fetch failed"
      ? "connection failed"
      : err.message === "terminated"
        ? "connection closed before the response was complete"
        : err.message;
  const detail =
    cause?.message && cause.code && !cause.message.includes(cause.code)
      ? `${cause.message}, ${cause.code}`
      : (cause?.message ?? cause?.code);
  return redact(detail && !what.includes(detail) ? `${what} (${detail})` : what);
}
