import { describe, expect, it } from "vitest";
import { AbortedError } from "../src/http/errors.ts";
import { createRateLimiter } from "../src/http/limiter.ts";

/** Largest number of grants inside any span of `spanMs` (half-open, as a server window is). */
function maxInSpan(times: number[], spanMs: number): number {
  let best = 0;
  for (let i = 0; i < times.length; i++) {
    let n = 0;
    for (let j = i; j < times.length && times[j]! < times[i]! + spanMs; j++) n++;
    best = Math.max(best, n);
  }
  return best;
}

describe("createRateLimiter", () => {
  it("lets the first `limit` requests go at once", async () => {
    const limiter = createRateLimiter({ limit: 3, windowMs: 200 });
    const started = Date.now();
    await Promise.all([limiter.acquire(), limiter.acquire(), limiter.acquire()]);
    expect(Date.now() - started).toBeLessThan(50);
  });

  it("never lets more than `limit` go in any window, and waits no longer than needed", async () => {
    const limiter = createRateLimiter({ limit: 4, windowMs: 100, marginMs: 10 });
    const times: number[] = [];
    const started = Date.now();
    await Promise.all(Array.from({ length: 12 }, () => limiter.acquire().then(() => times.push(Date.now()))));
    // Measured in callbacks (a little after each grant), so check the bare window, not window + margin.
    expect(maxInSpan(times, 100)).toBe(4);
    // 12 grants = 3 bursts of 4, two waits of 110 ms.
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(218);
    expect(elapsed).toBeLessThan(600);
  });

  it("serves waiters first in, first out", async () => {
    const limiter = createRateLimiter({ limit: 1, windowMs: 20, marginMs: 0 });
    const order: number[] = [];
    await Promise.all([0, 1, 2, 3, 4].map((i) => limiter.acquire().then(() => order.push(i))));
    expect(order).toEqual([0, 1, 2, 3, 4]);
  });

  it("rejects an aborted waiter with AbortedError and lets the next one keep its place", async () => {
    const limiter = createRateLimiter({ limit: 1, windowMs: 50, marginMs: 0 });
    await limiter.acquire();
    const controller = new AbortController();
    const aborted = limiter.acquire(controller.signal);
    const next = limiter.acquire();
    expect(limiter.waiting).toBe(2);
    controller.abort();
    await expect(aborted).rejects.toBeInstanceOf(AbortedError);
    expect(limiter.waiting).toBe(1);
    await next;
    expect(limiter.waiting).toBe(0);
  });

  it("rejects at once when the signal is already aborted", async () => {
    const limiter = createRateLimiter({ limit: 1, windowMs: 50 });
    await expect(limiter.acquire(AbortSignal.abort())).rejects.toBeInstanceOf(AbortedError);
  });

  it("leaves no timer behind when everyone waiting gave up", async () => {
    const limiter = createRateLimiter({ limit: 1, windowMs: 60_000 });
    await limiter.acquire();
    const controller = new AbortController();
    const waiting = limiter.acquire(controller.signal);
    const before = process.getActiveResourcesInfo().filter((r) => r === "Timeout").length;
    controller.abort();
    await expect(waiting).rejects.toBeInstanceOf(AbortedError);
    const after = process.getActiveResourcesInfo().filter((r) => r === "Timeout").length;
    expect(after).toBe(before - 1);
  });

  it("pause() holds every request for the given time", async () => {
    const limiter = createRateLimiter({ limit: 100, windowMs: 1_000 });
    limiter.pause(80);
    const started = Date.now();
    await limiter.acquire();
    expect(Date.now() - started).toBeGreaterThanOrEqual(75);
  });

  it("uses an injected clock", async () => {
    let t = 0;
    const limiter = createRateLimiter({ limit: 2, windowMs: 30, marginMs: 0, now: () => t });
    await limiter.acquire();
    await limiter.acquire();
    let third = false;
    void limiter.acquire().then(() => {
      third = true;
    });
    // Real time passes, but the injected clock stands still: still no slot.
    await new Promise((r) => setTimeout(r, 80));
    expect(third).toBe(false);
    t = 30;
    await new Promise((r) => setTimeout(r, 80));
    expect(third).toBe(true);
  });
});
