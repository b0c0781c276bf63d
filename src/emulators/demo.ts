import { startEmulators } from "./index.ts";
import { orgTeamsFile } from "./teams.ts";

/** The organisation behind `--demo`: fixed seed so the demo shows the same people every time. */
export const DEMO_SEED = 2026;
export const DEMO_PEOPLE = 40;

/**
 * Starts the three emulators in-process for `--demo` and returns the environment that points the
 * real clients at them. Nothing leaves the machine and no key is needed. `teams` is the demo's
 * teams file (`{ "team": ["email", …] }`), so `--demo --by team` shows teams.
 */
export async function startDemo(window: { since: string; until: string; now: Date }) {
  const set = await startEmulators({
    since: window.since,
    until: window.until,
    seed: DEMO_SEED,
    people: DEMO_PEOPLE,
    now: () => window.now,
    enterprise: true,
    copilot: true,
  });
  return { env: set.env, close: set.close, teams: orgTeamsFile(set.org) };
}
