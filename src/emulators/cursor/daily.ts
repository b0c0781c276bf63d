import { DAY_MS, dayOf, dayStartMs } from "../../usage/days.ts";
import type { TeamMember } from "./data.ts";
import type { CursorEventSource } from "./source.ts";

/** `POST /teams/daily-usage-data` rows (api/cursor.md §3.2), derived from the same events. */
export interface DailyRow {
  userId: string;
  day: string;
  date: number;
  email: string;
  isActive: boolean;
  totalLinesAdded: number;
  totalLinesDeleted: number;
  acceptedLinesAdded: number;
  acceptedLinesDeleted: number;
  totalApplies: number;
  totalAccepts: number;
  totalRejects: number;
  totalTabsShown: number;
  totalTabsAccepted: number;
  composerRequests: number;
  chatRequests: number;
  agentRequests: number;
  cmdkUsages: number;
  subscriptionIncludedReqs: number;
  apiKeyReqs: number;
  usageBasedReqs: number;
  bugbotUsages: number;
  mostUsedModel: string | null;
  applyMostUsedExtension: string | null;
  tabMostUsedExtension: string | null;
  clientVersion: string | null;
}

interface Tally {
  events: number;
  included: number;
  usageBased: number;
  models: Map<string, number>;
}

function row(member: TeamMember, day: string, t: Tally | undefined): DailyRow {
  const n = t?.events ?? 0;
  let model: string | null = null;
  for (const [m, c] of t?.models ?? []) if (!model || c > (t!.models.get(model) ?? 0)) model = m;
  return {
    userId: member.id,
    day,
    date: dayStartMs(day),
    email: member.email,
    isActive: n > 0,
    totalLinesAdded: n * 41,
    totalLinesDeleted: n * 13,
    acceptedLinesAdded: n * 29,
    acceptedLinesDeleted: n * 9,
    totalApplies: n * 2,
    totalAccepts: n,
    totalRejects: Math.floor(n / 3),
    totalTabsShown: n * 7,
    totalTabsAccepted: n * 5,
    composerRequests: Math.floor(n / 4),
    chatRequests: Math.floor(n / 4),
    agentRequests: n - 2 * Math.floor(n / 4),
    cmdkUsages: 0,
    subscriptionIncludedReqs: t?.included ?? 0,
    apiKeyReqs: 0,
    usageBasedReqs: t?.usageBased ?? 0,
    bugbotUsages: 0,
    mostUsedModel: model,
    applyMostUsedExtension: n ? ".ts" : null,
    tabMostUsedExtension: n ? ".ts" : null,
    clientVersion: n ? "1.7.2" : null,
  };
}

/**
 * One row per (member, UTC day). Without paging: only days with activity of active members.
 * With `page`/`pageSize`: pages over active members, every day of the range, `isActive` false on
 * idle days. Removed users and service accounts never appear (they are not team members).
 */
export function dailyUsage(
  state: { members: readonly TeamMember[]; source: CursorEventSource; now: () => number },
  startDate: number,
  endDate: number,
  paging?: { page: number; pageSize: number },
) {
  const members = state.members.filter((m) => !m.isRemoved).sort((a, b) => a.email.localeCompare(b.email));
  const byEmail = new Map(members.map((m) => [m.email.toLowerCase(), m]));
  const tallies = new Map<string, Tally>();
  const query = { startMs: startDate, endMs: Math.min(endDate, state.now()) };
  for (const e of state.source.slice(query, 0, state.source.count(query))) {
    const email = e.userEmail?.trim().toLowerCase();
    if (!email || !byEmail.has(email)) continue;
    const key = `${email} ${dayOf(Number(e.timestamp))}`;
    const t = tallies.get(key) ?? { events: 0, included: 0, usageBased: 0, models: new Map() };
    t.events++;
    if (/included/i.test(e.kind)) t.included++;
    if (/usage-based/i.test(e.kind)) t.usageBased++;
    t.models.set(e.model, (t.models.get(e.model) ?? 0) + 1);
    tallies.set(key, t);
  }
  const days: string[] = [];
  for (let d = dayStartMs(dayOf(startDate)); d <= endDate; d += DAY_MS) days.push(dayOf(d));

  const period = { startDate, endDate };
  if (!paging) {
    const data: DailyRow[] = [];
    for (const m of members)
      for (const day of days) {
        const t = tallies.get(`${m.email.toLowerCase()} ${day}`);
        if (t) data.push(row(m, day, t));
      }
    return { data, period };
  }
  const { page, pageSize } = paging;
  const totalPages = Math.ceil(members.length / pageSize);
  const data = members
    .slice((page - 1) * pageSize, page * pageSize)
    .flatMap((m) => days.map((day) => row(m, day, tallies.get(`${m.email.toLowerCase()} ${day}`))));
  return {
    data,
    period,
    pagination: {
      page,
      pageSize,
      totalUsers: members.length,
      totalPages,
      hasNextPage: page < totalPages,
      hasPreviousPage: page > 1,
    },
  };
}
