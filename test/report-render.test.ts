import { describe, expect, it } from "vitest";
import { renderCsv } from "../src/render/csv.ts";
import { activityCells, formatChange } from "../src/render/extras.ts";
import { renderJson } from "../src/render/json.ts";
import { renderMarkdown } from "../src/render/markdown.ts";
import { renderTable } from "../src/render/table.ts";
import { emptyActivity } from "../src/usage/types.ts";
import { aggregate, build, PREVIOUS, PREVIOUS_RECORDS, sums } from "./report-fixture.ts";

const table = (report: ReturnType<typeof build>, width = 120) => renderTable(report, { width, color: false });
const lineOf = (text: string, start: string) =>
  text.split("\n").find((l) => l.trimStart().startsWith(start))!;

describe("change and activity cells", () => {
  it("writes the change as whole percent, new, −100% or – for nothing either time", () => {
    expect(formatChange(112, 100)).toBe("+12%");
    expect(formatChange(0, 100)).toBe("−100%");
    expect(formatChange(5, 0)).toBe("new");
    expect(formatChange(0, 0)).toBe("–");
    expect(formatChange(1000, 999)).toBe("0%");
    expect(formatChange(1, 3)).toBe("−67%");
  });

  it("shows – for a figure the vendor does not report, never 0", () => {
    expect(activityCells(emptyActivity())).toEqual(["–", "–", "–", "–"]);
    expect(activityCells(undefined)).toEqual(["–", "–", "–", "–"]);
    const cursorLike = {
      ...emptyActivity(),
      linesAdded: 1200,
      linesRemoved: 0,
      suggestionsAccepted: 3,
      suggestionsRejected: 1,
    };
    expect(activityCells(cursorLike)).toEqual(["+1.2K/−0", "–", "–", "75%"]);
    const zeros = {
      linesAdded: 0,
      linesRemoved: 0,
      commits: 0,
      pullRequests: 0,
      suggestionsAccepted: 0,
      suggestionsRejected: 0,
    };
    expect(activityCells(zeros)).toEqual(["+0/−0", "0", "0", "–"]);
  });
});

describe("rendering --by, --compare and --activity", () => {
  it("names the first column for the dimension in every human format", () => {
    for (const [by, label] of [
      ["team", "Team"],
      ["model", "Model"],
      ["platform", "Platform"],
      ["day", "Day"],
      ["week", "Week"],
      ["month", "Month"],
    ] as const) {
      const report = build(aggregate(), { by });
      expect(lineOf(table(report), "#")).toMatch(new RegExp(`^\\s+#\\s+${label}\\s+Requests`));
      expect(renderMarkdown(report)).toContain(`| # | ${label} | Requests |`);
    }
  });

  it("adds a Δ column for the sort key and says what it compares with", () => {
    const report = build(aggregate(new Map(), true), { previousWindow: PREVIOUS, sort: "requests" });
    const out = table(report);
    expect(lineOf(out, "#")).toMatch(/Cost\s+Δ\s+Tools/);
    // alice: 5 + 3 Claude sessions + 7 OpenAI requests now, 4 before.
    expect(lineOf(out, "1 ")).toMatch(/alice@co\.com .* \+275% {3}Claude, OpenAI$/);
    expect(lineOf(out, "2 ")).toMatch(/ new {3}Claude$/);
    expect(lineOf(out, "4 ")).toMatch(/dave@co\.com .* −100%/);
    expect(out).toContain("Δ: change in requests against the previous 14 days (2026-10-19 – 2026-11-01)");
  });

  it("writes previous figures in JSON and CSV", () => {
    const report = build(aggregate(new Map(), true), { previousWindow: PREVIOUS, by: "model" });
    const json = JSON.parse(renderJson(report));
    expect(json.previousWindow).toEqual(PREVIOUS);
    expect(json.by).toBe("model");
    expect(json.users).toBeUndefined();
    const before = sums(PREVIOUS_RECORDS);
    expect(json.totals.previous).toEqual({
      requests: before.requests,
      tokens: before.tokens,
      costUsd: before.costNanos / 1e9,
    });
    const opus = json.groups.find((g: { key: string }) => g.key === "claude-opus-4-8");
    const opusBefore = sums(PREVIOUS_RECORDS.slice(0, 1));
    expect(opus.previous).toEqual({
      requests: opusBefore.requests,
      tokens: opusBefore.tokens,
      costUsd: opusBefore.costNanos / 1e9,
    });
    const csv = renderCsv(report).split("\n");
    expect(csv[0]).toMatch(
      /^rank,key,users,platform,.*,tools,previous_requests,previous_tokens,previous_cost_usd$/,
    );
    expect(csv.find((l) => l.includes(",claude-opus-4-8,") && l.includes(",all,"))).toMatch(
      new RegExp(
        `,${sums(PREVIOUS_RECORDS.slice(0, 1)).requests},${sums(PREVIOUS_RECORDS.slice(0, 1)).tokens},[0-9.]+$`,
      ),
    );
  });

  it("shows activity columns with – where a vendor reports nothing, and the six CSV columns", () => {
    const report = build(aggregate(), { activity: true });
    const out = table(report, 140);
    expect(lineOf(out, "#")).toMatch(/Cost\s+Lines\s+Commits\s+PRs\s+Accept %\s+Tools/);
    // alice's OpenAI sub-row: OpenAI reports no activity.
    expect(lineOf(out, "OpenAI")).toMatch(/–\s+–\s+–\s+–$/);
    const csv = renderCsv(report).split("\n");
    expect(csv[0]).toMatch(
      /,lines_added,lines_removed,commits,pull_requests,suggestions_accepted,suggestions_rejected$/,
    );
    expect(csv.find((l) => l.includes(",openai,"))).toMatch(/,,,,,,$/);
    const json = JSON.parse(renderJson(report));
    expect(json.totals.activity).toEqual(report.totals.activity);
    const alice = json.users.find((u: { user: string }) => u.user === "alice@co.com");
    expect(alice.platforms.find((p: { platform: string }) => p.platform === "openai").activity).toEqual(
      emptyActivity(),
    );
  });

  it("leaves activity and previous out of JSON without the flags", () => {
    const json = JSON.parse(renderJson(build(aggregate(new Map(), true))));
    expect(json.totals).not.toHaveProperty("previous");
    expect(json.totals).not.toHaveProperty("activity");
    expect(json).not.toHaveProperty("previousWindow");
  });
});
