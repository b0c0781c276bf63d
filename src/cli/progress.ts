import yoctoSpinner, { type Spinner } from "yocto-spinner";
import type { PlatformId } from "../usage/types.ts";
import type { Io } from "./context.ts";

/** Only runs longer than this get a progress line; short runs stay quiet. */
const SHOW_AFTER_MS = 2_000;

/**
 * A spinner with the work done and an ETA on stderr, only when stderr is a terminal (never in pipes,
 * cron or tests). With --verbose the request log already shows progress, so the spinner stays off.
 */
export function createProgress(io: Io, verbose: boolean) {
  const started = Date.now();
  const state = new Map<PlatformId, { done: number; total: number }>();
  let spinner: Spinner | undefined;
  const enabled = io.stderrIsTTY && !verbose;

  return {
    update(platform: PlatformId, done: number, total: number) {
      if (!enabled) return;
      state.set(platform, { done, total });
      const elapsed = Date.now() - started;
      if (elapsed < SHOW_AFTER_MS) return;
      // handleSignals off: the spinner's own SIGINT handler would exit at once, skipping our shutdown
      // (abort the requests, close the store, say "interrupted", exit 130).
      if (!spinner) {
        spinner = yoctoSpinner({ stream: process.stderr, handleSignals: false }).start();
        process.once("exit", showCursor);
      }
      spinner.text = progressLine(state, elapsed);
    },
    stop() {
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

/** `cursor: 12/340 pages, about 5m 28s left` for each platform that reported progress. */
export function progressLine(
  state: ReadonlyMap<PlatformId, { done: number; total: number }>,
  elapsedMs: number,
) {
  return [...state]
    .map(([id, s]) => `${id}: ${s.done}/${s.total} ${unit(UNIT[id] ?? "steps", s.total)}${eta(elapsedMs, s)}`)
    .join("  ");
}

/** `1/1 day`, `3/7 days`: the unit follows the total. */
function unit(plural: string, total: number): string {
  return total === 1 && plural.endsWith("s") ? plural.slice(0, -1) : plural;
}

function eta(elapsedMs: number, s: { done: number; total: number }): string {
  if (s.done === 0 || s.done >= s.total) return "";
  const seconds = Math.ceil(((elapsedMs / s.done) * (s.total - s.done)) / 1000);
  return `, about ${seconds >= 60 ? `${Math.floor(seconds / 60)}m ${seconds % 60}s` : `${seconds}s`} left`;
}
