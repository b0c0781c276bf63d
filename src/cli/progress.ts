import yoctoSpinner, { type Spinner } from "yocto-spinner";
import { platformById } from "../platforms/registry.ts";
import type { PlatformId } from "../usage/types.ts";
import type { Io } from "./io.ts";

/** Only runs longer than this get a progress line; short runs stay quiet. */
const SHOW_AFTER_MS = 2_000;

/**
 * A spinner with the work done and an ETA on stderr, only when stderr is a terminal (never in pipes,
 * cron or tests). With --verbose the request log already shows progress, so the spinner stays off.
 */
export function createProgress(io: Io, verbose: boolean) {
  const started = Date.now();
  const state = new Map<PlatformId, Progress>();
  let spinner: Spinner | undefined;
  let ticker: ReturnType<typeof setInterval> | undefined;
  const enabled = io.stderrIsTTY && !verbose;

  const draw = () => {
    const elapsed = Date.now() - started;
    if (elapsed < SHOW_AFTER_MS) return;
    if (!spinner) {
      // handleSignals off: the spinner's own SIGINT handler would exit at once, skipping our shutdown
      // (abort the requests, close the store, say "interrupted", exit 130).
      spinner = yoctoSpinner({ stream: process.stderr, handleSignals: false }).start();
      process.once("exit", showCursor);
      // Redrawn every second so a countdown or an ETA never looks frozen between updates.
      ticker = setInterval(draw, 1000);
      ticker.unref();
    }
    spinner.text = progressLine(state, elapsed, Date.now());
  };
  return {
    update(platform: PlatformId, done: number, total: number) {
      if (!enabled) return;
      state.set(platform, { done, total });
      draw();
    },
    /** A platform waits on a rate limit or a retry: the line says so until its next progress. */
    wait(platform: PlatformId, ms: number, why: string) {
      if (!enabled) return;
      const s = state.get(platform) ?? { done: 0, total: 0 };
      state.set(platform, { ...s, waiting: { why, until: Date.now() + ms } });
      draw();
    },
    stop() {
      clearInterval(ticker);
      spinner?.stop();
      spinner = undefined;
      process.off("exit", showCursor);
    },
  };
}

/** A second Ctrl-C exits at once: the cursor the spinner hid must come back even then. */
function showCursor() {
  process.stderr.write("\u001B[?25h");
}

interface Progress {
  done: number;
  total: number;
  waiting?: { why: string; until: number };
}

/**
 * `cursor: 12/340 pages, about 5m 28s left` for each platform that reported progress, or
 * `cursor: rate limited, resuming in 42 s` while it waits.
 */
export function progressLine(state: ReadonlyMap<PlatformId, Progress>, elapsedMs: number, nowMs = 0) {
  return [...state]
    .map(([id, s]) => {
      if (s.waiting && s.waiting.until > nowMs)
        return `${id}: ${s.waiting.why}, resuming in ${Math.ceil((s.waiting.until - nowMs) / 1000)} s`;
      const unit = platformById(id)?.progressUnit ?? "steps";
      return `${id}: ${s.done}/${s.total} ${inNumber(unit, s.total)}${eta(elapsedMs, s)}`;
    })
    .join("  ");
}

/** `1/1 day`, `3/7 days`: the unit follows the total. */
function inNumber(plural: string, total: number): string {
  return total === 1 && plural.endsWith("s") ? plural.slice(0, -1) : plural;
}

function eta(elapsedMs: number, s: Progress): string {
  if (s.done === 0 || s.done >= s.total) return "";
  const seconds = Math.ceil(((elapsedMs / s.done) * (s.total - s.done)) / 1000);
  return `, about ${seconds >= 60 ? `${Math.floor(seconds / 60)}m ${seconds % 60}s` : `${seconds}s`} left`;
}
