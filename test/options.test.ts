import { describe, expect, it } from "vitest";
import { parseDotEnv } from "../src/config/env.ts";
import { UsageError } from "../src/config/errors.ts";
import { parseOptions } from "../src/config/options.ts";

const defaults = {
  now: new Date("2026-11-24T15:00:00Z"),
  storePath: "/tmp/history.db",
  platformIds: ["claude", "openai", "cursor"],
};

describe("parseOptions", () => {
  it("defaults to the 30 UTC days ending today, sorted by requests, as a table", () => {
    const o = parseOptions({}, defaults);
    expect(o).toMatchObject({
      since: "2026-10-26",
      until: "2026-11-24",
      days: 30,
      windowMode: "days",
      sort: "requests",
      format: "table",
      platforms: null,
      top: null,
      store: "/tmp/history.db",
    });
  });

  it("--days counts back from --until inclusively", () => {
    expect(parseOptions({ days: "7", until: "2026-11-20" }, defaults)).toMatchObject({
      since: "2026-11-14",
      until: "2026-11-20",
      days: 7,
    });
  });

  it("accepts YYYYMMDD; a window not ending today is titled as a range", () => {
    expect(parseOptions({ since: "20261101", until: "20261110" }, defaults)).toMatchObject({
      since: "2026-11-01",
      until: "2026-11-10",
    });
    expect(parseOptions({ until: "2026-11-20" }, defaults).windowMode).toBe("range");
    expect(parseOptions({ until: "2026-11-24", days: "7" }, defaults).windowMode).toBe("days");
  });

  it("--since wins over --days and titles the window as a range", () => {
    const o = parseOptions({ since: "2026-11-01", until: "2026-11-10", days: "3" }, defaults);
    expect(o).toMatchObject({ since: "2026-11-01", until: "2026-11-10", days: 10, windowMode: "range" });
  });

  it("--json is --format json; --platform is de-duplicated and case-insensitive; --no-store is null", () => {
    const o = parseOptions(
      { json: true, platform: "Cursor,claude,cursor", store: false, top: "5" },
      defaults,
    );
    expect(o).toMatchObject({ format: "json", platforms: ["cursor", "claude"], store: null, top: 5 });
  });

  it("the demo never writes the default store unless one is named", () => {
    expect(parseOptions({ demo: true }, defaults).store).toBeNull();
    expect(parseOptions({ demo: true, store: "/x.db" }, defaults).store).toBe("/x.db");
  });

  it.each([
    [{ sort: "price" }, "--sort must be one of requests, tokens, cost; got 'price'"],
    [{ days: "0" }, "--days expects a whole number of at least 1, got '0'"],
    [{ days: "-3" }, "--days expects a whole number of at least 1, got '-3'"],
    [{ days: "1.5" }, "--days expects a whole number of at least 1, got '1.5'"],
    [{ days: "99999" }, "--days 99999 is too long a window; at most 3660 days are allowed"],
    [
      { since: "1990-01-01", until: "2026-01-01" },
      "--since 1990-01-01 to --until 2026-01-01 (13150 days) is too long a window; at most 3660 days are allowed",
    ],
    [{ since: "2026-11-10", until: "2026-11-01" }, "--since 2026-11-10 is after --until 2026-11-01"],
    [{ since: "2026-02-30" }, "--since expects a date as YYYY-MM-DD or YYYYMMDD, got '2026-02-30'"],
    [{ until: "yesterday" }, "--until expects a date as YYYY-MM-DD or YYYYMMDD, got 'yesterday'"],
    [{ until: "20261125" }, "--until 2026-11-25 is in the future (today is 2026-11-24, UTC)"],
    [{ format: "xml" }, "--format must be one of table, json, csv, markdown, html; got 'xml'"],
    [{ platform: "copilot" }, "--platform must be one of claude, openai, cursor; got 'copilot'"],
    [{ top: "0" }, "--top expects a whole number of at least 1, got '0'"],
  ])("rejects %j with one line naming the flag", (flags, message) => {
    expect(() => parseOptions(flags, defaults)).toThrow(new UsageError(message));
  });
});

describe("parseDotEnv", () => {
  it("reads plain, quoted, exported and commented lines", () => {
    const { values, problems } = parseDotEnv(
      ["# keys", "A=1", "export B = two ", 'C="three # not a comment"', "D='4'", "E=5 # comment", ""].join(
        "\n",
      ),
    );
    expect(values).toEqual({ A: "1", B: "two", C: "three # not a comment", D: "4", E: "5" });
    expect(problems).toEqual([]);
  });

  it("reads multi-line quoted values and names the lines it cannot read, without refusing", () => {
    const { values, problems } = parseDotEnv(
      ["A=1", "this is not a setting", 'CERT="one', "two", 'three"', "B='open", "C=3"].join("\n"),
    );
    expect(values).toMatchObject({ A: "1", CERT: "one\ntwo\nthree", C: "3" });
    expect(problems).toEqual([
      { line: 2, problem: "not a NAME=value line; skipped" },
      { line: 6, problem: "the ' quote is never closed; the value is read to the end of the line" },
    ]);
  });
});
