import { addDays, daysBetween, isDay, todayUtc } from "../usage/days.ts";
import type { PlatformId } from "../usage/types.ts";
import { UsageError } from "./errors.ts";

export type SortKey = "requests" | "tokens" | "cost";
export const SORT_KEYS: readonly SortKey[] = ["requests", "tokens", "cost"];

/** What a row of the report is (`--by`). */
export type Dimension = "user" | "team" | "model" | "platform" | "day" | "week" | "month";
export const DIMENSIONS: readonly Dimension[] = ["user", "team", "model", "platform", "day", "week", "month"];

export const FORMATS = ["table", "json", "csv", "markdown", "html"] as const;
export type Format = (typeof FORMATS)[number];

/** The largest window we accept; beyond it a typo (`--days 30000`) is likelier than intent. */
export const MAX_DAYS = 3660;

/** Flags as commander hands them over (all strings, or booleans for switches). */
export interface RawFlags {
  days?: string;
  since?: string;
  until?: string;
  sort?: string;
  format?: string;
  json?: boolean;
  platform?: string;
  top?: string;
  demo?: boolean;
  verbose?: boolean;
  store?: string | boolean;
  refresh?: boolean;
  by?: string;
  compare?: boolean;
  activity?: boolean;
  output?: string;
}

/** Validated options: everything downstream can trust these. */
export interface Options {
  since: string;
  until: string;
  days: number;
  windowMode: "days" | "range";
  sort: SortKey;
  format: Format;
  /** Explicit --platform list, or null for "every platform with a key". */
  platforms: PlatformId[] | null;
  top: number | null;
  demo: boolean;
  verbose: boolean;
  /** Store file, or null for --no-store. */
  store: string | null;
  refresh: boolean;
  /** What a row is (`--by`). */
  by: Dimension;
  /** Add the previous window of the same length (`--compare`). */
  compare: boolean;
  /** Add what the AI produced (`--activity`). */
  activity: boolean;
  /** --output: the file the report is written to instead of stdout, or null. */
  output: string | null;
}

/**
 * `defaults.platformIds` is the registry's list (given by the caller, so configuration depends on
 * no platform code).
 */
export function parseOptions(
  flags: RawFlags,
  defaults: { now: Date; storePath: string; platformIds: readonly string[] },
): Options {
  const today = todayUtc(defaults.now);
  const until = flags.until === undefined ? today : day("--until", flags.until);
  // A day that has not begun has no usage yet: refusing it beats an empty report that looks real.
  if (until > today) throw new UsageError(`--until ${until} is in the future (today is ${today}, UTC)`);
  let since: string;
  // "Last N days" only when the window ends today; otherwise the title names both ends.
  let windowMode: Options["windowMode"] = until === today ? "days" : "range";
  if (flags.since !== undefined) {
    since = day("--since", flags.since);
    if (since > until) throw new UsageError(`--since ${since} is after --until ${until}`);
    windowMode = "range";
  } else {
    const days = positiveInt("--days", flags.days ?? "30");
    since = addDays(until, -(days - 1));
  }
  const days = daysBetween(since, until).length;
  if (days > MAX_DAYS) {
    const flag =
      flags.since === undefined ? `--days ${days}` : `--since ${since} to --until ${until} (${days} days)`;
    throw new UsageError(`${flag} is too long a window; at most ${MAX_DAYS} days are allowed`);
  }

  const format: Format = flags.json ? "json" : oneOf("--format", flags.format ?? "table", FORMATS);
  return {
    since,
    until,
    days,
    windowMode,
    sort: oneOf("--sort", flags.sort ?? "requests", SORT_KEYS),
    format,
    platforms: flags.platform === undefined ? null : platformList(flags.platform, defaults.platformIds),
    top: flags.top === undefined ? null : positiveInt("--top", flags.top),
    demo: Boolean(flags.demo),
    verbose: Boolean(flags.verbose),
    // `--no-store` gives false; `--store PATH` a string; nothing → the default path. The demo never
    // touches the real history unless a store is named explicitly.
    store:
      flags.store === false
        ? null
        : typeof flags.store === "string"
          ? flags.store
          : flags.demo
            ? null
            : defaults.storePath,
    refresh: Boolean(flags.refresh),
    by: oneOf("--by", flags.by ?? "user", DIMENSIONS),
    compare: Boolean(flags.compare),
    activity: Boolean(flags.activity),
    output: flags.output === undefined ? null : outputPath(flags.output),
  };
}

function outputPath(value: string): string {
  if (!value.trim()) throw new UsageError("--output expects a file name");
  return value;
}

/** `YYYY-MM-DD`, or `YYYYMMDD` as ccusage users type it; returned as `YYYY-MM-DD`. */
function day(flag: string, value: string): string {
  const trimmed = value.trim();
  const compact = /^(\d{4})(\d{2})(\d{2})$/.exec(trimmed);
  const normal = compact ? `${compact[1]}-${compact[2]}-${compact[3]}` : trimmed;
  if (!isDay(normal)) {
    throw new UsageError(`${flag} expects a date as YYYY-MM-DD or YYYYMMDD, got '${value}'`);
  }
  return normal;
}

function positiveInt(flag: string, value: string): number {
  if (!/^\d+$/.test(value.trim()) || Number(value) < 1) {
    throw new UsageError(`${flag} expects a whole number of at least 1, got '${value}'`);
  }
  return Number(value);
}

function oneOf<T extends string>(flag: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) {
    throw new UsageError(`${flag} must be one of ${allowed.join(", ")}; got '${value}'`);
  }
  return value as T;
}

function platformList(value: string, known: readonly string[]): PlatformId[] {
  const ids = value
    .split(",")
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  if (ids.length === 0) throw new UsageError(`--platform expects a list of ${known.join(", ")}`);
  return [...new Set(ids.map((id) => oneOf("--platform", id, known)))];
}
