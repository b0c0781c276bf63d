import type { Aliases } from "../identity/aliases.ts";
import { normalizeEmail } from "../identity/email.ts";
import type { Teams } from "../identity/teams.ts";
import { PLATFORM_IDS, platformLabel } from "../platforms/registry.ts";
import {
  type Activity,
  addActivity,
  addCounts,
  emptyActivity,
  totalTokens,
  type UsageRow,
} from "../usage/types.ts";
import { type Cell, groupCells } from "./group.ts";
import { rankRows } from "./rank.ts";
import {
  type Dimension,
  emptyTotals,
  type GroupUsage,
  type PlatformStatus,
  type Report,
  type SortKey,
  type UserUsage,
  type Window,
} from "./report.ts";

export interface BuildArgs {
  window: Window;
  windowMode: Report["windowMode"];
  sort: SortKey;
  top: number | null;
  platforms: PlatformStatus[];
  demo: boolean;
  unpricedModels: string[];
  /** What a row is; default "user". */
  by?: Dimension;
  /** With --compare: the previous window, whose rows came through `addPrevious`. */
  previousWindow?: Window;
  /** With --activity: rows and totals carry what the AI produced. */
  activity?: boolean;
}

/**
 * Merges rows into people and then into the rows of the report. A person is keyed by email when any
 * vendor (or its users list) gives one — lower-cased and trimmed — and otherwise by the vendor's own
 * label or id, so nothing is dropped. The user's aliases (src/identity/aliases.ts) map a vendor id,
 * label or second address to one person; teams (src/identity/teams.ts) then group people.
 */
export class Aggregator {
  private readonly current = new Map<string, Cell>();
  private readonly previous = new Map<string, Cell>();
  private readonly emails = new Map<string, string | null>();
  /**
   * Models whose estimated cost came out $0 for tokens used, so the report can name those without a
   * known price. A cost estimated from something else (Codex credits) is not a missing price.
   */
  readonly estimatedModels = new Set<string>();

  constructor(
    private readonly aliases: Aliases = new Map(),
    private readonly teams: Teams = new Map(),
  ) {}

  /** A row of the report's window. */
  add(row: UsageRow): void {
    this.put(this.current, row);
  }

  /** A row of the previous window (`--compare`). */
  addPrevious(row: UsageRow): void {
    this.put(this.previous, row);
  }

  private put(cells: Map<string, Cell>, row: UsageRow): void {
    if (row.costEstimated && row.costNanos === 0 && totalTokens(row) > 0) this.estimatedModels.add(row.model);
    const person = this.personOf(row);
    const key = `${person}\u0000${row.platform}\u0000${row.day}\u0000${row.model}`;
    let cell = cells.get(key);
    if (!cell) {
      cell = {
        person,
        platform: row.platform,
        day: row.day,
        model: row.model,
        totals: emptyTotals(),
        activity: null,
      };
      cells.set(key, cell);
    }
    addCounts(cell.totals, row);
    cell.totals.tokens += totalTokens(row);
    cell.totals.costEstimated ||= row.costEstimated;
    if (row.activity) cell.activity = addInto(cell.activity, row.activity);
  }

  private personOf(row: UsageRow): string {
    const vendorEmail = normalizeEmail(row.email);
    const alias = this.aliases.get(row.identity) ?? (vendorEmail ? this.aliases.get(vendorEmail) : undefined);
    const person = alias ?? vendorEmail ?? row.identity;
    if (!this.emails.has(person))
      this.emails.set(person, alias === undefined ? vendorEmail : alias.includes("@") ? alias : null);
    return person;
  }

  build(args: BuildArgs): Report {
    const by = args.by ?? "user";
    const { rows, totals, notes } = groupCells({
      by,
      current: this.current.values(),
      previous: args.previousWindow ? this.previous.values() : undefined,
      window: args.window,
      teams: this.teams,
      order: PLATFORM_IDS,
      label: platformLabel,
      activity: args.activity ?? false,
    });
    const ranked = rankRows(rows, by, args.sort, args.top);
    const report: Report = {
      window: args.window,
      windowMode: args.windowMode,
      sort: args.sort,
      platforms: args.platforms,
      users: [],
      totals,
      demo: args.demo,
      unpricedModels: args.unpricedModels,
    };
    if (by === "user") {
      report.users = ranked.map(
        ({ key, users: _, ...rest }): UserUsage => ({
          ...rest,
          user: key,
          email: this.emails.get(key) ?? null,
        }),
      );
    } else {
      report.by = by;
      report.groups = ranked satisfies GroupUsage[];
    }
    if (args.previousWindow) report.previousWindow = args.previousWindow;
    if (args.activity) report.activity = true;
    if (notes.length > 0) report.notes = notes;
    return report;
  }
}

/** `target` plus `source`, allocating on first use; a figure stays null while neither reports it. */
function addInto(target: Activity | null, source: Activity): Activity {
  const out = target ?? emptyActivity();
  addActivity(out, source);
  return out;
}
