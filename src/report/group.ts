import type { Teams } from "../identity/teams.ts";
import { addDays } from "../usage/days.ts";
import { type Activity, addActivity, addCounts, emptyActivity, type PlatformId } from "../usage/types.ts";
import { isTimeDimension, periodOf, periodsOf } from "./periods.ts";
import {
  type Dimension,
  emptyTotals,
  type GroupUsage,
  type PlatformUsage,
  type PreviousTotals,
  type RowExtras,
  type Totals,
  type Window,
} from "./report.ts";

/** Usage of one person on one platform, day and model, after aliases. */
export interface Cell {
  person: string;
  platform: PlatformId;
  day: string;
  model: string;
  totals: Totals;
  activity: Activity | null;
}

export const NO_TEAM = "(no team)";

export interface GroupInput {
  by: Dimension;
  current: Iterable<Cell>;
  /** The previous window's cells, with --compare. */
  previous?: Iterable<Cell>;
  window: Window;
  teams: Teams;
  /** Platform order for sub-rows and tools; platforms not listed follow, A→Z. */
  order: readonly PlatformId[];
  label: (id: PlatformId) => string;
  activity: boolean;
}

interface Acc {
  totals: Totals;
  previous: PreviousTotals;
  activity: Activity;
  platforms: Map<PlatformId, PlatformUsage>;
  people: Set<string>;
}

const newAcc = (): Acc => ({
  totals: emptyTotals(),
  previous: { requests: 0, tokens: 0, costNanos: 0 },
  activity: emptyActivity(),
  platforms: new Map(),
  people: new Set(),
});

/**
 * Cells → the unranked rows of the report, keyed by `by`, and the totals. Each cell counts once in
 * the totals, even when it lands in two rows (a person in two teams). Time rows cover every period
 * of the window, zeros included; with --compare the previous window is shifted onto this one, so a
 * day row's `previous` is the same day one window earlier.
 */
export function groupCells(input: GroupInput): {
  rows: GroupUsage[];
  totals: Totals & RowExtras;
  notes: string[];
} {
  const { by, window } = input;
  const accs = new Map<string, Acc>();
  const accOf = (key: string) => {
    let acc = accs.get(key);
    if (!acc) {
      acc = newAcc();
      accs.set(key, acc);
    }
    return acc;
  };
  if (isTimeDimension(by)) for (const key of periodsOf(by, window.since, window.until)) accOf(key);

  const keysOf = (c: Cell, shift: number): readonly string[] => {
    switch (by) {
      case "user":
        return [c.person];
      case "team":
        return input.teams.get(c.person) ?? [NO_TEAM];
      case "model":
        return [c.model];
      case "platform":
        return [c.platform];
      default:
        return [periodOf(by, shift ? addDays(c.day, shift) : c.day)];
    }
  };

  const totals: Totals & RowExtras = emptyTotals();
  const totalActivity = emptyActivity();
  const multiTeam = new Set<string>();
  for (const cell of input.current) {
    addTotals(totals, cell.totals);
    if (cell.activity) addActivity(totalActivity, cell.activity);
    const keys = keysOf(cell, 0);
    if (keys.length > 1) multiTeam.add(cell.person);
    for (const key of keys) {
      const acc = accOf(key);
      addTotals(acc.totals, cell.totals);
      acc.people.add(cell.person);
      let p = acc.platforms.get(cell.platform);
      if (!p) {
        p = { platform: cell.platform, ...emptyTotals() };
        if (input.activity) p.activity = emptyActivity();
        acc.platforms.set(cell.platform, p);
      }
      addTotals(p, cell.totals);
      if (cell.activity) {
        addActivity(acc.activity, cell.activity);
        if (p.activity) addActivity(p.activity, cell.activity);
      }
    }
  }

  if (input.previous) {
    totals.previous = { requests: 0, tokens: 0, costNanos: 0 };
    for (const cell of input.previous) {
      addPrevious(totals.previous, cell.totals);
      // Time rows: the same place in the previous window. Periods outside this window are dropped.
      for (const key of keysOf(cell, window.days)) {
        const acc = isTimeDimension(by) ? accs.get(key) : accOf(key);
        if (acc) addPrevious(acc.previous, cell.totals);
      }
    }
  }
  if (input.activity) totals.activity = totalActivity;

  const rank = platformRank(input.order);
  const rows: GroupUsage[] = [...accs].map(([key, acc]) => {
    const platforms = [...acc.platforms.values()].sort(
      (a, b) => rank(a.platform) - rank(b.platform) || (a.platform < b.platform ? -1 : 1),
    );
    const row: GroupUsage = {
      rank: 0,
      key,
      ...acc.totals,
      users: acc.people.size,
      tools: platforms.map((p) => input.label(p.platform)),
      platforms,
    };
    if (input.previous) row.previous = acc.previous;
    if (input.activity) row.activity = acc.activity;
    return row;
  });
  return { rows, totals, notes: teamNotes(input, multiTeam) };
}

function teamNotes(input: GroupInput, multiTeam: Set<string>): string[] {
  if (input.by !== "team") return [];
  if (input.teams.size === 0)
    return [
      `no teams are defined (AI_USAGE_TEAMS or ~/.config/ai-usage/teams.json), so everyone is under ${NO_TEAM}`,
    ];
  if (multiTeam.size === 0) return [];
  const people = [...multiTeam].sort();
  const named = people.length <= 3 ? people.join(", ") : `${people.slice(0, 3).join(", ")} and others`;
  return [
    `${people.length} ${people.length === 1 ? "person is" : "people are"} in more than one team (${named}): counted in each team's row, once in the totals`,
  ];
}

function platformRank(order: readonly PlatformId[]) {
  return (id: PlatformId) => {
    const i = order.indexOf(id);
    return i === -1 ? order.length : i;
  };
}

function addTotals(t: Totals, o: Totals): void {
  addCounts(t, o);
  t.tokens += o.tokens;
  t.costEstimated ||= o.costEstimated;
}

function addPrevious(p: PreviousTotals, o: Totals): void {
  p.requests += o.requests;
  p.tokens += o.tokens;
  p.costNanos += o.costNanos;
}
