import { describe, expect, it } from "vitest";
import { ResponseShapeError } from "../src/http/errors.ts";
import { eventMs, parseEventsPage } from "../src/platforms/cursor/schema.ts";

const event = (fields: Record<string, unknown> = {}) => ({
  timestamp: "1750979225854",
  userEmail: "a@x.com",
  model: "gpt-5",
  kind: "Usage-based",
  tokenUsage: { inputTokens: 1, outputTokens: 2, cacheWriteTokens: 3, cacheReadTokens: 4, totalCents: 0.5 },
  chargedCents: 0.6,
  ...fields,
});
const page = (events: unknown[], fields: Record<string, unknown> = {}) => ({
  totalUsageEventsCount: events.length,
  pagination: { numPages: 1, currentPage: 1, hasNextPage: false },
  usageEvents: events,
  ...fields,
});

/** The ResponseShapeError parseEventsPage throws for `body`, as [field, message]. */
function problem(body: unknown): [string, string] {
  try {
    parseEventsPage(body);
  } catch (error) {
    expect(error).toBeInstanceOf(ResponseShapeError);
    expect((error as ResponseShapeError).platform).toBe("cursor");
    return [(error as ResponseShapeError).field, (error as Error).message];
  }
  throw new Error("the page was accepted");
}

describe("parseEventsPage: accepted shapes", () => {
  it("takes the newest shape, older tenants' shapes, nulls and unknown fields, and returns the page as is", () => {
    const body = page([
      event({
        isTokenBasedCall: true,
        maxMode: false,
        isChargeable: true,
        cursorTokenFee: 0.1,
        future: { x: 1 },
      }),
      // 2025 tenant: no chargedCents, numeric timestamp, no conversation or service-account fields.
      event({ timestamp: 1750979225000, chargedCents: undefined, cursorTokenFee: 1.18 }),
      // Not a token call: no tokenUsage; nulls where strings and numbers may be.
      event({ tokenUsage: null, userEmail: null, serviceAccountId: "null", model: null, chargedCents: null }),
      { timestamp: "0" },
    ]);
    const parsed = parseEventsPage(body);
    expect(parsed).toBe(body);
    expect(parsed.usageEvents.map(eventMs)).toEqual([1750979225854, 1750979225000, 1750979225854, 0]);
    expect(parseEventsPage({ totalUsageEventsCount: 0, usageEvents: [] }).pagination).toBeUndefined();
    expect(
      parseEventsPage({ totalUsageEventsCount: 0, pagination: null, usageEvents: [] }).usageEvents,
    ).toEqual([]);
  });
});

describe("parseEventsPage: the first problem, named by its path", () => {
  it("a wrong type at nested paths", () => {
    const events = [
      event(),
      event(),
      event(),
      event({ tokenUsage: { ...event().tokenUsage, inputTokens: "1200" } }),
    ];
    expect(problem(page(events))).toEqual([
      "usageEvents[3].tokenUsage.inputTokens",
      "unexpected response: usageEvents[3].tokenUsage.inputTokens: expected number, got string",
    ]);
    expect(problem(page([event({ chargedCents: "lots" })]))[1]).toBe(
      "unexpected response: usageEvents[0].chargedCents: expected number, got string",
    );
    expect(problem(page([event({ tokenUsage: { ...event().tokenUsage, totalCents: true } })]))[1]).toBe(
      "unexpected response: usageEvents[0].tokenUsage.totalCents: expected number, got boolean",
    );
    expect(problem(page([event({ userEmail: 42 })]))[1]).toBe(
      "unexpected response: usageEvents[0].userEmail: expected string, got number",
    );
    expect(problem(page([event(), event({ model: ["gpt-5"] })]))[1]).toBe(
      "unexpected response: usageEvents[1].model: expected string, got array",
    );
  });

  it("a missing required field, in the envelope or in an event", () => {
    expect(problem({ usageEvents: [] })).toEqual([
      "totalUsageEventsCount",
      "unexpected response: totalUsageEventsCount: missing (expected number)",
    ]);
    expect(problem({ totalUsageEventsCount: 0 })[1]).toBe(
      "unexpected response: usageEvents: missing (expected array)",
    );
    expect(problem(page([], { pagination: {} }))[1]).toBe(
      "unexpected response: pagination.numPages: missing (expected number)",
    );
    const { cacheReadTokens: _, ...usage } = event().tokenUsage;
    expect(problem(page([event({ tokenUsage: usage })]))[1]).toBe(
      "unexpected response: usageEvents[0].tokenUsage.cacheReadTokens: missing (expected number)",
    );
    expect(problem(page([{ model: "gpt-5" }]))[1]).toBe(
      "unexpected response: usageEvents[0].timestamp: Invalid input",
    );
  });

  it("null, an array or a string where an object belongs", () => {
    expect(problem(null)).toEqual(["", "unexpected response: expected object, got null"]);
    expect(problem([])[1]).toBe("unexpected response: expected object, got array");
    expect(problem(page([event(), null]))[1]).toBe(
      "unexpected response: usageEvents[1]: expected object, got null",
    );
    expect(problem(page([event({ tokenUsage: [] })]))[1]).toBe(
      "unexpected response: usageEvents[0].tokenUsage: expected object, got array",
    );
    expect(problem(page([], { pagination: "1" }))[1]).toBe(
      "unexpected response: pagination: expected object, got string",
    );
    expect(problem(page([], { usageEvents: null }))[1]).toBe(
      "unexpected response: usageEvents: expected array, got null",
    );
  });

  it("numbers out of range: counts are non-negative safe integers, timestamps epoch ms", () => {
    const tokens = (inputTokens: number) =>
      page([event({ tokenUsage: { ...event().tokenUsage, inputTokens } })]);
    const at = "unexpected response: usageEvents[0].tokenUsage.inputTokens: ";
    expect(problem(tokens(1.5))[1]).toBe(`${at}expected integer, got number 1.5`);
    expect(problem(tokens(-1))[1]).toBe(`${at}Too small: expected number to be >=0`);
    expect(problem(tokens(2 ** 53))[1]).toBe(`${at}Too big: expected int to be <=9007199254740991`);
    expect(problem(page([], { totalUsageEventsCount: -3 }))[1]).toBe(
      "unexpected response: totalUsageEventsCount: Too small: expected number to be >=0",
    );
    const ts = (timestamp: unknown) => problem(page([event({ timestamp })]))[1];
    expect(ts("yesterday")).toBe("unexpected response: usageEvents[0].timestamp: Invalid input");
    expect(ts("12345678901234567")).toBe("unexpected response: usageEvents[0].timestamp: Invalid input");
    expect(ts(1.5)).toBe("unexpected response: usageEvents[0].timestamp: Invalid input");
    expect(ts(-5)).toBe(
      "unexpected response: usageEvents[0].timestamp: Too small: expected number to be >=0",
    );
  });

  it("reports fields in order: the envelope before the events, an event's fields as listed", () => {
    expect(problem({ totalUsageEventsCount: "9", usageEvents: [null] })[0]).toBe("totalUsageEventsCount");
    expect(problem(page([event({ kind: 1, tokenUsage: { inputTokens: "1" } })]))[0]).toBe(
      "usageEvents[0].kind",
    );
    expect(problem(page([event({ timestamp: "x", model: 1 })]))[0]).toBe("usageEvents[0].timestamp");
    expect(problem(page([event({ chargedCents: "1" }), event({ model: 1 })]))[0]).toBe(
      "usageEvents[0].chargedCents",
    );
  });
});
