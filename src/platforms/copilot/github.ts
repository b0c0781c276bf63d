import { RateLimitError } from "../../http/errors.ts";
import { MAX_HINT_WAIT_MS, type RetryHint, request } from "../../http/request.ts";
import { retryAfterMs, sleep } from "../../http/retry.ts";
import { userAgent } from "../../version.ts";
import type { ClientOptions } from "../types.ts";
import { githubMessage } from "./schema.ts";

/**
 * GitHub's REST and GraphQL calls (copilot.md §2, §7), through the shared request function with
 * GitHub's own limit signals: a 403 or 429 with `x-ratelimit-remaining: 0` waits for
 * `x-ratelimit-reset`, a secondary limit (403/429 saying so, or with `retry-after`) waits as told or a
 * minute, and an answer that leaves `remaining` at 0 holds every later request of the run until the reset.
 */

export const API_VERSION = "2026-03-10";
const SECONDARY_DEFAULT_MS = 60_000;

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

export async function githubRequest(
  client: ClientOptions,
  gate: RateGate,
  spec: GithubRequest,
): Promise<GithubResponse> {
  const res = await request({
    platform: "copilot",
    client,
    path: spec.path,
    query: spec.query,
    method: spec.method,
    body: spec.body,
    headers: {
      authorization: `Bearer ${client.apiKey}`,
      accept: "application/vnd.github+json",
      "x-github-api-version": API_VERSION,
      "user-agent": userAgent,
    },
    accept: [204],
    errorMessage: githubMessage,
    limiter: { acquire: (signal) => holdForGate(client, gate, signal) },
    onHeaders: (headers) => {
      const reset = resetAt(headers);
      if (headers.get("x-ratelimit-remaining") === "0" && reset !== undefined)
        gate.resumeAt = Math.max(gate.resumeAt, reset);
    },
    retryWhen: rateLimitHint,
  });
  return { status: res.status, body: res.body };
}

/** Waits out a primary limit another request of this run ran into; a long one fails instead. */
async function holdForGate(client: ClientOptions, gate: RateGate, signal?: AbortSignal): Promise<void> {
  const hold = gate.resumeAt - Date.now();
  if (hold > MAX_HINT_WAIT_MS)
    throw new RateLimitError(
      "copilot",
      403,
      `API rate limit exhausted until ${new Date(gate.resumeAt).toISOString()}`,
      null,
    );
  if (hold <= 0) return;
  if (hold > 200) client.onWait?.(hold, "GitHub rate limit");
  await sleep(hold, signal);
}

/** GitHub's rate-limit answers (403 as well as 429), with how long to wait. */
function rateLimitHint(status: number, headers: Headers, message: string): RetryHint | undefined {
  if (status !== 403 && status !== 429) return undefined;
  const reset = resetAt(headers);
  if (headers.get("x-ratelimit-remaining") === "0" && reset !== undefined)
    return { waitMs: Math.max(0, reset - Date.now()), why: "GitHub rate limit", absolute: true };
  const after = retryAfterMs(headers);
  if (
    /secondary rate limit|rate limit exceeded|abuse/i.test(message) ||
    after !== undefined ||
    status === 429
  )
    return { waitMs: after ?? SECONDARY_DEFAULT_MS, why: "GitHub secondary rate limit" };
  return undefined;
}

/** `x-ratelimit-reset` is UTC epoch seconds. */
function resetAt(headers: Headers): number | undefined {
  const value = Number(headers.get("x-ratelimit-reset"));
  return headers.has("x-ratelimit-reset") && Number.isFinite(value) && value > 0 ? value * 1000 : undefined;
}
