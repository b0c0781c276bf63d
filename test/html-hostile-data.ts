import { claudeCodeRecord } from "../src/emulators/anthropic/index.ts";
import type { UsageEvent } from "../src/emulators/cursor/index.ts";
import { completionsResult, type OpenAIUser } from "../src/emulators/openai/index.ts";
import { dayStartMs } from "../src/usage/days.ts";
import type { VendorData } from "./matrix.ts";

/**
 * Vendor data whose identities, names and models try to become markup or script in the HTML report,
 * beside the strings the terminal formats are tested with (escapes, line breaks, bidi, formulas).
 */

const DAY = "2026-11-03";
export const HOSTILE_EMAILS = [
  `"><img src=x onerror=alert(1)>@co.com`,
  "</script><script>alert(2)</script>@co.com",
  "<svg onload=alert(3)>@co.com",
  "x' autofocus onfocus='alert(4)@co.com",
  "<!--@co.com",
  "&lt;b&gt;@co.com",
  "\u001b[31mred\u001b[0m@company.com",
  "osc\u001b]8;;https://evil.example/\u0007link\u001b]8;;\u0007@company.com",
  "new\nline@company.com",
  "car\rriage@company.com",
  `${"x".repeat(200)}@company.com`,
  "rtl\u202emoc.live\u202c@company.com",
  "zero\u200bwidth\u200d\ufeff@company.com",
  '=HYPERLINK("http://evil.example","click")@company.com',
  "pipe|user@company.com",
  "c1\u009b2Jcsi@company.com",
  "+1-555@company.com",
  "-2+3@company.com",
  "@sum(a1)@company.com",
  'comma,"quote"@company.com',
  "tab\tuser@company.com",
];
export const HOSTILE_KEY_NAME = "<iframe src=javascript:alert(5)>";
export const HOSTILE_OPENAI_EMAIL = "<b>bold</b>\u2066iso\u2069@Company.com";
export const HOSTILE_MODEL = "gpt-</script><img src=x onerror=alert(6)>";
export const HOSTILE_CURSOR_MODEL = "claude\u001b[2J<style>*{display:none}</style>";

export function hostileVendorData(): VendorData {
  const model = (input: number) => ({
    model: "claude-sonnet-5",
    input,
    output: 10,
    cacheRead: 0,
    cacheWrite: 0,
  });
  // Distinct session counts keep the ranking deterministic.
  const anthropic = HOSTILE_EMAILS.map((email, i) =>
    claudeCodeRecord({ date: `${DAY}T00:00:00Z`, email, sessions: 100 - i, models: [model(1000 + i)] }),
  );
  anthropic.push(
    claudeCodeRecord({
      date: `${DAY}T00:00:00Z`,
      apiKeyName: HOSTILE_KEY_NAME,
      sessions: 50,
      models: [model(7)],
    }),
  );
  const user: OpenAIUser = {
    object: "organization.user",
    id: "user-hostile000000000000001",
    name: "<marquee>",
    email: HOSTILE_OPENAI_EMAIL,
    role: "reader",
    added_at: 1_700_000_000,
  };
  const result = completionsResult({
    userId: user.id,
    model: HOSTILE_MODEL,
    requests: 40,
    uncached: 500,
    cached: 100,
    output: 50,
  });
  const event = (ms: number, extra: Partial<UsageEvent>): UsageEvent => ({
    timestamp: String(dayStartMs(DAY) + ms),
    model: HOSTILE_CURSOR_MODEL,
    kind: "Usage-based",
    maxMode: false,
    requestsCosts: 1,
    isTokenBasedCall: true,
    tokenUsage: { inputTokens: 10, outputTokens: 5, cacheWriteTokens: 0, cacheReadTokens: 0, totalCents: 1 },
    chargedCents: 1.5,
    ...extra,
  });
  const events = [
    event(3_000, { userEmail: HOSTILE_EMAILS[0] }),
    event(1_000, {
      userEmail: "bot@company.com",
      serviceAccountId: "sa_hostile",
      serviceAccountName: "<script>alert(7)</script>",
    }),
  ];
  return {
    anthropic,
    openai: { users: [user], results: [{ day: DAY, result }] },
    cursor: { members: [], events },
  };
}
