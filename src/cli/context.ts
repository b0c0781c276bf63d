import { resolve } from "node:path";
import { loadDotEnv } from "../config/env.ts";
import { UsageError } from "../config/errors.ts";
import { type Options, parseOptions, type RawFlags } from "../config/options.ts";
import { loadPriceOverrides } from "../config/prices.ts";
import { fetchForEnv } from "../http/proxy.ts";
import { registerSecret } from "../http/redact.ts";
import { type Aliases, loadAliases } from "../identity/aliases.ts";
import { loadTeams, parseTeams, type Teams } from "../identity/teams.ts";
import { createLogger, type Logger } from "../log.ts";
import { PLATFORMS } from "../platforms/registry.ts";
import type { Platform } from "../platforms/types.ts";
import { createPriceLookup, type PriceLookup } from "../pricing/lookup.ts";
import { cleanForTerminal } from "../render/sanitize.ts";
import { previousWindow } from "../report/periods.ts";
import { defaultStorePath } from "../store/paths.ts";
import type { Store } from "../store/types.ts";
import { syncAll } from "../sync/run.ts";
import { platformKey } from "../sync/source.ts";
import type { UsageRow } from "../usage/types.ts";
import type { Io } from "./io.ts";
import { withPlatformTeams } from "./platform-teams.ts";
import { createProgress } from "./progress.ts";

/** What a command runs with: validated options, the environment with .env applied, and the open store. */
export interface Context {
  options: Options;
  env: NodeJS.ProcessEnv;
  log: Logger;
  platforms: Platform[];
  store: Store | null;
  /** Why there is no store, for messages. */
  noStoreReason: string | undefined;
  fetch: typeof globalThis.fetch;
  /** List prices with the user's overrides, for estimated costs. */
  prices: PriceLookup;
  /** The user's identity aliases, applied when people are merged. */
  aliases: Aliases;
  /** Teams for --by team (empty otherwise): the user's teams file (or the demo's), then vendors' teams. */
  teams: Teams;
  close: () => Promise<void>;
}

export async function prepare(flags: RawFlags, io: Io): Promise<Context> {
  const options = parseOptions(flags, {
    now: io.now,
    storePath: defaultStorePath(io.env),
    platformIds: PLATFORMS.map((p) => p.id),
  });
  let env = loadDotEnv(resolve(io.cwd, ".env"), io.env, (m) => io.stderr(`ai-usage: warning: ${m}\n`));
  const log = createLogger({ verbose: options.verbose, write: io.stderr, clean: cleanForTerminal });
  const prices = createPriceLookup(loadPriceOverrides(undefined, env));
  const aliases = loadAliases(env);
  const closers: Array<() => Promise<void>> = [];
  const close = async () => {
    for (const done of closers.reverse()) await done();
  };

  let teams: Teams = new Map();
  try {
    if (options.by === "team" && !options.demo) teams = loadTeams(env, aliases);
    if (options.demo) {
      const { startDemo } = await import("../emulators/demo.ts");
      // The demo's data starts a window earlier, so --compare has a previous period and the
      // window's own figures are the same with or without it.
      const since = previousWindow(options).since;
      const demo = await startDemo({ since, until: options.until, now: io.now });
      closers.push(demo.close);
      if (options.by === "team") teams = parseTeams(demo.teams, "(demo teams)", aliases);
      // The demo's own keys and emulator URLs replace whatever the environment holds.
      env = { ...env, ...demo.env };
      log.warn("demo: showing generated data from built-in emulators, not a real organisation");
    }
    for (const p of PLATFORMS) {
      registerSecret(platformKey(p, env));
      checkBaseUrl(env[p.baseUrlEnv], p.baseUrlEnv);
    }

    const selected = options.platforms
      ? PLATFORMS.filter((p) => options.platforms!.includes(p.id))
      : [...PLATFORMS];
    const keyed = selected.filter((p) => platformKey(p, env));
    if (keyed.length === 0) {
      const names = selected.map((p) => p.keyEnv[0]).join(", ");
      throw new UsageError(`no API key is set: set ${names} (in the environment or .env), or try --demo`);
    }
    for (const p of keyed) {
      checkRequiredEnv(p, env);
      const problem = p.checkEnv?.(env);
      if (problem) throw new UsageError(problem);
    }
    const skipped = selected.filter((p) => !keyed.includes(p));
    if (skipped.length > 0)
      log.warn(`skipped (no key): ${skipped.map((p) => `${p.id} (set ${p.keyEnv[0]})`).join(", ")}`);

    // The demo never opens the user's store: its made-up organisation must not enter real history.
    let store: Store | null = null;
    const noStoreReason = options.demo ? "in the demo" : options.store ? undefined : "with --no-store";
    if (options.store && !options.demo) {
      const { openStore } = await import("../store/index.ts");
      const opened = await openStore(options.store, env);
      closers.push(() => opened.close());
      for (const notice of opened.notices) log.warn(notice);
      store = opened;
    }
    const fetch = io.fetch ?? (await fetchForEnv(env));
    // Only --by team asks vendors for teams: no other report spends a request on them.
    if (options.by === "team")
      teams = await withPlatformTeams(teams, {
        platforms: keyed,
        env,
        fetch,
        log,
        store,
        now: io.now,
        until: options.until,
        aliases,
        signal: io.signal,
      });
    return {
      options,
      env,
      log,
      platforms: selected,
      store,
      noStoreReason,
      fetch,
      prices,
      aliases,
      teams,
      close,
    };
  } catch (err) {
    // Emulators or a store opened before the failure must not keep the process alive.
    await close();
    throw err;
  }
}

function checkBaseUrl(value: string | undefined, name: string): void {
  if (!value?.trim()) return;
  let ok = false;
  try {
    ok = ["http:", "https:"].includes(new URL(value.trim()).protocol);
  } catch {}
  if (!ok) throw new UsageError(`${name} is not an http(s) URL`);
}

/** A key given without the variables its platform also needs is a usage error naming them. */
function checkRequiredEnv(platform: Platform, env: NodeJS.ProcessEnv): void {
  for (const oneOf of platform.requiredEnv ?? []) {
    if (oneOf.some((name) => env[name]?.trim())) continue;
    const names = oneOf.length === 1 ? oneOf[0] : `one of ${oneOf.join(", ")}`;
    throw new UsageError(`${platform.keyEnv[0]} is set but ${names} is not: ${platform.id} needs it`);
  }
  // A platform may refuse a combination of its variables (Copilot: an org and an enterprise) here,
  // before any fetch starts.
  try {
    platform.organization?.(env);
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
}

/** Fetches the window for both commands: every row to `onRow` for a report, only into the store for sync. */
export async function syncUsage(
  ctx: Context,
  io: Io,
  window: { since: string; until: string },
  onRow?: (row: UsageRow) => void,
  wholeWindow = false,
) {
  const { options } = ctx;
  const progress = createProgress(io, options.verbose);
  try {
    return await syncAll({
      platforms: ctx.platforms,
      since: window.since,
      until: window.until,
      env: ctx.env,
      fetch: ctx.fetch,
      log: ctx.log,
      signal: io.signal,
      now: io.now,
      store: ctx.store,
      noStoreReason: ctx.noStoreReason,
      refresh: options.refresh,
      onRow,
      wholeWindow,
      client: { prices: ctx.prices, activity: options.activity },
      onProgress: progress.update,
      onWait: progress.wait,
    });
  } finally {
    progress.stop();
  }
}
