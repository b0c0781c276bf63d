import { resolve } from "node:path";
import { collect, platformKey } from "../collect.ts";
import { type Aliases, loadAliases } from "../config/aliases.ts";
import { loadDotEnv } from "../config/env.ts";
import { UsageError } from "../config/errors.ts";
import { type Options, parseOptions, type RawFlags } from "../config/options.ts";
import { registerSecret } from "../http/redact.ts";
import { loadTeams, parseTeams, type Teams } from "../identity/teams.ts";
import { createLogger, type Logger } from "../log.ts";
import { platforms as registry } from "../platforms/index.ts";
import { createPriceLookup, type PriceLookup } from "../pricing/lookup.ts";
import { loadPriceOverrides } from "../pricing/overrides.ts";
import type { Aggregator } from "../report/aggregate.ts";
import { previousWindow } from "../report/periods.ts";
import { defaultStorePath } from "../store/paths.ts";
import type { Store } from "../store/types.ts";
import { PLATFORM_IDS, type PlatformId } from "../usage/types.ts";
import { createProgress } from "./progress.ts";

export interface Io {
  env: NodeJS.ProcessEnv;
  cwd: string;
  now: Date;
  signal: AbortSignal;
  fetch: typeof globalThis.fetch;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  stderrIsTTY: boolean;
  stdoutIsTTY: boolean;
  columns: number | undefined;
}

/** What a command runs with: validated options, the environment with .env applied, and the open store. */
export interface Context {
  options: Options;
  env: NodeJS.ProcessEnv;
  log: Logger;
  platforms: PlatformId[];
  store: Store | null;
  /** List prices with the user's overrides, for estimated costs. */
  prices: PriceLookup;
  /** The user's identity aliases, applied when people are merged. */
  aliases: Aliases;
  /** Teams for --by team (empty otherwise): the user's teams file, or the demo's. */
  teams: Teams;
  close: () => Promise<void>;
}

export async function prepare(flags: RawFlags, io: Io): Promise<Context> {
  const options = parseOptions(flags, { now: io.now, storePath: defaultStorePath(io.env) });
  let env = loadDotEnv(resolve(io.cwd, ".env"), io.env);
  const log = createLogger({ verbose: options.verbose, write: io.stderr });
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
    for (const id of PLATFORM_IDS) registerSecret(platformKey(registry[id], env));
    for (const id of PLATFORM_IDS) checkBaseUrl(env[registry[id].baseUrlEnv], registry[id].baseUrlEnv);

    const selected = options.platforms ?? [...PLATFORM_IDS];
    if (!selected.some((id) => platformKey(registry[id], env))) {
      const names = selected.map((id) => registry[id].keyEnv[0]).join(", ");
      throw new UsageError(`no API key is set: set ${names} (in the environment or .env), or try --demo`);
    }

    let store: Store | null = null;
    if (options.store) {
      const { openStore } = await import("../store/index.ts");
      const opened = await openStore(options.store);
      closers.push(() => opened.close());
      store = opened;
    }
    return { options, env, log, platforms: selected, store, prices, aliases, teams, close };
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

/** Fetches the window for both commands: into `aggregator` for a report, only into the store for sync. */
export async function collectUsage(
  ctx: Context,
  io: Io,
  aggregator?: Pick<Aggregator, "add">,
  window: { since: string; until: string } = ctx.options,
) {
  const { options } = ctx;
  const progress = createProgress(io, options.verbose);
  try {
    return await collect({
      platforms: ctx.platforms,
      since: window.since,
      until: window.until,
      env: ctx.env,
      fetch: io.fetch,
      log: ctx.log,
      signal: io.signal,
      now: io.now,
      store: ctx.store,
      refresh: options.refresh,
      aggregator: aggregator as Aggregator | undefined,
      client: { prices: ctx.prices, activity: options.activity },
      onProgress: progress.update,
    });
  } finally {
    progress.stop();
  }
}
