import { AbortedError } from "./errors.ts";

const MAX_BACKOFF_MS = 8_000;
/** A server-named wait longer than this is not trusted; we back off on our own instead. */
const MAX_SERVER_DELAY_MS = 60_000;

/** `retry-after-ms`, then `Retry-After` as seconds or an HTTP date; undefined when neither is usable. */
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
