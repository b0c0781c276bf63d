import {
  AbortedError,
  type ApiError,
  apiErrorFor,
  ConnectionError,
  type PlatformError,
  RateLimitError,
  ResponseShapeError,
  TimeoutError,
} from "../../http/errors.ts";
import { redact } from "../../http/redact.ts";
import { DEFAULT_MAX_ATTEMPTS, DEFAULT_TIMEOUT_MS, joinUrl } from "../../http/request.ts";
import { backoff, retryAfterMs, sleep } from "../../http/retry.ts";
import { userAgent } from "../../version.ts";
import type { ClientOptions } from "../types.ts";
import { githubMessage } from "./schema.ts";

/**
 * GitHub's REST and GraphQL calls (copilot.md §2, §7). Besides the usual retries, GitHub signals
 * limits its own way: a 403 or 429 with `x-ratelimit-remaining: 0` waits for `x-ratelimit-reset`,
 * a secondary limit (403/429 saying so, or with `retry-after`) waits as told or a minute, and a
 * response that leaves `remaining` at 0 holds every later request of the run until the reset.
 */

export const API_VERSION = "2026-03-10";
/** A wait longer than this is not worth blocking a report on: fail with the reset time instead. */
const MAX_WAIT_MS = 5 * 60_000;
const SECONDARY_DEFAULT_MS = 60_000;
const RETRY_STATUS = new Set([408, 500, 502, 503, 504]);

/** Shared by every request of one run: when the primary limit allows the next request. */
export interface RateGate {
  resumeAt: number;
}

export interface GithubRequest {
  path: string;
  query?: URLSearchParams;
  method?: "GET" | "POST";
  body?: unknown;
}

export interface GithubResponse {
  status: number;
  body: unknown;
}

class RetryLater extends Error {
  constructor(
    readonly error: PlatformError,
    readonly waitMs: number | undefined,
    readonly why: string,
    readonly absolute = false,
  ) {
    super(error.message);
  }
}

export async function githubRequest(
  client: ClientOptions,
  gate: RateGate,
  spec: GithubRequest,
): Promise<GithubResponse> {
  const url = joinUrl(client.baseUrl, spec.path, spec.query);
  const shown = redact(url.replace(/\/\/[^/@]*@/, "//"), [client.apiKey]);
  const maxAttempts = client.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  const scale = client.backoffScale ?? 1;
  let last: PlatformError | undefined;
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    const hold = gate.resumeAt - Date.now();
    if (hold > MAX_WAIT_MS)
      throw new RateLimitError(
        "copilot",
        403,
        `API rate limit exhausted until ${new Date(gate.resumeAt).toISOString()}`,
        null,
      );
    if (hold > 0) await wait(client, hold, "GitHub rate limit");
    try {
      const res = await attemptOnce(client, gate, spec, url);
      client.log?.debug(`copilot: ${spec.method ?? "GET"} ${shown} → ${res.status}`);
      return res;
    } catch (err) {
      if (err instanceof AbortedError) throw err;
      const retry =
        err instanceof RetryLater
          ? err
          : err instanceof ConnectionError || err instanceof TimeoutError
            ? new RetryLater(err, undefined, "connection")
            : undefined;
      if (!retry) throw err;
      last = retry.error;
      client.log?.debug(`copilot: ${spec.method ?? "GET"} ${shown} → ${retry.error.message}`);
      if (attempt === maxAttempts) break;
      const ms = retry.waitMs ?? backoff(attempt);
      if (ms > MAX_WAIT_MS) break;
      // A reset time is a clock time, not a backoff: it is never scaled.
      await wait(client, retry.absolute ? ms : ms * scale, retry.why);
    }
  }
  throw last!;
}

async function wait(client: ClientOptions, ms: number, why: string): Promise<void> {
  if (ms > 200) client.onWait?.(ms, why);
  await sleep(ms, client.signal);
}

async function attemptOnce(
  client: ClientOptions,
  gate: RateGate,
  spec: GithubRequest,
  url: string,
): Promise<GithubResponse> {
  const timeoutMs = client.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = client.signal ? AbortSignal.any([client.signal, timeout]) : timeout;
  const headers: Record<string, string> = {
    authorization: `Bearer ${client.apiKey}`,
    accept: "application/vnd.github+json",
    "x-github-api-version": API_VERSION,
    "user-agent": userAgent,
  };
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
    if (timeout.aborted) throw new TimeoutError("copilot", `no response within ${timeoutMs / 1000} s`);
    throw new ConnectionError("copilot", describe(err));
  }
  const resetMs = resetAt(res.headers);
  const remaining = res.headers.get("x-ratelimit-remaining");
  if (remaining === "0" && resetMs !== undefined) gate.resumeAt = Math.max(gate.resumeAt, resetMs);

  let body: unknown;
  let parsed = false;
  try {
    body = text === "" ? undefined : JSON.parse(text);
    parsed = true;
  } catch {}

  if (!res.ok) {
    const message = redact(
      (parsed ? githubMessage(body) : undefined) ?? (text.trim().slice(0, 200) || res.statusText),
      [client.apiKey],
    );
    const error = apiErrorFor("copilot", res.status, message, res.headers.get("x-github-request-id"));
    const after = retryAfterMs(res.headers);
    if (res.status === 403 || res.status === 429) {
      if (remaining === "0" && resetMs !== undefined)
        throw new RetryLater(
          asRateLimit(error),
          Math.max(0, resetMs - Date.now()),
          "GitHub rate limit",
          true,
        );
      if (
        /secondary rate limit|rate limit exceeded|abuse/i.test(message) ||
        after !== undefined ||
        res.status === 429
      )
        throw new RetryLater(
          asRateLimit(error),
          after ?? SECONDARY_DEFAULT_MS,
          "GitHub secondary rate limit",
        );
    }
    if (RETRY_STATUS.has(res.status)) throw new RetryLater(error, after, `HTTP ${res.status}`);
    throw error;
  }
  if (!parsed) {
    if (/\bjson\b/i.test(res.headers.get("content-type") ?? ""))
      throw new ConnectionError("copilot", "response body was cut off (invalid JSON)");
    throw new ResponseShapeError("copilot", "", "body is not JSON");
  }
  return { status: res.status, body };
}

function asRateLimit(error: ApiError): ApiError {
  return new RateLimitError("copilot", error.status, error.vendorMessage, error.requestId);
}

/** `x-ratelimit-reset` is UTC epoch seconds. */
function resetAt(headers: Headers): number | undefined {
  const value = Number(headers.get("x-ratelimit-reset"));
  return headers.has("x-ratelimit-reset") && Number.isFinite(value) && value > 0 ? value * 1000 : undefined;
}

export function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  const what =
    err.message === "fetch failed"
      ? "connection failed"
      : err.message === "terminated"
        ? "connection closed before the response was complete"
        : err.message;
  const detail = cause?.code ?? cause?.message;
  return redact(detail && !what.includes(detail) ? `${what} (${detail})` : what);
}
