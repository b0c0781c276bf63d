import type { ClientOptions } from "../platforms/types.ts";
import type { PlatformId } from "../usage/types.ts";
import {
  AbortedError,
  ApiError,
  apiErrorFor,
  ConnectionError,
  PlatformError,
  ResponseShapeError,
  TimeoutError,
} from "./errors.ts";
import { redact } from "./redact.ts";

export const DEFAULT_TIMEOUT_MS = 30_000;
export const DEFAULT_MAX_ATTEMPTS = 5;
const MAX_BACKOFF_MS = 8_000;
const MAX_SERVER_DELAY_MS = 60_000;

/** Client-side throttle a platform may add (Cursor); acquire() resolves when a request may go. */
export interface RateLimiter {
  acquire(signal?: AbortSignal): Promise<void>;
}

export interface RequestSpec {
  platform: PlatformId;
  client: ClientOptions;
  /** Appended to the base URL's own path, so a proxy prefix is kept. */
  path: string;
  query?: URLSearchParams;
  method?: "GET" | "POST";
  headers: Record<string, string>;
  body?: unknown;
  limiter?: RateLimiter;
  /** Pulls the vendor's message out of an error body; defaults handle the three vendors' shapes. */
  errorMessage?: (body: unknown) => string | undefined;
}

export interface JsonResponse {
  status: number;
  body: unknown;
  requestId: string | null;
}

const RETRY_STATUS = new Set([408, 409, 429, 500, 502, 503, 504, 529]);

export function joinUrl(baseUrl: string, path: string, query?: URLSearchParams): string {
  const url = new URL(baseUrl);
  url.pathname = `${url.pathname.replace(/\/+$/, "")}/${path.replace(/^\/+/, "")}`;
  if (query) url.search = query.toString();
  return url.toString();
}

/**
 * One request with retries: a timeout per attempt; retries for 408/409/429/5xx/529, resets,
 * timeouts and cut-off bodies; `retry-after-ms`, then `Retry-After` (seconds or date), else
 * 0.5 s·2ⁿ capped at 8 s with jitter. Errors are typed and never contain the key.
 */
export async function requestJson(spec: RequestSpec): Promise<JsonResponse> {
  const { client, platform } = spec;
  const maxAttempts = client.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  const url = joinUrl(client.baseUrl, spec.path, spec.query);
  const shownUrl = redact(url.replace(/\/\/[^/@]*@/, "//"));
  let lastError: PlatformError | undefined;

  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    if (client.signal?.aborted) throw new AbortedError();
    await spec.limiter?.acquire(client.signal);
    const started = Date.now();
    let delayMs: number | undefined;
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
      if (error instanceof RetryableApiError) delayMs = error.retryAfterMs;
    }
    if (attempt < maxAttempts)
      await sleep(backoff(attempt, delayMs) * (client.backoffScale ?? 1), client.signal);
  }
  throw lastError instanceof RetryableApiError ? lastError.plain() : lastError!;
}

/** An API error we may retry, remembering the server's requested delay. */
class RetryableApiError extends ApiError {
  retryAfterMs?: number;
  plain(): ApiError {
    return apiErrorFor(this.platform, this.status, this.vendorMessage, this.requestId);
  }
}

function isRetryable(error: PlatformError): boolean {
  return (
    error instanceof RetryableApiError || error instanceof ConnectionError || error instanceof TimeoutError
  );
}

async function attemptOnce(spec: RequestSpec, url: string): Promise<JsonResponse> {
  const { client, platform } = spec;
  const timeoutMs = client.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = client.signal ? AbortSignal.any([client.signal, timeout]) : timeout;
  const headers: Record<string, string> = { accept: "application/json", ...spec.headers };
  if (spec.body !== undefined) headers["content-type"] = "application/json";

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
  }

  const requestId = res.headers.get("request-id") ?? res.headers.get("x-request-id");
  const isJson = /\bjson\b/i.test(res.headers.get("content-type") ?? "");
  let body: unknown;
  let parsed = false;
  try {
    body = JSON.parse(text);
    parsed = true;
  } catch {
    body = undefined;
  }

  if (!res.ok) {
    const message = redact(
      (parsed ? (spec.errorMessage ?? vendorMessage)(body) : undefined) ??
        (text.trim().slice(0, 200) || res.statusText),
    );
    if (RETRY_STATUS.has(res.status) || res.headers.get("x-should-retry") === "true") {
      const e = new RetryableApiError(platform, res.status, message, requestId);
      e.retryAfterMs = retryAfterMs(res.headers);
      throw e;
    }
    throw apiErrorFor(platform, res.status, message, requestId);
  }
  if (!parsed) {
    // A JSON content type with an unparseable body is a cut-off transfer: retry it.
    if (isJson) throw new ConnectionError(platform, "response body was cut off (invalid JSON)");
    throw new ResponseShapeError(
      platform,
      "",
      `body is not JSON (content-type ${res.headers.get("content-type") ?? "none"})`,
    );
  }
  return { status: res.status, body, requestId };
}

/** Anthropic `{error:{message}}`, OpenAI `{error:{message}}`, Cursor `{error, message}`. */
function vendorMessage(body: unknown): string | undefined {
  if (!body || typeof body !== "object") return undefined;
  const b = body as { error?: unknown; message?: unknown };
  if (
    b.error &&
    typeof b.error === "object" &&
    typeof (b.error as { message?: unknown }).message === "string"
  ) {
    return (b.error as { message: string }).message;
  }
  if (typeof b.message === "string") return b.message;
  if (typeof b.error === "string") return b.error;
  return undefined;
}

export function retryAfterMs(headers: Headers): number | undefined {
  const ms = Number(headers.get("retry-after-ms"));
  if (headers.has("retry-after-ms") && Number.isFinite(ms)) return ms;
  const value = headers.get("retry-after");
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : date - Date.now();
}

/** The server's delay when it is sane (0–60 s), else exponential backoff with up to 25 % jitter. */
export function backoff(attempt: number, serverDelayMs?: number): number {
  if (serverDelayMs !== undefined && serverDelayMs >= 0 && serverDelayMs <= MAX_SERVER_DELAY_MS)
    return serverDelayMs;
  const base = Math.min(500 * 2 ** (attempt - 1), MAX_BACKOFF_MS);
  return base * (1 - Math.random() * 0.25);
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new AbortedError());
    const timer = setTimeout(done, ms);
    function done() {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }
    function onAbort() {
      clearTimeout(timer);
      reject(new AbortedError());
    }
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

function describe(err: unknown): string {
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
