import { describe, expect, it } from "vitest";
import { anthropicData, claudeCodeRecord } from "../src/emulators/anthropic/data.ts";
import { generateOrg } from "../src/emulators/org.ts";
import { normalizeClaudeRecords } from "../src/platforms/claude/normalize.ts";
import { claudeCodeRecordSchema } from "../src/platforms/claude/schema.ts";
import { addActivity, emptyActivity } from "../src/usage/types.ts";
import { aggregate, build, CURRENT_RECORDS } from "./report-fixture.ts";

/** What the records say Claude Code produced, summed from the vendor fields here. */
function produced(records: ReturnType<typeof anthropicData>) {
  const sum = {
    linesAdded: 0,
    linesRemoved: 0,
    commits: 0,
    pullRequests: 0,
    suggestionsAccepted: 0,
    suggestionsRejected: 0,
  };
  for (const r of records) {
    sum.linesAdded += r.core_metrics.lines_of_code.added;
    sum.linesRemoved += r.core_metrics.lines_of_code.removed;
    sum.commits += r.core_metrics.commits_by_claude_code;
    sum.pullRequests += r.core_metrics.pull_requests_by_claude_code;
    for (const action of Object.values(r.tool_actions)) {
      sum.suggestionsAccepted += action.accepted;
      sum.suggestionsRejected += action.rejected;
    }
  }
  return sum;
}

const parse = (records: unknown[]) => records.map((r) => claudeCodeRecordSchema.parse(r));

describe("Claude Code activity", () => {
  const records = anthropicData(generateOrg({ seed: 7, people: 12 }), {
    since: "2026-11-01",
    until: "2026-11-07",
  });

  it("carries every record's lines, commits, PRs and tool actions into the rows, exactly", () => {
    const rows = normalizeClaudeRecords(parse(records));
    const total = emptyActivity();
    for (const row of rows) addActivity(total, row.activity ?? emptyActivity());
    expect(total).toEqual(produced(records));
    // Every row says what it produced (zeros on a record's other models), so none reads "not reported".
    expect(rows.every((r) => r.activity && Object.values(r.activity).every((v) => v !== null))).toBe(true);
  });

  it("puts an actor-day's activity on the row that holds its sessions", () => {
    const record = claudeCodeRecord({
      date: "2026-11-02T00:00:00Z",
      email: "eve@co.com",
      sessions: 8,
      models: [
        { model: "small", input: 10, output: 1, cacheRead: 0, cacheWrite: 0 },
        { model: "big", input: 5000, output: 100, cacheRead: 0, cacheWrite: 0 },
      ],
    });
    const rows = normalizeClaudeRecords(parse([record]));
    const big = rows.find((r) => r.model === "big")!;
    const small = rows.find((r) => r.model === "small")!;
    expect(big.requests).toBe(8);
    expect(big.activity).toEqual(produced([record]));
    expect(small.activity).toEqual({
      linesAdded: 0,
      linesRemoved: 0,
      commits: 0,
      pullRequests: 0,
      suggestionsAccepted: 0,
      suggestionsRejected: 0,
    });
  });

  it("reads a record without the activity fields as not reported (null), never 0", () => {
    const record = claudeCodeRecord({
      date: "2026-11-02T00:00:00Z",
      email: "old@co.com",
      sessions: 1,
      models: [{ model: "m", input: 1, output: 1, cacheRead: 0, cacheWrite: 0 }],
    }) as unknown as Record<string, Record<string, unknown>>;
    delete record.core_metrics!.lines_of_code;
    delete record.core_metrics!.commits_by_claude_code;
    delete record.core_metrics!.pull_requests_by_claude_code;
    delete record.tool_actions;
    const [row] = normalizeClaudeRecords(parse([record]));
    expect(row!.activity).toEqual(emptyActivity());
  });

  it("sums activity per person, platform and in totals; a vendor that reports none stays null", () => {
    const report = build(aggregate(), { activity: true });
    expect(report.activity).toBe(true);
    expect(report.totals.activity).toEqual(produced(CURRENT_RECORDS));
    const alice = report.users.find((u) => u.user === "alice@co.com")!;
    const aliceRecords = CURRENT_RECORDS.filter(
      (r) => "email_address" in r.actor && r.actor.email_address === "alice@co.com",
    );
    expect(alice.activity).toEqual(produced(aliceRecords));
    expect(alice.platforms.find((p) => p.platform === "claude")!.activity).toEqual(produced(aliceRecords));
    expect(alice.platforms.find((p) => p.platform === "openai")!.activity).toEqual(emptyActivity());
  });
});
