import { AbortedError } from "./errors.ts";
import type { RateLimiter } from "./request.ts";
import { retryAfterMs } from "./retry.ts";

export interface RateLimiterOptions {
  /** At most this many requests… */
  limit: number;
  /** …in any span of this many milliseconds, measured from the moment each request was let go. */
  windowMs: number;
  /**
   * Extra spacing added to the window. The server counts arrivals in its own fixed windows; send
   * times and arrival times differ by the (varying) latency, so a sliding window of exactly W could
   * still put N+1 arrivals into one server window. Default: 5 % of the window, 25 ms … 2 s.
   */
  marginMs?: number;
  now?: () => number;
}

export interface ClientRateLimiter extends RateLimiter {
  /**
   * The server said 429 anyway (another client shares the quota, or its window is not ours):
   * let nothing go for `ms` (default: one full window), so the retries do not hit the wall again.
   */
  pause(ms?: number): void;
  /** Requests waiting for a slot. */
  readonly waiting: number;
}

interface Waiter {
  resolve: () => void;
  reject: (err: Error) => void;
  signal?: AbortSignal;
  onAbort?: () => void;
}

/**
 * A sliding-window-log limiter: it remembers when the last `limit` requests were let go and lets
 * the next one go once the oldest of them is a full window (plus margin) old. Waiters are served
 * FIFO; one timer runs only while someone waits, so an idle limiter never keeps the process alive.
 */
export function createRateLimiter(options: RateLimiterOptions): ClientRateLimiter {
  const { limit, windowMs } = options;
  if (!(limit >= 1) || !(windowMs > 0))
    throw new RangeError("rate limiter needs limit >= 1 and windowMs > 0");
  const span = windowMs + (options.marginMs ?? Math.min(2_000, Math.max(25, windowMs * 0.05)));
  const now = options.now ?? Date.now;
  const sent: number[] = [];
  const queue: Waiter[] = [];
  let blockedUntil = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;

  function nextSlot(): number {
    const byWindow = sent.length < limit ? 0 : sent[sent.length - limit]! + span;
    return Math.max(byWindow, blockedUntil);
  }

  function grant(): void {
    sent.push(now());
    if (sent.length > limit) sent.splice(0, sent.length - limit);
  }

  function pump(): void {
    timer = undefined;
    while (queue.length > 0) {
      const wait = nextSlot() - now();
      if (wait > 0) {
        timer = setTimeout(pump, wait);
        return;
      }
      const waiter = queue.shift()!;
      if (waiter.onAbort) waiter.signal?.removeEventListener("abort", waiter.onAbort);
      grant();
      waiter.resolve();
    }
  }

  function stopTimerIfIdle(): void {
    if (queue.length === 0 && timer) {
      clearTimeout(timer);
      timer = undefined;
    }
  }

  return {
    acquire(signal?: AbortSignal): Promise<void> {
      if (signal?.aborted) return Promise.reject(new AbortedError());
      if (queue.length === 0 && nextSlot() <= now()) {
        grant();
        return Promise.resolve();
      }
      return new Promise<void>((resolve, reject) => {
        const waiter: Waiter = { resolve, reject, signal };
        if (signal) {
          waiter.onAbort = () => {
            const index = queue.indexOf(waiter);
            if (index >= 0) queue.splice(index, 1);
            stopTimerIfIdle();
            reject(new AbortedError());
          };
          signal.addEventListener("abort", waiter.onAbort, { once: true });
        }
        queue.push(waiter);
        if (!timer) pump();
      });
    },
    pause(ms = span): void {
      blockedUntil = Math.max(blockedUntil, now() + ms);
      // A timer set for an earlier slot will find the new block and re-arm itself.
    },
    get waiting() {
      return queue.length;
    },
  };
}

/**
 * Wraps fetch so that a 429 — which the limiter should have prevented, but another client may share
 * the quota — holds every request of the run, not just the one retried: for as long as the server
 * names in `Retry-After` (up to a minute), else for a whole limiter window.
 */
export function pauseOn429(
  fetch: typeof globalThis.fetch,
  limiter: ClientRateLimiter,
): typeof globalThis.fetch {
  return (async (input: Parameters<typeof fetch>[0], init?: Parameters<typeof fetch>[1]) => {
    const res = await fetch(input, init);
    if (res.status === 429) {
      const named = retryAfterMs(res.headers);
      limiter.pause(named !== undefined && named >= 0 && named <= 60_000 ? named : undefined);
    }
    return res;
  }) as typeof globalThis.fetch;
}
