import yoctoSpinner, { type Spinner } from "yocto-spinner";
import type { PlatformId } from "../usage/types.ts";
import type { Io } from "./context.ts";

/** Only runs longer than this get a progress line; short runs stay quiet. */
const SHOW_AFTER_MS = 2_000;
/** Without a terminal, a wait at least this long gets one line on stderr (cron logs show why a run was slow). */
const PLAIN_WAIT_NOTICE_MS = 5_000;

interface Waiting {
  until: number;
  why: string;
}

/**
 * A spinner with the work done and an ETA on stderr, only when stderr is a terminal (never in pipes,
 * cron or tests). With --verbose the request log already shows progress, so the spinner stays off.
 * A wait on a rate limit or a retry replaces that platform's ETA with a countdown, so the line never
 * shows a frozen estimate.
 */
export function createProgress(io: Io, verbose: boolean) {
  const started = Date.now();
  const state = new Map<PlatformId, { done: number; total: number }>();
  const waits = new Map<PlatformId, Waiting>();
  let spinner: Spinner | undefined;
  let ticker: ReturnType<typeof setInterval> | undefined;
  const enabled = io.stderrIsTTY && !verbose;

  const draw = () => {
    // handleSignals off: the spinner's own SIGINT handler would exit at once, skipping our shutdown
    // (abort the requests, close the store, say "interrupted", exit 130).
    if (!spinner) {
      spinner = yoctoSpinner({ stream: process.stderr, handleSignals: false }).start();
      process.once("exit", showCursor);
    }
    spinner.text = progressLine(state, Date.now() - started, waits, Date.now());
  };

  return {
    update(platform: PlatformId, done: number, total: number) {
      if (!enabled) return;
      state.set(platform, { done, total });
      waits.delete(platform);
      if (spinner || Date.now() - started >= SHOW_AFTER_MS) draw();
    },
    /** The platform waits `ms` before its next request (`why`: "rate limited", "retrying after HTTP 503"…). */
    wait(platform: PlatformId, ms: number, why: string) {
      if (!enabled) {
        if (!verbose && ms >= PLAIN_WAIT_NOTICE_MS)
          io.stderr(`${platform}: ${why}, resuming in ${seconds(ms)}\n`);
        return;
      }
      waits.set(platform, { until: Date.now() + ms, why });
      if (!spinner && ms < SHOW_AFTER_MS && Date.now() - started < SHOW_AFTER_MS) return;
      draw();
      // Count down between the platform's own updates.
      ticker ??= setInterval(() => spinner && draw(), 1_000);
      ticker.unref?.();
    },
    stop() {
      if (ticker) clearInterval(ticker);
      ticker = undefined;
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

/** What each platform counts its progress in: Claude Code fetches day by day, Cursor page by page. */
const UNIT: Record<PlatformId, string> = { claude: "days", openai: "pages", cursor: "pages" };

/**
 * `cursor: 12/340 pages, about 5m 28s left` for each platform that reported progress, or
 * `cursor: rate limited, resuming in 42 s` while it waits.
 */
export function progressLine(
  state: ReadonlyMap<PlatformId, { done: number; total: number }>,
  elapsedMs: number,
  waits: ReadonlyMap<PlatformId, Waiting> = new Map(),
  now = Date.now(),
) {
  const ids = [...new Set([...state.keys(), ...waits.keys()])];
  return ids
    .map((id) => {
      const w = waits.get(id);
      if (w && w.until > now) return `${id}: ${w.why}, resuming in ${seconds(w.until - now)}`;
      const s = state.get(id);
      if (!s) return `${id}: ${w?.why ?? "waiting"}, resuming`;
      return `${id}: ${s.done}/${s.total} ${unit(UNIT[id] ?? "steps", s.total)}${eta(elapsedMs, s)}`;
    })
    .join("  ");
}

/** `1/1 day`, `3/7 days`: the unit follows the total. */
function unit(plural: string, total: number): string {
  return total === 1 && plural.endsWith("s") ? plural.slice(0, -1) : plural;
}

/** `42 s`, `1 min 5 s`. */
function seconds(ms: number): string {
  const s = Math.max(1, Math.ceil(ms / 1000));
  return s >= 60 ? `${Math.floor(s / 60)} min ${s % 60} s` : `${s} s`;
}

function eta(elapsedMs: number, s: { done: number; total: number }): string {
  if (s.done === 0 || s.done >= s.total) return "";
  const seconds = Math.ceil(((elapsedMs / s.done) * (s.total - s.done)) / 1000);
  return `, about ${seconds >= 60 ? `${Math.floor(seconds / 60)}m ${seconds % 60}s` : `${seconds}s`} left`;
}
