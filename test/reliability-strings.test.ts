import stringWidth from "string-width";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { claudeCodeRecord } from "../src/emulators/anthropic/index.ts";
import type { UsageEvent } from "../src/emulators/cursor/index.ts";
import { completionsResult, type OpenAIUser } from "../src/emulators/openai/index.ts";
import { dayStartMs } from "../src/usage/days.ts";
import {
  CLI_RANGE,
  expectNoStack,
  OutputLog,
  runRecorded,
  startVendors,
  type VendorData,
  type Vendors,
} from "./matrix.ts";

/**
 * Vendor strings written by anyone: escape sequences, newlines, very long values, bidi and
 * zero-width characters, spreadsheet formulas, pipes. The table strips them and stays aligned,
 * CSV neutralises formulas with RFC 4180 quoting, Markdown escapes, JSON keeps them exactly.
 */

const DAY = "2026-11-03";
const CLAUDE_EMAILS = [
  "\u001b[31mred\u001b[0m@company.com",
  "osc\u001b]8;;https://evil.example/\u0007link\u001b]8;;\u0007@company.com",
  "new\nline@company.com",
  "car\rriage@company.com",
  `${"x".repeat(200)}@company.com`,
  "rtl\u202emoc.live\u202c@company.com",
  "zero\u200bwidth\u200d\ufeff@company.com",
  '=HYPERLINK("http://evil.example","click")@company.com',
  "+1-555@company.com",
  "-2+3@company.com",
  "@sum(a1)@company.com",
  "pipe|user@company.com",
  "c1\u009b2Jcsi@company.com",
  'comma,"quote"@company.com',
  "tab\tuser@company.com",
];
const KEY_NAME = "=cmd|' /C calc'!A0\u001b[2J";
const OPENAI_EMAIL = "-Cmd\u2066Iso\u2069@Company.com";
const OPENAI_MODEL = "gpt-evil\u001b]0;pwned\u0007\nmodel";
const CURSOR_EMAIL = "@Cursor\u001bcReset@company.com";
const CURSOR_MODEL = "claude\u001b[2J|model";
const SERVICE_ACCOUNT = "Bot|\u001b[1mBold\u001b[0m";

/** The identities the tool must report, as the vendors' rules normalise them. */
const IDENTITIES = [
  ...CLAUDE_EMAILS.map((e) => e.trim().toLowerCase()),
  `api-key:${KEY_NAME}`,
  OPENAI_EMAIL.toLowerCase(),
  CURSOR_EMAIL.toLowerCase(),
  `service-account:${SERVICE_ACCOUNT}`,
];

function hostileData(): VendorData {
  const model = (input: number) => ({
    model: "claude-sonnet-5",
    input,
    output: 10,
    cacheRead: 0,
    cacheWrite: 0,
  });
  // Distinct session counts keep the ranking (and so every assertion) deterministic.
  const anthropic = CLAUDE_EMAILS.map((email, i) =>
    claudeCodeRecord({ date: `${DAY}T00:00:00Z`, email, sessions: 100 - i, models: [model(1000 + i)] }),
  );
  anthropic.push(
    claudeCodeRecord({ date: `${DAY}T00:00:00Z`, apiKeyName: KEY_NAME, sessions: 50, models: [model(7)] }),
  );
  const user: OpenAIUser = {
    object: "organization.user",
    id: "user-hostile000000000000001",
    name: "\u001b[5mBlink",
    email: OPENAI_EMAIL,
    role: "reader",
    added_at: 1_700_000_000,
  };
  const result = completionsResult({
    userId: user.id,
    model: OPENAI_MODEL,
    requests: 40,
    uncached: 500,
    cached: 100,
    output: 50,
  });
  const event = (ms: number, extra: Partial<UsageEvent>): UsageEvent => ({
    timestamp: String(dayStartMs(DAY) + ms),
    model: CURSOR_MODEL,
    kind: "Usage-based",
    maxMode: false,
    requestsCosts: 1,
    isTokenBasedCall: true,
    tokenUsage: { inputTokens: 10, outputTokens: 5, cacheWriteTokens: 0, cacheReadTokens: 0, totalCents: 1 },
    chargedCents: 1.5,
    ...extra,
  });
  const events = [
    event(3_000, { userEmail: CURSOR_EMAIL }),
    event(2_000, { userEmail: CURSOR_EMAIL }),
    event(1_000, {
      userEmail: "bot@company.com",
      serviceAccountId: "sa_hostile",
      serviceAccountName: SERVICE_ACCOUNT,
    }),
  ];
  return {
    anthropic,
    openai: { users: [user], results: [{ day: DAY, result }] },
    cursor: { members: [], events },
  };
}

const out = new OutputLog();
let v: Vendors;
const runs: Record<string, { stdout: string; stderr: string; code: number | null }> = {};

beforeAll(async () => {
  v = await startVendors(hostileData());
  for (const format of ["table", "csv", "markdown", "json"]) {
    const res = await runRecorded(out, [...CLI_RANGE, "--format", format], v.env);
    runs[format] = res;
  }
});
afterAll(async () => {
  await v?.close();
  out.expectNoSecrets();
});

// Anything that can act on a terminal or reorder/hide text: C0 (but LF), DEL, C1, bidi, zero-width.
const UNSAFE =
  /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u00ad\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/;

describe("hostile vendor strings", () => {
  it("every format runs cleanly: exit 0, no stack trace", () => {
    for (const res of Object.values(runs)) {
      expect(res.code).toBe(0);
      expectNoStack(res.stderr);
    }
  });

  it("stderr stays one line per message, without escape or invisible characters", () => {
    for (const res of Object.values(runs)) {
      expect(res.stderr).not.toMatch(UNSAFE);
      for (const line of res.stderr.split("\n").filter(Boolean))
        expect(line).toMatch(/^(no list price|skipped \(no key\)|\w+:)/);
    }
  });

  it("table: control characters stripped, the columns stay aligned, 80 columns wide", () => {
    const lines = runs.table!.stdout.split("\n");
    expect(runs.table!.stdout).not.toMatch(UNSAFE);
    const header = lines.findIndex((l) => /^\s+#\s+User\s+Requests/.test(l));
    const end = lines.findIndex((l, i) => i > header && l.startsWith("═"));
    const rows = lines.slice(header + 2, end);
    // One main row per identity plus a sub-row per platform of each multi-platform user (none here).
    expect(rows).toHaveLength(IDENTITIES.length);
    const cells = (line: string) =>
      [...new Intl.Segmenter().segment(line)].flatMap((s) => {
        const w = stringWidth(s.segment);
        return w === 0 ? [] : [s.segment, ...Array(w - 1).fill("")];
      });
    const head = cells(lines[header]!).join("");
    const ends = ["Requests", "Tokens", "Cost"].map((h) => head.indexOf(h) + h.length - 1);
    for (const row of rows) {
      expect(stringWidth(row)).toBeLessThanOrEqual(80);
      expect(row).toMatch(/^\s+\d+\s{3}\S/);
      const c = cells(row);
      for (const e of ends) {
        expect(c[e], `${row} at column ${e}`).toMatch(/[0-9KM]/);
        expect(c[e + 1] ?? " ").toBe(" ");
      }
    }
    expect(rows.some((r) => r.includes("…"))).toBe(true); // the 212-character email was cut
    expect(runs.table!.stdout).toContain("red@company.com");
    expect(runs.table!.stdout).toContain("pipe|user@company.com");
  });

  it("CSV: RFC 4180 quoting, formulas neutralised, no control characters", () => {
    const csv = runs.csv!.stdout;
    expect(csv).not.toMatch(/[\u001b\u009b\u0007]/);
    const records = parseCsv(csv);
    const [header, ...data] = records;
    expect(header).toHaveLength(13);
    for (const r of data) expect(r).toHaveLength(13);
    const userCol = header!.indexOf("user");
    const users = new Set(data.map((r) => r[userCol]!));
    expect(users).toEqual(new Set(IDENTITIES.map(csvExpected)));
    for (const r of data) for (const cell of r) expect(cell).not.toMatch(/^[=+\-@]/);
    expect(users).toContain('\'=hyperlink("http://evil.example","click")@company.com');
    expect(users).toContain("'+1-555@company.com");
    expect(users).toContain("'-cmd\u2066iso\u2069@company.com");
    expect(users).toContain("'@cursorcreset@company.com");
    expect(users).toContain("new\nline@company.com");
  });

  it("Markdown: no raw pipe inside a cell, no newline inside a row", () => {
    const md = runs.markdown!.stdout;
    expect(md).not.toMatch(UNSAFE);
    const rows = md.split("\n").filter((l) => l.startsWith("|"));
    expect(rows).toHaveLength(2 + IDENTITIES.length);
    for (const row of rows) {
      expect(row).toMatch(/^\| .* \|$|^\|--/);
      // Unescaped pipes are exactly the seven cell borders.
      expect(row.split(/(?<!\\)\|/)).toHaveLength(8);
    }
    expect(md).toContain("pipe\\|user@company.com");
    expect(md).toContain("api-key:=cmd\\|' /C calc'!A0");
  });

  it("JSON: the exact vendor strings survive, and the raw text is safe to print", () => {
    const text = runs.json!.stdout;
    expect(text).not.toMatch(UNSAFE);
    const json = JSON.parse(text) as {
      users: Array<{ user: string; email: string | null }>;
      unpricedModels: string[];
    };
    expect(new Set(json.users.map((u) => u.user))).toEqual(new Set(IDENTITIES));
    expect(json.users.find((u) => u.user.startsWith("x"))!.user).toHaveLength(212);
    expect(json.unpricedModels).toEqual([OPENAI_MODEL]);
  });
});

it("a hostile vendor error message: one clean stderr line, kept exactly in JSON", async () => {
  const message = "Enterprise\u001b[2J access\nrequired | \u202eevil";
  v.cursor.inject({ fault: { kind: "status", status: 403, message } });
  const res = await runRecorded(out, [...CLI_RANGE, "--json"], v.env).finally(() => v.clearFaults());
  expect(res.code).toBe(0);
  expect(res.stderr).toMatch(
    /^cursor: error: HTTP 403: Enterprise access required \| evil — the Admin API is for Enterprise teams; ask a team admin$/m,
  );
  expect(res.stderr).not.toMatch(UNSAFE);
  const json = JSON.parse(res.stdout) as { platforms: Array<{ platform: string; message: string | null }> };
  expect(json.platforms.find((p) => p.platform === "cursor")!.message).toBe(`HTTP 403: ${message}`);
  expectNoStack(res.stderr);
});

/** The CSV cell the contract asks for: controls but TAB/LF/CR removed, a leading formula character defused. */
function csvExpected(value: string): string {
  const v = value.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g, "");
  return /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
}

/** A strict RFC 4180 reader (LF or CRLF record ends); throws on a stray quote. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let i = 0;
  while (i < text.length) {
    let cell = "";
    if (text[i] === '"') {
      i++;
      for (;;) {
        if (i >= text.length) throw new Error("unterminated quoted cell");
        if (text[i] === '"') {
          if (text[i + 1] === '"') {
            cell += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        cell += text[i++];
      }
    } else {
      while (i < text.length && !/[,\n\r]/.test(text[i]!)) {
        if (text[i] === '"') throw new Error(`stray quote in an unquoted cell at ${i}`);
        cell += text[i++];
      }
    }
    record.push(cell);
    if (text[i] === ",") {
      i++;
      continue;
    }
    if (text[i] === "\r") i++;
    if (i < text.length && text[i] !== "\n") throw new Error(`unexpected character after a cell at ${i}`);
    i++;
    records.push(record);
    record = [];
  }
  return records;
}
