import { afterEach, describe, expect, it } from "vitest";
import type { CopilotEmulator, UserDayRecord } from "../src/emulators/copilot/index.ts";
import { splitDay } from "../src/emulators/copilot/split.ts";
import { parseReportFile } from "../src/platforms/copilot/client.ts";
import { copilot, ScopeError } from "../src/platforms/copilot/index.ts";
import { mergeUserDays } from "../src/platforms/copilot/merge.ts";
import { normalizeModel, normalizeUserDay } from "../src/platforms/copilot/normalize.ts";
import { userDaySchema } from "../src/platforms/copilot/schema.ts";
import { clientFor, collect, emulator, orgData, recordSums, reportRequests } from "./copilot-helpers.ts";

let emu: CopilotEmulator | undefined;
afterEach(async () => {
  await emu?.close();
  emu = undefined;
});

const stats = () => ({ withoutCredits: 0, overSplit: 0 });

function base(over: Partial<UserDayRecord> = {}): UserDayRecord {
  const c = {
    user_initiated_interaction_count: 0,
    code_generation_activity_count: 0,
    code_acceptance_activity_count: 0,
    loc_suggested_to_add_sum: 0,
    loc_suggested_to_delete_sum: 0,
    loc_added_sum: 0,
    loc_deleted_sum: 0,
  };
  return {
    day: "2026-06-20",
    user_id: 7,
    user_login: "Octo-Cat",
    enterprise_id: "1",
    organization_id: "2",
    ...c,
    used_agent: false,
    used_chat: true,
    used_cli: false,
    totals_by_ide: [],
    totals_by_feature: [],
    totals_by_language_feature: [],
    totals_by_language_model: [],
    totals_by_model_feature: [],
    ai_adoption_phase: { phase_number: 1, phase: "Phase 1", version: "v1" },
    ...over,
  };
}

describe("copilot report files", () => {
  it("a user split over two files is one person-day with the parts summed", () => {
    const data = orgData();
    const day = data.records.filter((r) => r.day === "2026-06-20");
    const files = splitDay(day, 3);
    const parts = files.flatMap((text, i) => parseReportFile(text, "2026-06-20", i + 1));
    // The files really do split users: more lines than users.
    expect(parts.length).toBeGreaterThan(day.length);
    const merged = mergeUserDays(parts);
    expect(merged).toHaveLength(day.length);
    for (const record of day) {
      const one = merged.find((m) => m.user_id === record.user_id)!;
      const rows = normalizeUserDay(one, "x@y.z", stats());
      const want = recordSums(record);
      expect(rows.reduce((s, r) => s + r.requests, 0)).toBe(want.requests);
      expect(rows.reduce((s, r) => s + r.inputTokens + r.outputTokens, 0)).toBe(
        want.inputTokens + want.outputTokens,
      );
      expect(rows.reduce((s, r) => s + r.costNanos, 0)).toBe(want.costNanos);
      expect(rows.reduce((s, r) => s + (r.activity?.linesAdded ?? 0), 0)).toBe(record.loc_added_sum);
    }
  });

  it("accepts a JSON array file and skips blank lines", () => {
    const r = base({ user_initiated_interaction_count: 3 });
    expect(parseReportFile(JSON.stringify([r, r]), r.day, 1)).toHaveLength(2);
    expect(parseReportFile(`\n${JSON.stringify(r)}\n\n`, r.day, 1)).toHaveLength(1);
  });
});

describe("copilot rows", () => {
  it("splits prompts by model, the remainder under unknown; credits there too; CLI tokens on the CLI model", () => {
    const entry = (model: string, feature: string, n: number) => ({
      ...base(),
      model,
      feature,
      user_initiated_interaction_count: n,
      loc_added_sum: n * 10,
    });
    const r = base({
      user_initiated_interaction_count: 20,
      loc_added_sum: 250,
      code_acceptance_activity_count: 4,
      ai_credits_used: 12.37,
      totals_by_feature: [{ ...base(), feature: "copilot_cli" }],
      totals_by_model_feature: [
        entry("claude-4.6-sonnet", "chat_panel_ask_mode", 5),
        entry("claude-sonnet-4.6", "copilot_cli", 6),
        entry("gpt-5-mini", "agent_edit", 2),
      ],
      totals_by_cli: {
        session_count: 1,
        request_count: 9,
        prompt_count: 6,
        token_usage: { prompt_tokens_sum: 1000, output_tokens_sum: 50, avg_tokens_per_request: 0 },
      },
    });
    const s = stats();
    const rows = normalizeUserDay(userDaySchema.parse(r), null, s);
    const by = Object.fromEntries(rows.map((x) => [x.model, x]));
    expect(Object.keys(by).sort()).toEqual(["claude-sonnet-4.6", "gpt-5-mini", "unknown"]);
    expect(by["claude-sonnet-4.6"]!.requests).toBe(11);
    expect(by["claude-sonnet-4.6"]!.inputTokens).toBe(1000);
    expect(by["claude-sonnet-4.6"]!.outputTokens).toBe(50);
    expect(by.unknown!.requests).toBe(7);
    expect(by.unknown!.costNanos).toBe(123_700_000);
    expect(by.unknown!.activity).toEqual({
      linesAdded: 120,
      linesRemoved: 0,
      commits: null,
      pullRequests: null,
      suggestionsAccepted: 4,
      suggestionsRejected: null,
    });
    expect(rows.every((x) => x.identity === "github:octo-cat" && x.email === null)).toBe(true);
    // Only the row carrying the credits' cost is an estimate.
    expect(rows.filter((x) => x.costEstimated).map((x) => x.model)).toEqual(["unknown"]);
    expect(s.withoutCredits).toBe(0);
  });

  it("CLI prompts outside the features are added; no credits is counted for the note", () => {
    const s = stats();
    const rows = normalizeUserDay(
      userDaySchema.parse(
        base({
          user_initiated_interaction_count: 2,
          totals_by_cli: {
            session_count: 1,
            request_count: 1,
            prompt_count: 3,
            token_usage: { prompt_tokens_sum: 5, output_tokens_sum: 6, avg_tokens_per_request: 0 },
          },
        }),
      ),
      "a@b.co",
      s,
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      model: "unknown",
      requests: 5,
      inputTokens: 5,
      outputTokens: 6,
      costNanos: 0,
    });
    expect(s.withoutCredits).toBe(1);
  });

  it("model spellings are one model", () => {
    expect(normalizeModel("claude-4.6-sonnet")).toBe("claude-sonnet-4.6");
    expect(normalizeModel(" Claude-4.5-Opus-1m ")).toBe("claude-opus-4.5-1m");
    expect(normalizeModel("gpt-5.3-codex")).toBe("gpt-5.3-codex");
    expect(normalizeModel("")).toBe("unknown");
  });
});

describe("copilot descriptor", () => {
  it("one scope per run, named for the store; both set is a usage error naming them", () => {
    expect(copilot.organization?.({ COPILOT_ORG: "Acme-Corp" })).toBe("org:acme-corp");
    expect(copilot.organization?.({ COPILOT_ENTERPRISE: "acme" })).toBe("enterprise:acme");
    expect(() => copilot.organization?.({ COPILOT_ORG: "a", COPILOT_ENTERPRISE: "b" })).toThrow(ScopeError);
    expect(() => copilot.organization?.({ COPILOT_ORG: "a", COPILOT_ENTERPRISE: "b" })).toThrow(
      /COPILOT_ORG.*COPILOT_ENTERPRISE/,
    );
  });

  it("settles four days after the day ends", () => {
    expect(new Date(copilot.settledAfter("2026-06-20")).toISOString()).toBe("2026-06-25T00:00:00.000Z");
  });

  it("empty days: 200 without links and 204 are days without rows", async () => {
    emu = await emulator({ data: orgData(3), emptyAs204: true });
    const { batches } = await collect(clientFor(emu), [{ since: "2026-06-27", until: "2026-06-29" }]);
    expect(batches.map((b) => [b.days[0], b.rows.length])).toEqual(
      expect.arrayContaining([
        ["2026-06-27", 0],
        ["2026-06-28", 0],
        ["2026-06-29", 0],
      ]),
    );
    expect(emu.requests.filter((r) => r.status === 204)).toHaveLength(3);
  });

  it("days before the org reports began cost no request and are named", async () => {
    emu = await emulator({ data: orgData(3, { since: "2025-12-10", until: "2025-12-13" }) });
    const { batches, notes } = await collect(clientFor(emu), [{ since: "2025-12-10", until: "2025-12-13" }]);
    expect(batches).toHaveLength(4);
    expect(reportRequests(emu).map((r) => r.query)).toEqual(
      expect.arrayContaining(["?day=2025-12-12", "?day=2025-12-13"]),
    );
    expect(reportRequests(emu)).toHaveLength(2);
    expect(notes.warnings.join("\n")).toContain("2 days before 2025-12-12 are not covered");
  });
});
